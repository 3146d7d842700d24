using Sebs.Core;
using Sebs.Core.Diagnostics;
using Sebs.Core.Results;
using Xunit;

namespace Sebs.Tests.Results;

public class ResultsJournalTests
{
    private sealed class ListLog : ISebsLog
    {
        public List<string> Warnings { get; } = new();
        public void Verbose(string message) { }
        public void Warning(string message) => Warnings.Add(message);
        public void Debug(string message) { }
    }

    private static string Journal(int results)
    {
        var path = Path.Combine(TestPaths.NewTempDir(), "results.jsonl");
        using var journal = ResultsJournal.Open(path);
        foreach (var r in SyntheticResults.Create(results)) journal.Append(r);
        return path;
    }

    [Fact]
    public void Appends_one_line_per_result_readable_while_open()
    {
        var path = Path.Combine(TestPaths.NewTempDir(), "results.jsonl");
        using var journal = ResultsJournal.Open(path);
        var results = SyntheticResults.Create(3);
        journal.Append(results[0]);
        journal.Append(results[1]);
        // Flushed per line: another reader sees both before the journal closes.
        using (var reader = new StreamReader(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite)))
            Assert.Equal(2, reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        journal.Append(results[2]);
        Assert.Equal(3, journal.Count);
    }

    [Fact]
    public void Creates_the_file_owner_only()
    {
        if (OperatingSystem.IsWindows()) return;
        var path = Journal(1);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
    }

    [Fact]
    public void Skips_a_truncated_last_line_with_a_warning()
    {
        var path = Journal(3);
        var text = File.ReadAllText(path);
        File.WriteAllText(path, text[..(text.Length - 40)]);   // the process died mid-line
        var log = new ListLog();

        var results = ResultsJournal.Read(path, log).ToList();

        Assert.Equal(2, results.Count);
        Assert.Equal(new[] { "req-00000000", "req-00000001" }, results.Select(r => r.RequestId));
        var warning = Assert.Single(log.Warnings);
        Assert.Contains("line 3", warning);
    }

    [Fact]
    public void Appending_after_a_crash_cuts_the_torn_line_first()
    {
        var path = Journal(2);
        var text = File.ReadAllText(path);
        File.WriteAllText(path, text[..(text.Length - 10)]);
        var log = new ListLog();
        using (var journal = ResultsJournal.Open(path, append: true, log))
            journal.Append(SyntheticResults.Create(3)[2]);

        Assert.Equal(new[] { "req-00000000", "req-00000002" }, ResultsJournal.Read(path).Select(r => r.RequestId));
        Assert.Contains("incomplete last line", Assert.Single(log.Warnings));
    }

    [Fact]
    public void A_bad_line_in_the_middle_is_an_error_with_its_line_number()
    {
        var path = Journal(3);
        var lines = File.ReadAllLines(path);
        lines[1] = "{\"request_id\": \"x\", \"times\": {\"client\": tru";
        File.WriteAllLines(path, lines);
        var ex = Assert.Throws<SebsException>(() => ResultsJournal.Read(path).ToList());
        Assert.Equal(SebsErrorIds.ResultFileInvalid, ex.ErrorId);
        Assert.Contains(path, ex.Message);
        Assert.Contains("line 2", ex.Message);
    }

    [Fact]
    public void Converts_to_an_experiments_file_with_inferred_begin_and_end()
    {
        var path = Journal(4);
        var target = Path.Combine(Path.GetDirectoryName(path)!, "experiments.json");

        var experiment = ResultsJournal.ConvertToExperimentFile(path, target);

        Assert.Equal(4, experiment.Count);
        Assert.Equal(ResultFileFormat.Json, ResultFile.Detect(target));
        Assert.Equal(SebsTimestamp.ToEpochSeconds(new DateTime(2026, 1, 1, 12, 0, 0)), experiment.BeginTime);
        Assert.True(experiment.EndTime > experiment.BeginTime);
        Assert.Equal(ResultsJournal.Read(path).Select(r => r.ClientMs), ResultFile.Read(target).Select(r => r.ClientMs));
    }
}
