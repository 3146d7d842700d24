using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Sebs.Core.Diagnostics;
using Sebs.Core.Platforms;
using Sebs.Core.Results;
using Sebs.Core.Running;

namespace Sebs.Core.Experiments;

/// <summary>
/// SeBS's perf-cost (reference §9.1): per memory size and type (cold, warm, burst, sequential), batches of concurrent
/// invocations until enough samples are accepted. Writes <c>perf-cost/&lt;type&gt;_results_&lt;M&gt;.json</c> with SeBS's
/// <c>statistics</c> block, and journals every result to <c>perf-cost/journal.jsonl</c> as it arrives.
/// </summary>
/// <remarks>
/// Journal lines carry <c>experiment_type</c> = the type for accepted results, <c>&lt;type&gt;.warm-up</c> for the discarded
/// first batch and <c>&lt;type&gt;.rejected</c> for results of the wrong kind (cold type: not cold; warm type: cold).
/// Only accepted results are streamed to the caller.
/// </remarks>
public sealed class PerfCostExperiment(PerfCostSettings settings) : IExperiment
{
    public string Name => ExperimentNames.PerfCost;
    public PerfCostSettings Settings { get; } = settings;
    private bool _warnedSharing;

    public async Task RunAsync(ExperimentContext ctx, CancellationToken ct)
    {
        var s = Settings;
        s.Validate();
        var benchmark = ctx.Catalog.Get(s.Benchmark);
        var folder = ctx.Folder(Name);
        var memories = s.MemorySizes.Length == 0 ? new int?[] { null } : s.MemorySizes.Select(m => (int?)m).ToArray();
        var pause = s.BatchPauseSeconds is { } pauseSeconds ? TimeSpan.FromSeconds(pauseSeconds) : ctx.Platform.Descriptor.BatchPause;
        var progress = new ProgressTracker(ctx.Progress, "Start-SebsExperiment perf-cost", memories.Length * s.Experiments.Length * s.Repetitions);

        using var journal = ResultsJournal.Open(Path.Combine(folder, "journal.jsonl"), append: true, ctx.Log);
        ctx.Log.Verbose($"perf-cost: journal {journal.Path}; pause between batches {pause.TotalSeconds:0.##} s.");
        var payload = await ctx.Runner.PrepareInputAsync(ctx.Request(benchmark, s.InputSize, memories[0]), ct).ConfigureAwait(false);

        foreach (var memory in memories)
        {
            progress.Status($"Deploying {benchmark.Name} with {memory?.ToString(CultureInfo.InvariantCulture) ?? "default"} MB");
            // SeBS did a full code update per memory size; a configuration update is what changes the memory.
            var (function, _, action) = await ctx.Runner.DeployAsync(ctx.Request(benchmark, s.InputSize, memory), ct).ConfigureAwait(false);
            ctx.Log.Verbose($"perf-cost: {action} {function.Name} with {function.MemoryMB} MB.");
            foreach (var type in s.Experiments)
                await RunConfigurationAsync(ctx, function, payload, type, memory, folder, journal, pause, progress, ct).ConfigureAwait(false);
        }
    }

    private async Task RunConfigurationAsync(ExperimentContext ctx, SebsFunction function, JsonObject payload, string type, int? memory,
        string folder, ResultsJournal journal, TimeSpan pause, ProgressTracker progress, CancellationToken ct)
    {
        var s = Settings;
        var n = type == "sequential" ? 1 : s.ConcurrentInvocations;
        var trigger = ctx.HttpTrigger(function);
        var result = new ExperimentResult { Config = ctx.ConfigJson(Name, s.ToJson()), BeginTime = Now() };
        var failures = new List<string>();
        var incorrect = new List<ExecutionResult>();
        int gathered = 0, coldCount = 0, batch = 0, invocation = 0, maxShared = 0;
        var maxBatches = s.MaxBatches > 0 ? s.MaxBatches : 10 * Math.Max(s.Repetitions, (s.Repetitions + n - 1) / n) + 1;
        var file = Path.Combine(folder, memory is { } m ? $"{type}_results_{m}.json" : $"{type}_results.json");
        var label = $"{type} ({function.MemoryMB} MB)";
        var gate = new object();

        // Classified as it arrives, so the journal line says what became of it.
        async Task<ExecutionResult> InvokeOne(bool warmUp)
        {
            var index = Interlocked.Increment(ref invocation) - 1;
            var r = await trigger.InvokeAsync((JsonObject)payload.DeepClone(), ct).ConfigureAwait(false);
            var tag = warmUp ? type + ".warm-up"
                : !r.Failed && ((type == "cold" && !r.IsCold) || (type == "warm" && r.IsCold)) ? type + ".rejected" : type;
            ExperimentStamp.Apply(r, ctx, function, s.InputSize, index, Name, tag);
            if (r.Failed) await ctx.Platform.RecoverAsync(function, r, ct).ConfigureAwait(false);
            journal.Append(r);
            return r;
        }

        try
        {
            if (type == "sequential")
            {
                progress.Status($"{label}: warm-up invocation");
                await InvokeOne(warmUp: true).ConfigureAwait(false);
            }
            while (gathered < s.Repetitions)
            {
                ct.ThrowIfCancellationRequested();
                if (batch >= maxBatches)
                {
                    ctx.Log.Warning($"perf-cost {label}: gave up after {batch} batches with {gathered} of {s.Repetitions} samples " +
                        $"({incorrect.Count} of the wrong kind, {failures.Count} failed).");
                    break;
                }
                if (type is "cold" or "burst")
                    await ctx.Platform.EnforceColdStartAsync(new[] { function }, ct).ConfigureAwait(false);
                if (pause > TimeSpan.Zero) await ctx.Delay(pause, ct).ConfigureAwait(false);
                var warmUp = batch == 0;
                progress.Status($"{label}: batch {batch + 1}{(warmUp ? " (warm-up, discarded)" : "")}, {gathered} of {s.Repetitions} samples");
                var tasks = Enumerable.Range(0, n).Select(_ => InvokeOne(warmUp)).ToArray();
                var results = await Task.WhenAll(tasks).ConfigureAwait(false);
                var shared = MarkSharedSandboxes(results);
                if (shared > 1 && !_warnedSharing)
                    ctx.Log.Warning($"perf-cost {label}: up to {shared} of a batch's {n} concurrent invocations ran in one sandbox of {ctx.Platform.Name}, " +
                        "so they queued and their client times include the wait (a cloud starts one sandbox per concurrent invocation); SandboxSharedBy on each result says how many.");
                _warnedSharing |= shared > 1;
                maxShared = Math.Max(maxShared, shared);
                if (!warmUp)
                {
                    foreach (var r in results)
                    {
                        if (r.Failed) { failures.Add(r.ErrorMessage ?? "failed"); continue; }
                        if (r.ExperimentType != type)
                        {
                            // SeBS keeps wrong cold results as "incorrect" and drops cold ones of the warm type silently.
                            if (type == "cold") incorrect.Add(r);
                            continue;
                        }
                        lock (gate)
                        {
                            result.Add(r);
                            gathered++;
                            if (r.IsCold) coldCount++;
                        }
                        progress.Advance($"{label}: {gathered} of {s.Repetitions} samples");
                        ctx.Emit(r);
                    }
                }
                if (pause > TimeSpan.Zero) await ctx.Delay(pause, ct).ConfigureAwait(false);
                batch++;
            }
        }
        finally
        {
            // Written even when stopped: whatever was accepted so far, with the statistics of that part.
            if (gathered > 0 || !ct.IsCancellationRequested)
            {
                if (!ct.IsCancellationRequested)
                    await ProviderMetrics.EnrichAsync(ctx.Platform, function, result.Results.ToList(), ctx.Log, ct).ConfigureAwait(false);
                result.EndTime = Now();
                result.Statistics = BuildStatistics(result, failures, incorrect, coldCount, stopped: ct.IsCancellationRequested, maxPerSandbox: maxShared);
                ExperimentResultJson.Write(result, file);
                LogStatistics(ctx.Log, label, result.Results.Select(r => r.ClientMs).ToArray());
                ctx.Log.Verbose($"perf-cost {label}: {gathered} samples, {incorrect.Count} incorrect, {failures.Count} failed -> {file}");
            }
        }
    }

    private static double Now() => SebsTimestamp.ToEpochSeconds(DateTime.Now);

    /// <summary>Sets <see cref="ExecutionResult.SandboxSharedBy"/> from the batch's container ids; returns the largest share.</summary>
    public static int MarkSharedSandboxes(IReadOnlyList<ExecutionResult> batch)
    {
        var max = 0;
        foreach (var group in batch.Where(r => !string.IsNullOrEmpty(r.ContainerId)).GroupBy(r => r.ContainerId, StringComparer.Ordinal))
        {
            var count = group.Count();
            foreach (var r in group) r.SandboxSharedBy = count;
            max = Math.Max(max, count);
        }
        return max;
    }

    /// <summary>SeBS's statistics block, plus a <c>client_time_ms</c> summary of the accepted samples.</summary>
    public static JsonObject BuildStatistics(ExperimentResult result, IReadOnlyList<string> failures, IReadOnlyList<ExecutionResult> incorrect,
        int coldCount, bool stopped = false, int maxPerSandbox = 0)
    {
        var stats = new JsonObject
        {
            ["cold_count"] = coldCount,
            ["failures"] = new JsonArray(failures.Select(f => (JsonNode)f).ToArray()),
            ["failures_count"] = failures.Count,
            ["incorrect"] = new JsonArray(incorrect.Select(ToJson).ToArray()),
            ["incorrect_count"] = incorrect.Count,
            ["samples_generated"] = result.Count,
        };
        var times = result.Results.Select(r => r.ClientMs).ToArray();
        if (times.Length > 0)
        {
            var sum = Statistics.Summarize(times, times.Length, "ClientMs");
            var summary = new JsonObject
            {
                ["mean"] = sum.Mean,
                ["median"] = sum.Median,
                ["std"] = sum.StdDev,
                ["cv"] = sum.CV,
                ["ci95"] = Interval(sum.CI95Low, sum.CI95High),
                ["ci99"] = Interval(sum.CI99Low, sum.CI99High),
                ["median_ci95"] = Interval(sum.NonParametricCI95Low, sum.NonParametricCI95High),
                ["median_ci99"] = Interval(sum.NonParametricCI99Low, sum.NonParametricCI99High),
            };
            stats["client_time_ms"] = summary;
        }
        if (stopped) stats["stopped"] = true;
        // Ours, not SeBS's: concurrent invocations that queued in one sandbox (the local platform runs one per function).
        if (maxPerSandbox > 1) stats["max_invocations_per_sandbox"] = maxPerSandbox;
        // SeBS writes sort_keys=True.
        var sorted = new JsonObject();
        foreach (var key in stats.Select(kv => kv.Key).OrderBy(k => k, StringComparer.Ordinal).ToList())
        {
            var value = stats[key];
            stats.Remove(key);
            sorted[key] = value;
        }
        return sorted;
    }

    private static JsonNode? Interval(double? low, double? high) =>
        low is { } l && high is { } h ? new JsonArray(l, h) : null;

    private static JsonNode ToJson(ExecutionResult r)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms)) InvocationJson.Write(w, r);
        return JsonNode.Parse(ms.ToArray())!;
    }

    private static void LogStatistics(ISebsLog log, string label, double[] times)
    {
        if (times.Length == 0) return;
        var s = Statistics.Summarize(times, times.Length, "ClientMs");
        log.Verbose(string.Create(CultureInfo.InvariantCulture,
            $"perf-cost {label}: mean {s.Mean:0.###} [ms], median {s.Median:0.###} [ms], std {s.StdDev:0.###}, CV {s.CV:0.##}"));
        foreach (var (alpha, lo, hi, nlo, nhi) in new[] { (0.95, s.CI95Low, s.CI95High, s.NonParametricCI95Low, s.NonParametricCI95High),
                     (0.99, s.CI99Low, s.CI99High, s.NonParametricCI99Low, s.NonParametricCI99High) })
        {
            if (lo is { } l && hi is { } h)
                log.Verbose(string.Create(CultureInfo.InvariantCulture,
                    $"  Parametric CI (Student's t-distribution) {alpha} from {l:0.###} to {h:0.###}, within {100 * (h - l) / s.Mean / 2:0.##}% of mean"));
            if (times.Length > 20 && nlo is { } a && nhi is { } b)
                log.Verbose(string.Create(CultureInfo.InvariantCulture,
                    $"  Non-parametric CI {alpha} from {a:0.###} to {b:0.###}, within {100 * (b - a) / s.Median / 2:0.##}% of median"));
        }
    }
}

/// <summary>Fills an experiment result's context (what BenchmarkRunner stamps on plain runs, plus the experiment).</summary>
public static class ExperimentStamp
{
    public static void Apply(ExecutionResult r, ExperimentContext ctx, SebsFunction function, string size, int index, string experiment, string type)
    {
        r.Benchmark = function.Benchmark;
        r.Platform = ctx.Platform.Name.ToString();
        r.Region = function.Region;
        r.FunctionName = function.Name;
        r.Language = function.Language;
        r.LanguageVersion = function.LanguageVersion;
        r.FunctionMemoryMB = function.MemoryMB;
        r.Size = size;
        r.Invocation = index;
        if (string.IsNullOrEmpty(r.Trigger)) r.Trigger = "http";
        r.Experiment = experiment;
        r.ExperimentType = type;
    }
}

/// <summary>Progress with counts and time left, from the rate so far.</summary>
public sealed class ProgressTracker(IProgress<SebsProgress>? progress, string activity, int total)
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private int _done;

    public int Done => _done;

    public void Status(string status) => progress?.Report(new SebsProgress(activity, status, _done, total, Remaining()));

    public void Advance(string status)
    {
        Interlocked.Increment(ref _done);
        Status(status);
    }

    private TimeSpan? Remaining() => _done == 0 || total <= 0 ? null
        : TimeSpan.FromTicks(_clock.Elapsed.Ticks / _done * Math.Max(0, total - _done));
}

/// <summary>
/// One row of SeBS's perf-cost <c>result.csv</c>. The file keeps SeBS's µs columns (connection_time converted from
/// SeBS's seconds); the object says the unit in every name and has ms versions for tables and charts.
/// </summary>
public sealed class PerfCostRow
{
    /// <summary>Function memory of the run, MB (empty for files without a memory suffix).</summary>
    public int? MemoryMB { get; init; }
    public string Type { get; init; } = "";
    public bool IsCold { get; init; }
    /// <summary><c>times.benchmark</c>, µs.</summary>
    public long ExecMicroseconds { get; init; }
    /// <summary><c>times.http_startup</c>, µs (SeBS: seconds); empty when the trigger does not report it.</summary>
    public long? ConnectionMicroseconds { get; init; }
    /// <summary><c>times.client</c>, µs.</summary>
    public long ClientMicroseconds { get; init; }
    /// <summary><c>provider_times.execution</c>, µs (0 when the provider reported none).</summary>
    public long ProviderMicroseconds { get; init; }
    /// <summary><c>stats.memory_used</c>, MB; empty when the platform does not report it.</summary>
    public double? MemoryUsedMB { get; init; }
    public string RequestId { get; init; } = "";
    public string FunctionName { get; init; } = "";

    public double ExecMs => ExecMicroseconds / 1000.0;
    public double? ConnectionMs => ConnectionMicroseconds / 1000.0;
    public double ClientMs => ClientMicroseconds / 1000.0;
    /// <summary>Empty, not 0, when the provider reported no execution time.</summary>
    public double? ProviderMs => ProviderMicroseconds > 0 ? ProviderMicroseconds / 1000.0 : null;
}

/// <summary>SeBS's <c>experiment process perf-cost</c>: the result files as rows, and <c>result.csv</c>.</summary>
public static partial class PerfCostProcessor
{
    [GeneratedRegex(@"^(?<type>cold|warm|burst|sequential)_results(_(?<memory>\d+))?\.json$")]
    private static partial Regex FileName();

    public static IEnumerable<PerfCostRow> Read(string perfCostFolder)
    {
        if (!Directory.Exists(perfCostFolder)) yield break;
        foreach (var file in Directory.EnumerateFiles(perfCostFolder).OrderBy(f => f, StringComparer.Ordinal))
        {
            var match = FileName().Match(Path.GetFileName(file));
            if (!match.Success) continue;
            int? memory = match.Groups["memory"].Success ? int.Parse(match.Groups["memory"].Value, CultureInfo.InvariantCulture) : null;
            foreach (var r in ExperimentResultJson.ReadResults(file))
                yield return new PerfCostRow
                {
                    MemoryMB = memory,
                    Type = match.Groups["type"].Value,
                    IsCold = r.IsCold,
                    ExecMicroseconds = r.Times.BenchmarkMicroseconds,
                    ConnectionMicroseconds = r.Times.HttpStartupSeconds is { } sec ? (long)Math.Round(sec * 1e6) : null,
                    ClientMicroseconds = r.Times.ClientMicroseconds,
                    ProviderMicroseconds = r.ProviderTimes.ExecutionMicroseconds,
                    MemoryUsedMB = r.Stats.MemoryUsedMB,
                    RequestId = r.RequestId,
                    FunctionName = r.FunctionName,
                };
        }
    }

    public static void WriteCsv(IEnumerable<PerfCostRow> rows, string path)
    {
        using var w = new StreamWriter(path);
        w.WriteLine("memory,type,is_cold,exec_time,connection_time,client_time,provider_time,mem_used");
        foreach (var r in rows)
            w.WriteLine(CsvText.Join(r.MemoryMB, r.Type, r.IsCold, r.ExecMicroseconds, r.ConnectionMicroseconds, r.ClientMicroseconds, r.ProviderMicroseconds, r.MemoryUsedMB));
    }
}

/// <summary>Invariant-culture CSV fields (Python-style True/False, empty for null).</summary>
public static class CsvText
{
    public static string Join(params object?[] values) => string.Join(",", values.Select(Field));

    public static string Field(object? v) => v switch
    {
        null => "",
        bool b => b ? "True" : "False",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => Quote(v.ToString() ?? ""),
    };

    private static string Quote(string s) => s.IndexOfAny(new[] { ',', '"', '\n', '\r' }) >= 0 ? "\"" + s.Replace("\"", "\"\"") + "\"" : s;
}
