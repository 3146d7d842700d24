using System.Globalization;
using System.Text.Json.Nodes;
using Sebs.Core.Packaging;
using Sebs.Core.Platforms;
using Sebs.Core.Results;

namespace Sebs.Core.Experiments;

/// <summary>
/// SeBS's invocation-overhead (§9.3): 030.clock-synchronization estimates the clock drift between the function and this
/// machine, so the time from sending a request to the handler starting can be measured against a swept size, either
/// the request payload (<c>payload</c>) or the code package (<c>code</c>).
/// </summary>
public sealed class InvocationOverheadExperiment(InvocationOverheadSettings settings) : IExperiment
{
    public string Name => ExperimentNames.InvocationOverhead;
    public InvocationOverheadSettings Settings { get; } = settings;

    public async Task RunAsync(ExperimentContext ctx, CancellationToken ct)
    {
        var s = Settings;
        var code = s.Type == "code";
        var benchmark = ctx.Catalog.Get("030.clock-synchronization");
        var folder = ctx.Folder(Name, s.Type);
        var sizes = code ? InvocationOverheadSettings.Linspace(s.CodeBegin, s.CodeEnd, s.CodePoints)
            : InvocationOverheadSettings.Linspace(s.PayloadBegin, s.PayloadEnd, s.PayloadPoints);
        var progress = new ProgressTracker(ctx.Progress, $"Start-SebsExperiment invocation-overhead ({s.Type})", 2 * sizes.Length * s.Repetitions);
        var target = await PingPongInvocation.DeployAsync(ctx, benchmark, s, progress, ct).ConfigureAwait(false);
        using var journal = ResultsJournal.Open(Path.Combine(folder, "journal.jsonl"), append: true, ctx.Log);
        using var csv = ResultCsv(folder);
        var sampler = new Sampler(this, ctx, folder, journal, csv, progress) { Target = target };

        if (!code)
        {
            // SeBS's order: every size warm (after one warm-up), then every size cold.
            foreach (var kind in new[] { "warm", "cold" })
            {
                if (kind == "warm") await sampler.WarmUpAsync(sizes.FirstOrDefault(), ct).ConfigureAwait(false);
                foreach (var size in sizes)
                    for (var rep = 0; rep < s.Repetitions; rep++)
                        await sampler.SampleAsync(kind, size, size, rep, ct).ConfigureAwait(false);
            }
        }
        else
        {
            await RunCodeSweepAsync(ctx, sampler, target, sizes, folder, ct).ConfigureAwait(false);
        }
        var rows = InvocationOverheadProcessor.Process(folder).ToList();
        InvocationOverheadProcessor.WriteCsv(rows, Path.Combine(folder, "result-processed.csv"));
    }

    /// <summary>
    /// One code update per size, then its warm and cold samples (SeBS updates twice per size, once in each pass). The
    /// size recorded is the package's real size. The function gets its real package back at the end, even when stopped.
    /// </summary>
    private async Task RunCodeSweepAsync(ExperimentContext ctx, Sampler sampler, PingPongTarget target, long[] sizes, string folder, CancellationToken ct)
    {
        var s = Settings;
        var function = target.Function;
        var env = ctx.Platform.FunctionEnvironment(ctx.Catalog.Get(function.Benchmark));
        var work = Path.Combine(folder, "packages");
        Directory.CreateDirectory(work);
        CodePackage? current = null;
        try
        {
            foreach (var size in sizes)
            {
                sampler.Status($"Code package of {size} B: building and updating {function.Name}");
                var padded = CodePackagePadding.Pad(target.Package, size, work, ct);
                await ctx.Platform.UpdateCodeAsync(function, padded, env, ct).ConfigureAwait(false);
                if (current is not null) Directory.Delete(current.Path, recursive: true);
                current = padded;
                sampler.Target = target with { Trigger = ctx.HttpTrigger(function) };
                ctx.Log.Verbose($"invocation-overhead: {function.Name} runs a {padded.SizeBytes} B package (sweep point {size} B).");

                await sampler.WarmUpAsync(padded.SizeBytes, ct).ConfigureAwait(false);
                foreach (var kind in new[] { "warm", "cold" })
                    for (var rep = 0; rep < s.Repetitions; rep++)
                        await sampler.SampleAsync(kind, padded.SizeBytes, payloadBytes: 0, rep, ct).ConfigureAwait(false);
            }
        }
        finally
        {
            try
            {
                await ctx.Platform.UpdateCodeAsync(function, target.Package, env, CancellationToken.None).ConfigureAwait(false);
                ctx.Runner.Remember(function);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                ctx.Log.Warning($"invocation-overhead: could not put {function.Name}'s own package back ({e.Message}); the next deployment will.");
            }
            if (Directory.Exists(work)) Directory.Delete(work, recursive: true);
        }
    }

    private static StreamWriter ResultCsv(string folder)
    {
        var path = Path.Combine(folder, "result.csv");
        var newFile = !File.Exists(path);
        var csv = new StreamWriter(path, append: true) { AutoFlush = true };
        if (newFile) csv.WriteLine("size,repetition,is_cold,connection_time,start_timestamp,finish_timestamp,request_id");
        return csv;
    }

    /// <summary>Takes samples until one is classified as asked (SeBS retries forever; this gives up after MaxAttempts).</summary>
    private sealed class Sampler(InvocationOverheadExperiment experiment, ExperimentContext ctx, string folder, ResultsJournal journal,
        StreamWriter csv, ProgressTracker progress)
    {
        private readonly InvocationOverheadSettings _s = experiment.Settings;
        private readonly TimeSpan _coldPause = ctx.Platform.Descriptor.ColdSamplePause;
        private int _index;

        public required PingPongTarget Target { get; set; }

        public void Status(string text) => progress.Status(text);

        public async Task WarmUpAsync(long size, CancellationToken ct)
        {
            progress.Status("warm-up invocation");
            await OnceAsync(size, experiment.Settings.Type == "code" ? 0 : size, "warm.warm-up", ct).ConfigureAwait(false);
        }

        /// <param name="size">The swept size recorded in result.csv.</param>
        /// <param name="payloadBytes">Zero bytes sent base64-encoded as the input's <c>data</c>.</param>
        public async Task SampleAsync(string kind, long size, long payloadBytes, int rep, CancellationToken ct)
        {
            for (var attempt = 1; ; attempt++)
            {
                if (kind == "cold")
                {
                    await ctx.Platform.EnforceColdStartAsync(new[] { Target.Function }, ct).ConfigureAwait(false);
                    if (_coldPause > TimeSpan.Zero) await ctx.Delay(_coldPause, ct).ConfigureAwait(false);
                }
                var (r, id) = await OnceAsync(size, payloadBytes, kind, ct).ConfigureAwait(false);
                var ok = !r.Failed && r.IsCold == (kind == "cold");
                if (ok && FunctionTimestamp(r) is { } finish)
                {
                    csv.WriteLine(CsvText.Join(size, rep, r.IsCold, r.Times.HttpStartupSeconds ?? 0.0,
                        SebsTimestamp.ToEpochSeconds(r.Times.ClientBegin), finish, id));
                    ctx.Emit(r);
                    progress.Advance($"{kind}, {_s.Type} {size} B, repetition {rep + 1} of {_s.Repetitions}");
                    return;
                }
                var why = r.Failed ? $"failed: {r.ErrorMessage}" : ok ? "no timestamp in the result" : $"expected {kind}, got {(r.IsCold ? "cold" : "warm")}";
                if (attempt >= _s.MaxAttempts)
                {
                    ctx.Log.Warning($"invocation-overhead {kind} {size} B repetition {rep}: no usable sample after {attempt} attempts (last {why}).");
                    progress.Advance($"{kind}, {_s.Type} {size} B, repetition {rep + 1} of {_s.Repetitions} (no sample)");
                    return;
                }
                ctx.Log.Verbose($"invocation-overhead {kind} {size} B repetition {rep}: retrying ({why}).");
            }
        }

        private async Task<(ExecutionResult, string)> OnceAsync(long size, long payloadBytes, string tag, CancellationToken ct)
        {
            var data = payloadBytes > 0 ? Convert.ToBase64String(new byte[payloadBytes]) : null;
            var (r, id) = await PingPongInvocation.RunAsync(ctx, Target, _s.ServerPort, _s.N,
                data is null ? null : p => p["data"] = data, folder, ct).ConfigureAwait(false);
            ExperimentStamp.Apply(r, ctx, Target.Function, size.ToString(CultureInfo.InvariantCulture), _index++, experiment.Name, tag);
            if (r.Failed) await ctx.Platform.RecoverAsync(Target.Function, r, ct).ConfigureAwait(false);
            journal.Append(r);
            return (r, id);
        }
    }

    /// <summary>The handler's income timestamp: <c>result.result.timestamp</c> (SeBS read the local-only <c>result.output</c> path).</summary>
    internal static double? FunctionTimestamp(ExecutionResult r)
    {
        var node = r.GetResultJson()?["result"]?["timestamp"] ?? r.GetResultJson()?["output"]?["result"]?["timestamp"] ?? r.GetResultJson()?["timestamp"];
        return node is JsonValue v && v.TryGetValue<double>(out var d) ? d
            : node is JsonValue s && s.TryGetValue<string>(out var text) && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var p) ? p : null;
    }
}
