using System.Text;
using System.Text.Json;
using Sebs.Core.Diagnostics;

namespace Sebs.Core.Results;

public enum ResultFileFormat
{
    /// <summary>SeBS experiments.json / results.json (one JSON document with <c>_invocations</c>).</summary>
    Json,
    /// <summary>Our journal: one invocation object per line.</summary>
    JsonLines,
    /// <summary>Flat result columns, from Export-Csv or <see cref="ResultCsv"/>.</summary>
    Csv,
}

/// <summary>Reads any results file, telling the format from the content rather than the extension.</summary>
public static class ResultFile
{
    /// <summary>
    /// A document starting with <c>{</c> whose first line is a complete object without <c>_invocations</c> is JSON lines;
    /// any other <c>{</c> document is experiments.json (SeBS writes it indented, so its first line is just <c>{</c>);
    /// everything else is CSV.
    /// </summary>
    /// <exception cref="SebsException"><c>Sebs.ResultFileInvalid</c> for an empty file.</exception>
    public static ResultFileFormat Detect(string path)
    {
        using var reader = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        string? first;
        do { first = reader.ReadLine(); } while (first is not null && string.IsNullOrWhiteSpace(first));
        if (first is null) throw ResultFileErrors.Invalid(path, "line 1", "the file is empty");
        first = first.Trim();
        if (!first.StartsWith('{')) return ResultFileFormat.Csv;
        try
        {
            using var line = JsonDocument.Parse(first);
            return line.RootElement.TryGetProperty("_invocations", out _) ? ResultFileFormat.Json : ResultFileFormat.JsonLines;
        }
        catch (JsonException)
        {
            return ResultFileFormat.Json;
        }
    }

    /// <summary>Streams the results of a file in any of the formats.</summary>
    /// <exception cref="SebsException"><c>Sebs.ResultFileInvalid</c> with the file and position.</exception>
    public static IEnumerable<ExecutionResult> Read(string path, ISebsLog? log = null) => Detect(path) switch
    {
        ResultFileFormat.Json => ExperimentResultJson.ReadResults(path),
        ResultFileFormat.JsonLines => ResultsJournal.Read(path, log),
        _ => ResultCsv.Read(path),
    };

    /// <summary>Writes results to <paramref name="path"/> in one go (owner-only on Unix when created).</summary>
    public static void Write(IEnumerable<ExecutionResult> results, string path, ResultFileFormat format)
    {
        switch (format)
        {
            case ResultFileFormat.Json:
                var experiment = new ExperimentResult();
                foreach (var r in results) experiment.Add(r);
                experiment.InferTimesFromResults();
                ExperimentResultJson.Write(experiment, path);
                break;
            case ResultFileFormat.JsonLines:
                using (var journal = ResultsJournal.Open(path, append: false))
                    foreach (var r in results) journal.Append(r);
                break;
            default:
                using (var writer = new StreamWriter(SecureFile.Create(path), new UTF8Encoding(false)))
                    ResultCsv.Write(results, writer);
                break;
        }
    }
}
