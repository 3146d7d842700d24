using System.Buffers;
using System.Text;
using System.Text.Json;
using Sebs.Core.Diagnostics;

namespace Sebs.Core.Results;

/// <summary>
/// Appends results to a JSON-lines file as they arrive, one SeBS invocation object (with <c>sebs_context</c>) per line,
/// so a crash loses at most the line being written. Thread-safe: concurrent invocations may append at once.
/// </summary>
/// <remarks>
/// Each line is flushed to the operating system before <see cref="Append"/> returns, which survives the process dying;
/// it is not fsynced, so a power loss may still drop the last lines. A new file is created owner-only (0600) on Unix.
/// </remarks>
public sealed class ResultsJournal : IDisposable
{
    private readonly FileStream _stream;
    private readonly ArrayBufferWriter<byte> _buffer = new(4096);
    private readonly object _gate = new();
    private bool _disposed;

    private ResultsJournal(string path, FileStream stream)
    {
        Path = path;
        _stream = stream;
    }

    public string Path { get; }

    /// <summary>Lines written by this instance.</summary>
    public long Count { get; private set; }

    /// <summary>Opens <paramref name="path"/> for appending (or truncates it when <paramref name="append"/> is false).</summary>
    /// <remarks>
    /// When appending to a journal whose last line was torn by a crash, that partial line is cut off first (with a warning),
    /// so the journal stays readable end to end; the partial line could never be parsed anyway.
    /// </remarks>
    public static ResultsJournal Open(string path, bool append = true, ISebsLog? log = null)
    {
        if (append && File.Exists(path) && CutTornTail(path) is > 0 and var cut)
            (log ?? NullSebsLog.Instance).Warning($"Results file '{path}': removed an incomplete last line ({cut} bytes) left by an earlier run.");
        return new ResultsJournal(path, SecureFile.Create(path, append));
    }

    public void Append(ExecutionResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        AppendRange(new[] { result });
    }

    /// <summary>
    /// Appends results that completed together with one write and one flush: each has reached the operating system when
    /// this returns, as with <see cref="Append"/>, at a fraction of the system calls when many complete at once.
    /// </summary>
    public void AppendRange(IReadOnlyList<ExecutionResult> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        if (results.Count == 0) return;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _buffer.ResetWrittenCount();
            using (var w = new Utf8JsonWriter(_buffer, ExperimentResultJson.CompactOptions))
                foreach (var result in results)
                {
                    InvocationJson.Write(w, result);
                    w.Flush();
                    _buffer.Write("\n"u8);
                    w.Reset(_buffer);
                }
            // One write call per batch of whole lines keeps concurrent readers from seeing half of two lines interleaved.
            _stream.Write(_buffer.WrittenSpan);
            _stream.Flush();
            Count += results.Count;
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            _stream.Dispose();
        }
    }

    /// <summary>
    /// Reads a journal back. A last line that does not parse (the process died mid-write) is skipped with a warning;
    /// a bad line anywhere else is an error.
    /// </summary>
    /// <exception cref="SebsException"><c>Sebs.ResultFileInvalid</c> with the file and line.</exception>
    public static IEnumerable<ExecutionResult> Read(string path, ISebsLog? log = null)
    {
        log ??= NullSebsLog.Instance;
        using var reader = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        var lineNumber = 0L;
        string? line = reader.ReadLine();
        while (line is not null)
        {
            lineNumber++;
            var next = reader.ReadLine();
            if (string.IsNullOrWhiteSpace(line)) { line = next; continue; }
            var (result, error) = ParseLine(line, lineNumber);
            if (error is not null)
            {
                if (!HasMoreContent(next, reader))
                {
                    log.Warning($"Results file '{path}': skipped the incomplete last line {lineNumber} ({error.Value.Reason}); the writer probably stopped mid-line.");
                    yield break;
                }
                throw ResultFileErrors.Invalid(path, error.Value.Where, error.Value.Reason, error.Value.Exception);
            }
            yield return result!;
            line = next;
        }
    }

    /// <summary>Reads a journal into SeBS's experiments.json shape, inferring begin/end from the client times.</summary>
    public static ExperimentResult ToExperiment(string path, ISebsLog? log = null)
    {
        var experiment = new ExperimentResult();
        foreach (var result in Read(path, log)) experiment.Add(result);
        experiment.InferTimesFromResults();
        return experiment;
    }

    /// <summary>Converts a journal into an experiments.json file.</summary>
    public static ExperimentResult ConvertToExperimentFile(string journalPath, string experimentPath, ISebsLog? log = null)
    {
        var experiment = ToExperiment(journalPath, log);
        ExperimentResultJson.Write(experiment, experimentPath);
        return experiment;
    }

    private static (ExecutionResult? Result, (string Where, string Reason, Exception Exception)? Error) ParseLine(string line, long lineNumber)
    {
        try
        {
            using var document = JsonDocument.Parse(line);
            return (InvocationJson.Read(document.RootElement), null);
        }
        catch (JsonException ex)
        {
            return (null, ($"line {lineNumber}, byte {(ex.BytePositionInLine ?? 0) + 1}", ResultFileErrors.Reason(ex), ex));
        }
        catch (FormatException ex)
        {
            return (null, ($"line {lineNumber}", ex.Message, ex));
        }
    }

    private static bool HasMoreContent(string? next, StreamReader reader)
    {
        while (next is not null)
        {
            if (!string.IsNullOrWhiteSpace(next)) return true;
            next = reader.ReadLine();
        }
        return false;
    }

    /// <summary>Truncates the file after its last newline; returns the bytes removed.</summary>
    private static long CutTornTail(string path)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.Read);
        var end = file.Length;
        var keep = end;
        var buffer = new byte[4096];
        while (keep > 0)
        {
            var chunk = (int)Math.Min(buffer.Length, keep);
            file.Seek(keep - chunk, SeekOrigin.Begin);
            file.ReadExactly(buffer, 0, chunk);
            var newline = Array.LastIndexOf(buffer, (byte)'\n', chunk - 1, chunk);
            if (newline >= 0) { keep = keep - chunk + newline + 1; break; }
            keep -= chunk;
        }
        if (keep < end) file.SetLength(keep);
        return end - keep;
    }
}
