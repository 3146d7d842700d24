using System.Text.Json.Nodes;

namespace Sebs.Core.Results;

/// <summary>Client-side times of one invocation. SeBS's JSON keeps µs for durations and seconds for the HTTP phases.</summary>
public sealed class ExecutionTimes
{
    /// <summary>Wall time seen by the client, µs (SeBS <c>times.client</c>).</summary>
    public long ClientMicroseconds { get; set; }
    /// <summary>Local time just before the request was sent (SeBS <c>times.client_begin</c>).</summary>
    public DateTime ClientBegin { get; set; }
    /// <summary>Local time just after the response arrived (SeBS <c>times.client_end</c>).</summary>
    public DateTime ClientEnd { get; set; }
    /// <summary>Handler time measured inside the sandbox, end - begin, µs (SeBS <c>times.benchmark</c>).</summary>
    public long BenchmarkMicroseconds { get; set; }
    /// <summary>SeBS <c>times.initialization</c>, µs (SeBS never sets it; kept for file compatibility).</summary>
    public long InitializationMicroseconds { get; set; }
    /// <summary>Time until the request could be sent (connect + TLS), seconds; HTTP triggers only.</summary>
    public double? HttpStartupSeconds { get; set; }
    /// <summary>Time until the first response byte, seconds; HTTP triggers only.</summary>
    public double? HttpFirstByteReturnSeconds { get; set; }

    public override string ToString() => $"client {ClientMicroseconds / 1000.0:0.###} ms, benchmark {BenchmarkMicroseconds / 1000.0:0.###} ms";
}

/// <summary>Times reported by the provider (logs, metrics), µs.</summary>
public sealed class ProviderTimes
{
    public long ExecutionMicroseconds { get; set; }
    public long InitializationMicroseconds { get; set; }

    public override string ToString() => $"execution {ExecutionMicroseconds / 1000.0:0.###} ms, init {InitializationMicroseconds / 1000.0:0.###} ms";
}

public sealed class ExecutionStats
{
    /// <summary>Peak memory used by the sandbox, MB (AWS "Max Memory Used"; local: cgroup or /proc).</summary>
    public double? MemoryUsedMB { get; set; }
    public bool ColdStart { get; set; }
    public bool Failure { get; set; }

    public override string ToString() => $"cold {ColdStart}, failed {Failure}, memory {MemoryUsedMB?.ToString("0.#") ?? "-"} MB";
}

public sealed class ExecutionBilling
{
    /// <summary>Configured memory the provider billed for, MB.</summary>
    public int? MemoryMB { get; set; }
    /// <summary>Billed duration, ms.</summary>
    public long? BilledTimeMilliseconds { get; set; }
    /// <summary>GB-seconds: billed seconds x memory GB (1024 MB).</summary>
    public double GBSeconds { get; set; }

    /// <summary>Fills in GB-seconds from billed time and memory as SeBS does.</summary>
    public void Recompute()
    {
        if (BilledTimeMilliseconds is { } ms && MemoryMB is { } mb)
            GBSeconds = ms / 1000.0 * (mb / 1024.0);
    }

    public override string ToString() => $"{BilledTimeMilliseconds?.ToString() ?? "-"} ms x {MemoryMB?.ToString() ?? "-"} MB = {GBSeconds:0.######} GB-s";
}

/// <summary>
/// One invocation of one function. Nested objects keep SeBS's structure (and units) so results files stay compatible;
/// the flat properties in milliseconds are what tables, Where-Object and Export-Csv use.
/// </summary>
public sealed class ExecutionResult
{
    // Context, so a result makes sense on its own in a pipeline or a CSV row.
    public string Benchmark { get; set; } = "";
    public string Platform { get; set; } = "";
    public string Language { get; set; } = "";
    public string LanguageVersion { get; set; } = "";
    public string FunctionName { get; set; } = "";
    public string Region { get; set; } = "";
    public string Trigger { get; set; } = "";
    public string Size { get; set; } = "";
    /// <summary>0-based position of this invocation in its run.</summary>
    public int Invocation { get; set; }
    public string RequestId { get; set; } = "";
    public string ContainerId { get; set; } = "";
    /// <summary>Configured function memory, MB.</summary>
    public int FunctionMemoryMB { get; set; }
    /// <summary>The experiment this invocation belongs to (<c>perf-cost</c>, ...), empty for a plain run.</summary>
    public string Experiment { get; set; } = "";
    /// <summary>The experiment's sub-type (perf-cost: <c>cold</c>, <c>warm</c>, <c>burst</c>, <c>sequential</c>), empty for a plain run.</summary>
    public string ExperimentType { get; set; } = "";

    /// <summary>The load host that sent this invocation (a fanned-out run's -ComputerName/-Session), empty for this machine.</summary>
    public string ClientHost { get; set; } = "";
    /// <summary>How far that host's clock was ahead of the caller's, ms, as measured when the run started; already subtracted from ClientBegin/ClientEnd.</summary>
    public double? ClockOffsetMs { get; set; }
    /// <summary>± bound of <see cref="ClockOffsetMs"/> (half the best round trip), ms.</summary>
    public double? ClockUncertaintyMs { get; set; }

    public ExecutionTimes Times { get; set; } = new();
    public ProviderTimes ProviderTimes { get; set; } = new();
    public ExecutionStats Stats { get; set; } = new();
    public ExecutionBilling Billing { get; set; } = new();
    private JsonObject? _outputJson;
    private byte[]? _outputUtf8;
    private Dictionary<string, object?>? _output;

    /// <summary>
    /// The wrapper's whole response (SeBS <c>output</c>: begin, end, is_cold, request_id, result, ...) as plain values
    /// (dictionaries, arrays, numbers, strings), so it prints and converts to JSON as it came. <see cref="GetOutputJson"/> has the JSON itself, which files store; changing this view does not change it.
    /// </summary>
    public Dictionary<string, object?>? Output => GetOutputJson() is { } json ? _output ??= PlainJson.FromObject(json) : null;

    /// <summary>The wrapper's response as JSON, exactly as received: what results files store and validators read.</summary>
    /// <remarks>Methods rather than properties so PowerShell's formatting and ConvertTo-Json see only the plain <see cref="Output"/>.</remarks>
    public JsonObject? GetOutputJson()
    {
        if (_outputJson is null && _outputUtf8 is { } utf8)
        {
            Interlocked.CompareExchange(ref _outputJson, (JsonObject)JsonNode.Parse(utf8)!, null);
            _outputUtf8 = null;   // from now on the parsed object is the output, and may be changed
        }
        return _outputJson;
    }

    public void SetOutputJson(JsonObject? output)
    {
        _outputJson = output;
        _outputUtf8 = null;
        _output = null;
    }

    /// <summary>
    /// Keeps the output as the text it arrived in (one JSON object, UTF-8, on one line) and parses it when it is first
    /// asked for. A kept result then holds a few hundred bytes instead of the parsed document, and the journal writes the
    /// text as it came (issue 15: a run that keeps its results promoted 7-15 MB per garbage collection).
    /// </summary>
    internal void SetOutputUtf8(byte[] utf8)
    {
        _outputUtf8 = utf8;
        _outputJson = null;
        _output = null;
    }

    /// <summary>The output's text while nothing has parsed it (see <see cref="SetOutputUtf8"/>).</summary>
    internal byte[]? UnparsedOutputUtf8 => _outputJson is null ? _outputUtf8 : null;

    /// <summary>The benchmark's own return value as JSON (the <c>result</c> field of the wrapper output).</summary>
    public JsonNode? GetResultJson() => GetOutputJson()?["result"];
    /// <summary>Why the invocation failed, when it did.</summary>
    public string? ErrorMessage { get; set; }
    /// <summary>True when the invocation was abandoned because it exceeded the function timeout.</summary>
    public bool TimedOut { get; set; }
    /// <summary>
    /// True when the platform refused the invocation for lack of capacity (HTTP 429, Lambda's TooManyRequestsException):
    /// a failed sample, never silently retried, so a throttled run shows as such instead of as fast.
    /// </summary>
    public bool Throttled { get; set; }
    /// <summary>How many times the invocation was sent again because the user asked for retries of throttled calls (0: measured as sent).</summary>
    public int Retries { get; set; }
    /// <summary>
    /// Experiments with concurrent batches (perf-cost): how many invocations of this result's batch ran in the same sandbox
    /// (same container id), this one included. Above 1 they queued behind each other, so the client time includes that
    /// wait; a cloud starts one sandbox per concurrent invocation. Null when not known.
    /// </summary>
    public int? SandboxSharedBy { get; set; }
    /// <summary>Set by -Validate: whether the output passed the benchmark's check (null: not validated).</summary>
    public bool? Valid { get; set; }
    public string? ValidationMessage { get; set; }
    /// <summary>
    /// False when the configured memory (FunctionMemoryMB, which costs are computed from) was recorded but not applied
    /// to the sandbox (a local host process); null when the platform does not say.
    /// </summary>
    public bool? MemoryLimitEnforced { get; set; }

    // Flat view, milliseconds.
    public bool IsCold => Stats.ColdStart;
    public bool Failed => Stats.Failure;
    public double ClientMs => Times.ClientMicroseconds / 1000.0;
    public double BenchmarkMs => Times.BenchmarkMicroseconds / 1000.0;
    public double ProviderMs => ProviderTimes.ExecutionMicroseconds / 1000.0;
    public double InitMs => ProviderTimes.InitializationMicroseconds / 1000.0;
    public double? MemoryMB => Stats.MemoryUsedMB;
    public long? BilledMs => Billing.BilledTimeMilliseconds;
    public double GBSeconds => Billing.GBSeconds;

    /// <summary>The benchmark's own return value (the <c>result</c> field of the wrapper output) as a plain value.</summary>
    public object? Result => Output is { } o && o.TryGetValue("result", out var value) ? value : null;

    public override string ToString() =>
        $"{Benchmark} {Platform}/{Language} #{Invocation} {(Failed ? "FAILED" : IsCold ? "cold" : "warm")} client={ClientMs:0.###}ms benchmark={BenchmarkMs:0.###}ms";
}
