using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Sebs.Core.Diagnostics;
using Sebs.Core.Platforms;
using Sebs.Core.Results;

namespace Sebs.Core.Experiments;

/// <summary>One UDP exchange seen from both ends: the function's send/receive times and the server's, epoch seconds.</summary>
public sealed class PingPongRow
{
    public string RequestId { get; init; } = "";
    public int Id { get; init; }
    /// <summary>Function clock: datagram sent.</summary>
    public double ClientSend { get; init; }
    /// <summary>Function clock: echo received.</summary>
    public double ClientRcv { get; init; }
    /// <summary>Client machine clock: datagram received.</summary>
    public double ServerRcv { get; init; }
    /// <summary>Client machine clock: echo sent.</summary>
    public double ServerSend { get; init; }
    /// <summary>Network round trip without the server's turnaround, seconds: (server_rcv − client_send) + (client_rcv − server_send).</summary>
    public double RttSeconds => PingPongMath.Rtt(ClientSend, ClientRcv, ServerRcv, ServerSend);
    /// <summary><see cref="RttSeconds"/> in ms.</summary>
    public double RttMs => RttSeconds * 1000;
    /// <summary>Function clock minus client clock, seconds: ((client_send − server_rcv) + (client_rcv − server_send)) / 2.</summary>
    public double ClockDriftSeconds => PingPongMath.ClockDrift(ClientSend, ClientRcv, ServerRcv, ServerSend);
}

/// <summary>One row of invocation-overhead's <c>result-processed.csv</c>. Times and timestamps in seconds.</summary>
public sealed class InvocationOverheadRow
{
    /// <summary>The swept size: <c>payload</c> (request bytes before base64) or <c>code</c> (code package bytes).</summary>
    public string Type { get; init; } = "payload";
    /// <summary>Bytes of the swept size (SeBS's column name, for both sweeps).</summary>
    public long PayloadSize { get; init; }
    public int Repetition { get; init; }
    public bool IsCold { get; init; }
    /// <summary>HTTP connection set-up, seconds.</summary>
    public double ConnectionSeconds { get; init; }
    /// <summary>HTTP connection set-up, ms.</summary>
    public double ConnectionMs => ConnectionSeconds * 1000;
    /// <summary>Client clock: request started, epoch seconds.</summary>
    public double StartTimestamp { get; init; }
    /// <summary>Function clock: the handler received the event, epoch seconds.</summary>
    public double FinishTimestamp { get; init; }
    public string RequestId { get; init; } = "";
    public double? ClockDriftMeanSeconds { get; init; }
    public double? ClockDriftStdSeconds { get; init; }
    /// <summary>
    /// Request sent to handler start, seconds, on the client clock: finish − drift − start − connection time.
    /// SeBS adds the drift; with the drift defined as function clock minus client clock it must be subtracted.
    /// </summary>
    public double? InvocationSeconds { get; init; }
}

/// <summary>The arithmetic of SeBS §9.2/§9.3, kept separate so it can be checked by hand.</summary>
public static class PingPongMath
{
    public static double Rtt(double clientSend, double clientRcv, double serverRcv, double serverSend) =>
        (serverRcv - clientSend) + (clientRcv - serverSend);

    public static double ClockDrift(double clientSend, double clientRcv, double serverRcv, double serverSend) =>
        ((clientSend - serverRcv) + (clientRcv - serverSend)) / 2;

    /// <summary>Client-clock time from the request leaving to the handler starting.</summary>
    public static double InvocationTime(double start, double finish, double connectionTime, double driftMean) =>
        finish - driftMean - start - connectionTime;

    /// <summary>Mean and sample standard deviation (pandas' default, ddof = 1; null below two values).</summary>
    public static (double Mean, double? Std) MeanStd(IReadOnlyList<double> values)
    {
        if (values.Count == 0) return (double.NaN, null);
        var mean = values.Average();
        if (values.Count < 2) return (mean, null);
        return (mean, Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1)));
    }

    /// <summary>Joins the function's <c>results-&lt;id&gt;.csv</c> and the server's <c>server-&lt;id&gt;.csv</c> on the datagram id.</summary>
    public static IEnumerable<PingPongRow> Merge(string requestId, IEnumerable<(int Id, double A, double B)> client, IEnumerable<(int Id, double A, double B)> server)
    {
        var byId = new Dictionary<int, (double Rcv, double Send)>();
        foreach (var s in server) byId.TryAdd(s.Id, (s.A, s.B));
        foreach (var c in client)
            if (byId.TryGetValue(c.Id, out var s))
                yield return new PingPongRow { RequestId = requestId, Id = c.Id, ClientSend = c.A, ClientRcv = c.B, ServerRcv = s.Rcv, ServerSend = s.Send };
    }

    /// <summary>Reads a three-column numeric CSV with a header (id, t1, t2); missing file = no rows.</summary>
    public static List<(int Id, double A, double B)> ReadTriples(string path)
    {
        var rows = new List<(int, double, double)>();
        if (!File.Exists(path)) return rows;
        foreach (var line in File.ReadLines(path).Skip(1))
        {
            var f = line.Split(',');
            if (f.Length < 3) continue;
            if (int.TryParse(f[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var id)
                && double.TryParse(f[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var a)
                && double.TryParse(f[2], NumberStyles.Float, CultureInfo.InvariantCulture, out var b))
                rows.Add((id, a, b));
        }
        return rows;
    }

    /// <summary>Every request in a folder with both <c>results-&lt;id&gt;.csv</c> and <c>server-&lt;id&gt;.csv</c>, merged.</summary>
    public static IEnumerable<PingPongRow> ReadFolder(string folder)
    {
        if (!Directory.Exists(folder)) yield break;
        foreach (var server in Directory.EnumerateFiles(folder, "server-*.csv").OrderBy(f => f, StringComparer.Ordinal))
        {
            var id = Path.GetFileNameWithoutExtension(server)["server-".Length..];
            foreach (var row in Merge(id, ReadTriples(Path.Combine(folder, $"results-{id}.csv")), ReadTriples(server)))
                yield return row;
        }
    }

    public static void WriteCsv(IEnumerable<PingPongRow> rows, string path)
    {
        using var w = new StreamWriter(path);
        w.WriteLine("request_id,id,client_send,client_rcv,server_rcv,server_send,rtt,clock_drift");
        foreach (var r in rows)
            w.WriteLine(CsvText.Join(r.RequestId, r.Id, r.ClientSend, r.ClientRcv, r.ServerRcv, r.ServerSend, r.RttSeconds, r.ClockDriftSeconds));
    }
}

/// <summary>A deployed 020/030 function and what its invocations share.</summary>
internal sealed record PingPongTarget(SebsFunction Function, Packaging.CodePackage Package, IFunctionTrigger Trigger, JsonObject BasePayload,
    string Address, IPAddress Bind);

/// <summary>One invocation of 020/030 with a UDP echo server running on this machine for it.</summary>
internal static class PingPongInvocation
{
    public static IPAddress BindAddress(ServerSettings s, string address) =>
        s.BindAddress is { } b ? IPAddress.Parse(b) : IPAddress.TryParse(address, out var ip) ? ip : IPAddress.Any;

    /// <summary>Resolves the client address, deploys the benchmark with it as input settings and prepares the base payload.</summary>
    public static async Task<PingPongTarget> DeployAsync(ExperimentContext ctx, Benchmarks.Benchmark benchmark, ServerSettings s,
        ProgressTracker progress, CancellationToken ct)
    {
        var address = await ClientAddress.ResolveAsync(s, ctx, ct).ConfigureAwait(false);
        progress.Status($"Deploying {benchmark.Name}");
        var request = ctx.Request(benchmark, "test", settings: new Dictionary<string, string>
        {
            // Placeholders of input.json; each invocation overrides them with its own server port.
            ["server-address"] = address, ["server-port"] = s.ServerPort.ToString(CultureInfo.InvariantCulture),
        });
        var (function, package, _) = await ctx.Runner.DeployAsync(request, ct).ConfigureAwait(false);
        var basePayload = await ctx.Runner.PrepareInputAsync(request, ct).ConfigureAwait(false);
        return new PingPongTarget(function, package, ctx.HttpTrigger(function), basePayload, address, BindAddress(s, address));
    }

    public static async Task<(ExecutionResult Result, string RequestId)> RunAsync(ExperimentContext ctx, PingPongTarget target,
        int port, int repetitions, Action<JsonObject>? extra, string folder, CancellationToken ct)
    {
        using var server = new UdpEchoServer(target.Bind, port);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var serverTask = Task.Run(() => server.RunAsync(stop.Token), CancellationToken.None);
        var requestId = Guid.NewGuid().ToString("N");
        var payload = (JsonObject)target.BasePayload.DeepClone();
        payload["server-address"] = target.Address;
        payload["server-port"] = server.Port;
        payload["repetitions"] = repetitions;
        payload["request-id"] = requestId;
        extra?.Invoke(payload);
        ExecutionResult result;
        try
        {
            result = await target.Trigger.InvokeAsync(payload, ct).ConfigureAwait(false);
        }
        finally
        {
            // The function waits for each echo, so everything has arrived by the time it answered.
            await Task.WhenAny(serverTask, Task.Delay(200, CancellationToken.None)).ConfigureAwait(false);
            stop.Cancel();
            await serverTask.ConfigureAwait(false);
            server.WriteCsv(Path.Combine(folder, $"server-{requestId}.csv"));
        }
        if (!result.Failed)
            await DownloadClientCsvAsync(ctx, payload, result, requestId, folder, ct).ConfigureAwait(false);
        return (result, requestId);
    }

    /// <summary>
    /// Fetches the function's <c>results-&lt;id&gt;.csv</c> from the output prefix the payload named (SeBS looked for an
    /// <c>output-bucket</c> key that the input never has): the key the function returned, else a listing of the prefix.
    /// </summary>
    private static async Task DownloadClientCsvAsync(ExperimentContext ctx, JsonObject payload, ExecutionResult result, string requestId, string folder, CancellationToken ct)
    {
        var bucket = payload["bucket"]?["bucket"]?.GetValue<string>();
        var prefix = payload["bucket"]?["output"]?.GetValue<string>() ?? "";
        if (bucket is null)
        {
            ctx.Log.Warning($"The payload has no bucket.bucket; cannot download results-{requestId}.csv.");
            return;
        }
        var returned = result.GetResultJson()?["result"] switch
        {
            JsonValue v when v.TryGetValue<string>(out var k) => k,
            JsonObject o when o["bucket-key"] is JsonValue v && v.TryGetValue<string>(out var k) => k,
            _ => null,
        };
        var keys = returned is not null && returned.Contains(requestId, StringComparison.Ordinal) ? new[] { returned }
            : (await ctx.Platform.Storage.ListAsync(bucket, prefix, ct).ConfigureAwait(false))
                .Where(k => k.Contains("results-" + requestId, StringComparison.Ordinal)).ToArray();
        if (keys.Length == 0)
        {
            ctx.Log.Warning($"No results-{requestId}.csv under {bucket}/{prefix}.");
            return;
        }
        await ctx.Platform.Storage.DownloadAsync(bucket, keys[0], Path.Combine(folder, $"results-{requestId}.csv"), ct).ConfigureAwait(false);
    }
}

/// <summary>SeBS's network-ping-pong (§9.2): UDP round trips between 020.network-benchmark and this machine.</summary>
public sealed class NetworkPingPongExperiment(NetworkPingPongSettings settings) : IExperiment
{
    public string Name => ExperimentNames.NetworkPingPong;
    public NetworkPingPongSettings Settings { get; } = settings;

    public async Task RunAsync(ExperimentContext ctx, CancellationToken ct)
    {
        var s = Settings;
        var benchmark = ctx.Catalog.Get("020.network-benchmark");
        var folder = ctx.Folder(Name);
        var progress = new ProgressTracker(ctx.Progress, "Start-SebsExperiment network-ping-pong", s.Invocations);
        var target = await PingPongInvocation.DeployAsync(ctx, benchmark, s, progress, ct).ConfigureAwait(false);
        var function = target.Function;
        using var journal = ResultsJournal.Open(Path.Combine(folder, "journal.jsonl"), append: true, ctx.Log);
        ctx.Log.Verbose($"network-ping-pong: server {target.Address} (bound to {target.Bind}), ports from {s.ServerPort}; journal {journal.Path}.");

        using var throttle = new SemaphoreSlim(Math.Max(1, s.Threads));
        var tasks = Enumerable.Range(0, s.Invocations).Select(async i =>
        {
            await throttle.WaitAsync(ct).ConfigureAwait(false);
            try
            {
                var port = s.ServerPort == 0 ? 0 : s.ServerPort + i;
                var (r, id) = await PingPongInvocation.RunAsync(ctx, target, port, s.Repetitions, null, folder, ct)
                    .ConfigureAwait(false);
                ExperimentStamp.Apply(r, ctx, function, "test", i, Name, "udp");
                if (r.Failed)
                {
                    ctx.Log.Warning($"network-ping-pong invocation {i} failed: {r.ErrorMessage}");
                    await ctx.Platform.RecoverAsync(function, r, ct).ConfigureAwait(false);
                }
                journal.Append(r);
                ctx.Emit(r);
                progress.Advance($"{i + 1} of {s.Invocations} invocations (request {id})");
            }
            finally { throttle.Release(); }
        }).ToArray();
        await Task.WhenAll(tasks).ConfigureAwait(false);

        var rows = PingPongMath.ReadFolder(folder).ToList();
        PingPongMath.WriteCsv(rows, Path.Combine(folder, "result.csv"));
        if (rows.Count > 0)
        {
            var rtts = rows.Select(r => r.RttSeconds * 1000).ToArray();
            var sum = Statistics.Summarize(rtts, rtts.Length, "RttMs");
            ctx.Log.Verbose(string.Create(CultureInfo.InvariantCulture,
                $"network-ping-pong: {rows.Count} round trips, RTT mean {sum.Mean:0.###} ms, std {sum.StdDev:0.###}, CV {sum.CV:0.##}, " +
                $"P50 {sum.P50:0.###}, P95 {sum.P95:0.###}, P99 {sum.P99:0.###} ms"));
        }
    }
}

/// <summary>SeBS's invocation-overhead process step: result.csv joined with the per-request clock drift.</summary>
public static class InvocationOverheadProcessor
{
    public static IEnumerable<InvocationOverheadRow> Process(string folder)
    {
        var csv = Path.Combine(folder, "result.csv");
        if (!File.Exists(csv)) yield break;
        var type = Path.GetFileName(Path.TrimEndingDirectorySeparator(folder)) == "code" ? "code" : "payload";
        foreach (var line in File.ReadLines(csv).Skip(1))
        {
            var f = line.Split(',');
            if (f.Length < 7) continue;
            var id = f[6];
            var client = PingPongMath.ReadTriples(Path.Combine(folder, $"results-{id}.csv"));
            var server = PingPongMath.ReadTriples(Path.Combine(folder, $"server-{id}.csv"));
            var drifts = PingPongMath.Merge(id, client, server).Select(r => r.ClockDriftSeconds).ToList();
            var (mean, std) = PingPongMath.MeanStd(drifts);
            double start = D(f[4]), finish = D(f[5]), connection = D(f[3]);
            yield return new InvocationOverheadRow
            {
                Type = type,
                PayloadSize = long.Parse(f[0], CultureInfo.InvariantCulture),
                Repetition = int.Parse(f[1], CultureInfo.InvariantCulture),
                IsCold = f[2] == "True",
                ConnectionSeconds = connection,
                StartTimestamp = start,
                FinishTimestamp = finish,
                RequestId = id,
                ClockDriftMeanSeconds = drifts.Count > 0 ? mean : null,
                ClockDriftStdSeconds = std,
                InvocationSeconds = drifts.Count > 0 ? PingPongMath.InvocationTime(start, finish, connection, mean) : null,
            };
        }
    }

    private static double D(string s) => double.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture);

    public static void WriteCsv(IEnumerable<InvocationOverheadRow> rows, string path)
    {
        using var w = new StreamWriter(path);
        w.WriteLine("payload_size,repetition,is_cold,connection_time,start_timestamp,finish_timestamp,request_id,clock_drift_mean,clock_drift_std,invocation_time");
        foreach (var r in rows)
            w.WriteLine(CsvText.Join(r.PayloadSize, r.Repetition, r.IsCold, r.ConnectionSeconds, r.StartTimestamp, r.FinishTimestamp, r.RequestId,
                r.ClockDriftMeanSeconds, r.ClockDriftStdSeconds, r.InvocationSeconds));
    }
}
