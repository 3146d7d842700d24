using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Sebs.Core.Packaging;
using Sebs.Core.Platforms;
using Sebs.Core.Results;

namespace Sebs.Core.Experiments;

/// <summary>One probe of eviction-model: two invocations of one function copy, <see cref="TimeSeconds"/> seconds apart.</summary>
public sealed class EvictionModelRow
{
    /// <summary>Seconds between the two invocations (SeBS's <c>time</c>).</summary>
    public int TimeSeconds { get; init; }
    public string FunctionName { get; init; } = "";
    public int Repetition { get; init; }
    public int Invocation { get; init; }
    public bool FirstCold { get; init; }
    public bool SecondCold { get; init; }
    public bool FirstFailed { get; init; }
    public bool SecondFailed { get; init; }
    public double FirstClientMs { get; init; }
    public double SecondClientMs { get; init; }
    /// <summary>The sandbox was gone after <see cref="TimeSeconds"/> seconds: the second invocation was cold.</summary>
    public bool Evicted => !SecondFailed && SecondCold;
}

/// <summary>
/// SeBS's eviction-model (§9.4): copies of 040.server-reply named <c>&lt;default&gt;-&lt;time&gt;-&lt;copy&gt;</c>, each invoked,
/// left alone for <c>time</c> seconds and invoked again; a cold second invocation means the sandbox was evicted.
/// The function connects to a TCP server on this machine that answers <c>accepted</c>. Unlike SeBS, every copy
/// gets its HTTP trigger before it is invoked.
/// </summary>
public sealed class EvictionModelExperiment(EvictionModelSettings settings) : IExperiment
{
    public string Name => ExperimentNames.EvictionModel;
    public EvictionModelSettings Settings { get; } = settings;

    public async Task RunAsync(ExperimentContext ctx, CancellationToken ct)
    {
        var s = Settings;
        var benchmark = ctx.Catalog.Get("040.server-reply");
        var folder = ctx.Folder(Name);
        var times = s.Times.OrderByDescending(t => t).ToArray();
        var progress = new ProgressTracker(ctx.Progress, "Start-SebsExperiment eviction-model",
            s.Repetitions * s.Invocations * times.Length * Math.Max(1, s.CopiesPerTime));
        var address = await ClientAddress.ResolveAsync(s, ctx, ct).ConfigureAwait(false);
        var bind = PingPongInvocation.BindAddress(s, address);

        var version = ctx.Platform.Descriptor.Runtimes.Resolve(ctx.Language, ctx.LanguageVersion, ctx.Log);
        var baseName = ctx.Platform.DefaultFunctionName(benchmark, LanguageRuntimes.NormalizeLanguage(ctx.Language), version);
        var copies = new List<(int Time, SebsFunction Function, IFunctionTrigger Trigger)>();
        foreach (var t in times)
            for (var c = s.FunctionCopyIndex; c < s.FunctionCopyIndex + Math.Max(1, s.CopiesPerTime); c++)
            {
                var name = $"{baseName}-{t}-{c}";
                progress.Status($"Deploying {name}");
                var (function, _, _) = await ctx.Runner.DeployAsync(ctx.Request(benchmark, "test", functionName: name), ct).ConfigureAwait(false);
                copies.Add((t, function, ctx.Platform.GetTrigger(function, TriggerType.Http)));
            }

        using var server = new TcpReplyServer(bind, s.ServerPort);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var serverTask = Task.Run(() => server.RunAsync(stop.Token), CancellationToken.None);
        var payload = new JsonObject { ["ip-address"] = address, ["port"] = server.Port };
        ctx.Log.Verbose($"eviction-model: TCP server {address}:{server.Port} (bound to {bind}), {copies.Count} function(s).");
        using var journal = ResultsJournal.Open(Path.Combine(folder, "journal.jsonl"), append: true, ctx.Log);
        var output = new JsonObject();
        foreach (var t in times) output[t.ToString(CultureInfo.InvariantCulture)] = new JsonArray();
        var index = 0;

        async Task<ExecutionResult> Invoke(SebsFunction f, IFunctionTrigger trigger, string tag)
        {
            var r = await trigger.InvokeAsync((JsonObject)payload.DeepClone(), ct).ConfigureAwait(false);
            ExperimentStamp.Apply(r, ctx, f, "test", Interlocked.Increment(ref index) - 1, Name, tag);
            if (r.Failed) await ctx.Platform.RecoverAsync(f, r, ct).ConfigureAwait(false);
            journal.Append(r);
            ctx.Emit(r);
            return r;
        }

        try
        {
            for (var rep = 0; rep < s.Repetitions; rep++)
            {
                var perTime = times.ToDictionary(t => t, _ => new JsonArray());
                var probes = Enumerable.Range(0, s.Invocations).SelectMany(i => copies.Select(c => (i, c))).Select(async p =>
                {
                    var (i, (t, function, trigger)) = p;
                    var clock = Stopwatch.StartNew();
                    var first = await Invoke(function, trigger, "first").ConfigureAwait(false);
                    var wait = TimeSpan.FromSeconds(t) - clock.Elapsed;
                    if (wait > TimeSpan.Zero) await ctx.Delay(wait, ct).ConfigureAwait(false);
                    var second = await Invoke(function, trigger, "second").ConfigureAwait(false);
                    var entry = new JsonObject
                    {
                        ["first"] = ToJson(first),
                        ["first_times"] = Times(first),
                        ["function"] = function.Name,
                        ["invocation"] = i,
                        ["repetition"] = rep,
                        ["second"] = ToJson(second),
                        ["second_times"] = Times(second),
                    };
                    lock (perTime) perTime[t].Add(entry);
                    progress.Advance($"repetition {rep + 1} of {s.Repetitions}: {function.Name} {(second.IsCold ? "evicted" : "kept")} after {t} s");
                }).ToArray();
                await Task.WhenAll(probes).ConfigureAwait(false);
                foreach (var t in times) ((JsonArray)output[t.ToString(CultureInfo.InvariantCulture)]!).Add(perTime[t]);
            }
        }
        finally
        {
            stop.Cancel();
            await serverTask.ConfigureAwait(false);
            var file = Path.Combine(folder, $"results_{s.Invocations}_{s.Repetitions}_{s.Sleep}.json");
            using var stream = SecureFile.Create(file);
            using var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
            output.WriteTo(w);
        }
    }

    private static JsonArray Times(ExecutionResult r) =>
        new(SebsTimestamp.ToEpochSeconds(r.Times.ClientBegin), SebsTimestamp.ToEpochSeconds(r.Times.ClientEnd));

    internal static JsonNode ToJson(ExecutionResult r)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms)) InvocationJson.Write(w, r);
        return JsonNode.Parse(ms.ToArray())!;
    }
}

/// <summary>eviction-model has no process step in SeBS; this reads its result files into rows.</summary>
public static class EvictionModelProcessor
{
    public static IEnumerable<EvictionModelRow> Read(string folder)
    {
        if (!Directory.Exists(folder)) yield break;
        foreach (var file in Directory.EnumerateFiles(folder, "results_*.json").OrderBy(f => f, StringComparer.Ordinal))
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(file));
            foreach (var time in doc.RootElement.EnumerateObject())
            {
                var t = int.Parse(time.Name, CultureInfo.InvariantCulture);
                foreach (var rep in time.Value.EnumerateArray())
                    foreach (var e in rep.EnumerateArray())
                    {
                        var first = InvocationJson.Read(e.GetProperty("first"));
                        var second = InvocationJson.Read(e.GetProperty("second"));
                        yield return new EvictionModelRow
                        {
                            TimeSeconds = t,
                            FunctionName = e.TryGetProperty("function", out var fn) ? fn.GetString() ?? "" : first.FunctionName,
                            Repetition = e.GetProperty("repetition").GetInt32(),
                            Invocation = e.GetProperty("invocation").GetInt32(),
                            FirstCold = first.IsCold, SecondCold = second.IsCold,
                            FirstFailed = first.Failed, SecondFailed = second.Failed,
                            FirstClientMs = first.ClientMs, SecondClientMs = second.ClientMs,
                        };
                    }
            }
        }
    }

    public static void WriteCsv(IEnumerable<EvictionModelRow> rows, string path)
    {
        using var w = new StreamWriter(path);
        w.WriteLine("time,function,repetition,invocation,first_cold,second_cold,first_failed,second_failed,first_client_ms,second_client_ms,evicted");
        foreach (var r in rows)
            w.WriteLine(CsvText.Join(r.TimeSeconds, r.FunctionName, r.Repetition, r.Invocation, r.FirstCold, r.SecondCold, r.FirstFailed, r.SecondFailed,
                r.FirstClientMs, r.SecondClientMs, r.Evicted));
    }
}

/// <summary>Builds an experiment from its name and settings JSON.</summary>
public static class ExperimentFactory
{
    public static IExperiment Create(string name, JsonObject? settings) => name switch
    {
        ExperimentNames.PerfCost => new PerfCostExperiment(PerfCostSettings.FromJson(settings)),
        ExperimentNames.NetworkPingPong => new NetworkPingPongExperiment(NetworkPingPongSettings.FromJson(settings)),
        ExperimentNames.InvocationOverhead => new InvocationOverheadExperiment(InvocationOverheadSettings.FromJson(settings)),
        ExperimentNames.EvictionModel => new EvictionModelExperiment(EvictionModelSettings.FromJson(settings)),
        _ => throw new SebsException(SebsErrorIds.InvalidConfig, SebsErrorKind.InvalidArgument,
            $"Unknown experiment '{name}'. Valid: {string.Join(", ", ExperimentNames.All)}.", target: name),
    };
}
