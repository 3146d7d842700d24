using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Sebs.Core;
using Sebs.Core.Remoting;
using Xunit;

namespace Sebs.Tests.Remoting;

public class WorkSplitTests
{
    private static readonly string[] Three = { "a", "b", "c" };

    [Theory]
    [InlineData(30, 3, new[] { 10, 10, 10 }, new[] { 1, 1, 1 })]
    [InlineData(31, 3, new[] { 11, 10, 10 }, new[] { 1, 1, 1 })]
    [InlineData(100, 7, new[] { 43, 29, 28 }, new[] { 3, 2, 2 })]
    [InlineData(7, 2, new[] { 4, 3, 0 }, new[] { 1, 1, 0 })]
    [InlineData(5, 1, new[] { 5, 0, 0 }, new[] { 1, 0, 0 })]
    public void Keeps_the_total_concurrency_and_divides_repetitions_in_proportion(int repetitions, int concurrency, int[] counts, int[] slots)
    {
        var shares = WorkSplit.Split(Three, repetitions, concurrency);
        Assert.Equal(counts, shares.Select(s => s.Count));
        Assert.Equal(slots, shares.Select(s => s.Concurrency));
        Assert.Equal(Math.Min(concurrency, repetitions), shares.Sum(s => s.Concurrency));
        // Every number once, in contiguous blocks in host order.
        Assert.Equal(Enumerable.Range(0, repetitions), shares.SelectMany(s => s.Invocations));
    }

    [Fact]
    public void Splits_any_set_of_numbers_and_says_which_host_got_none()
    {
        var shares = WorkSplit.Split(Three, new[] { 3, 4, 9, 12 }, 2);
        Assert.Equal(new[] { 3, 4 }, shares[0].Invocations);
        Assert.Equal(new[] { 9, 12 }, shares[1].Invocations);
        Assert.Contains("no invocations", shares[2].ToString());
        Assert.Contains("9, 12", shares[1].ToString());
    }

    [Fact]
    public void No_hosts_left_is_an_error_with_an_id()
    {
        var ex = Assert.Throws<SebsException>(() => WorkSplit.Split(Array.Empty<string>(), 3, 1));
        Assert.Equal(SebsErrorIds.RemoteHostFailed, ex.ErrorId);
    }

    [Fact]
    public void Ranges_compress_sorted_numbers()
    {
        Assert.Equal(new[] { new InvocationRange(0, 3), new InvocationRange(5, 1), new InvocationRange(7, 2) },
            InvocationRange.From(new[] { 8, 0, 1, 2, 5, 7 }));
    }
}

public class ClockOffsetTests
{
    private static readonly DateTime T0 = new(2026, 1, 1, 12, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void Uses_the_round_trip_with_the_smallest_rtt_and_half_of_it_as_the_bound()
    {
        var samples = new[]
        {
            // 40 ms round trip, host read its clock 5 s ahead at 30 ms: a poor sample.
            new ClockSample(T0, T0.AddMilliseconds(5030), T0.AddMilliseconds(40)),
            // 4 ms round trip, host 5 s ahead at the midpoint.
            new ClockSample(T0.AddSeconds(1), T0.AddSeconds(1).AddMilliseconds(5002), T0.AddSeconds(1).AddMilliseconds(4)),
        };
        var offset = ClockOffset.Estimate(samples);
        Assert.Equal(5000, offset.OffsetMs, 3);
        Assert.Equal(2, offset.UncertaintyMs, 3);
        Assert.Equal(2, offset.Samples);
    }

    [Fact]
    public void Places_host_times_on_the_caller_clock_in_local_time()
    {
        var offset = new ClockOffset(5000, 1, 8);
        var local = offset.ToCallerLocal(T0.AddSeconds(5));
        Assert.Equal(DateTimeKind.Local, local.Kind);
        Assert.Equal(T0, local.ToUniversalTime());
    }

    [Fact]
    public void Drift_is_a_change_larger_than_both_uncertainties()
    {
        Assert.False(new ClockOffset(10, 2, 8).DiffersFrom(new ClockOffset(13, 2, 8)));
        Assert.True(new ClockOffset(10, 2, 8).DiffersFrom(new ClockOffset(15, 2, 8)));
    }
}

public class RemoteOrderTests
{
    [Fact]
    public void Carries_the_url_timeout_event_and_numbers_and_nothing_else()
    {
        var order = new RemoteOrder("http://127.0.0.1:1/", 12.5, new JsonObject { ["sleep"] = 1 },
            new[] { new InvocationRange(4, 3), new InvocationRange(9, 1) }, 2);
        var json = JsonNode.Parse(order.ToJson())!.AsObject();
        Assert.Equal(new[] { "url", "timeout_seconds", "payload", "invocations", "concurrency" }, json.Select(p => p.Key));
        var back = RemoteOrder.Parse(order.ToJson());
        Assert.Equal(new[] { 4, 5, 6, 9 }, back.Numbers());
        Assert.Equal(4, back.Count);
        Assert.Equal(12.5, back.TimeoutSeconds);
        Assert.Equal(1, back.Payload["sleep"]!.GetValue<int>());
    }

    [Fact]
    public void A_bad_order_is_an_error_with_an_id()
    {
        Assert.Equal(SebsErrorIds.InvalidConfig, Assert.Throws<SebsException>(() => RemoteOrder.Parse("{\"url\": 1}")).ErrorId);
    }
}

/// <summary>
/// FanOut with hosts that run orders in this process through the real agent against a real HTTP server, one of which
/// stops after a number of results as a dropped session would. (Remoting itself is tested in Remoting.Tests.ps1.)
/// </summary>
public sealed class FanOutTests : IDisposable
{
    private readonly HttpListener _server = new();
    private readonly string _url;
    private int _requests;

    public FanOutTests()
    {
        var port = FreePort();
        _url = $"http://127.0.0.1:{port}/";
        _server.Prefixes.Add(_url);
        _server.Start();
        _ = Task.Run(async () =>
        {
            while (_server.IsListening)
            {
                HttpListenerContext ctx;
                try { ctx = await _server.GetContextAsync(); } catch (Exception) { return; }
                _ = Task.Run(async () =>
                {
                    var n = Interlocked.Increment(ref _requests);
                    try
                    {
                        await Task.Delay(20);
                        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;
                        var body = Encoding.UTF8.GetBytes($"{{\"begin\": {now - 0.01}, \"end\": {now}, \"is_cold\": false, \"request_id\": \"r{n}\", \"container_id\": \"c\", \"result\": {{\"output\": {n}}}}}");
                        ctx.Response.ContentType = "application/json";
                        await ctx.Response.OutputStream.WriteAsync(body);
                        ctx.Response.Close();
                    }
                    catch (Exception) { }   // a client that went away
                });
            }
        });
    }

    public void Dispose() => _server.Close();

    private static int FreePort()
    {
        var l = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        l.Start();
        var port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    private sealed class InProcessHost(string name, int dieAfter = int.MaxValue, double skewMs = 0) : ILoadHost
    {
        private int _sent;
        public string Name => name;

        public Task<DateTime> ReadClockAsync(CancellationToken ct) => Task.FromResult(DateTime.UtcNow.AddMilliseconds(skewMs));

        public Task RunAsync(RemoteOrder order, Action<string> onLine, CancellationToken ct) => Task.Run(() =>
        {
            foreach (var line in RemoteAgent.Run(order.ToJson()))
            {
                if (_sent >= dieAfter) throw new IOException($"{name}: the SSH transport process has abruptly terminated");
                _sent++;
                onLine(skewMs == 0 ? line : Skewed(line));
            }
        }, ct);

        // A host whose clock runs ahead stamps its results ahead too.
        private string Skewed(string line)
        {
            var o = JsonNode.Parse(line)!.AsObject();
            foreach (var key in new[] { "begin_utc_ticks", "end_utc_ticks" })
                o[key] = o[key]!.GetValue<long>() + (long)(skewMs * TimeSpan.TicksPerMillisecond);
            return o.ToJsonString();
        }
    }

    [Fact]
    public async Task Merges_three_hosts_into_one_run_with_every_number_once()
    {
        var fanOut = new FanOut(new ILoadHost[] { new InProcessHost("a"), new InProcessHost("b"), new InProcessHost("c", skewMs: 3000) });
        await fanOut.StartAsync(CancellationToken.None);
        var begin = DateTime.Now;
        var results = new List<Sebs.Core.Results.ExecutionResult>();
        await foreach (var r in fanOut.RunAsync(new FanOutWork(_url, 10, new JsonObject(), Enumerable.Range(0, 12).ToArray(), 3)))
            results.Add(r);
        Assert.Equal(Enumerable.Range(0, 12), results.Select(r => r.Invocation).Order());
        Assert.All(results, r => Assert.False(r.Failed, r.ErrorMessage));
        Assert.Equal(new[] { 4, 4, 4 }, results.GroupBy(r => r.ClientHost).OrderBy(g => g.Key).Select(g => g.Count()));
        Assert.All(results.Where(r => r.ClientHost == "c"), r => Assert.InRange(r.ClockOffsetMs!.Value, 2990, 3010));
        Assert.All(results, r => Assert.InRange(r.Times.ClientBegin, begin.AddMilliseconds(-50), DateTime.Now));
        await fanOut.FinishAsync(CancellationToken.None);
        Assert.All(fanOut.Reports, r => Assert.NotNull(r.ClockAtEnd));
    }

    [Fact]
    public async Task A_host_that_drops_out_loses_at_most_its_concurrency_and_the_rest_run_elsewhere()
    {
        var fanOut = new FanOut(new ILoadHost[] { new InProcessHost("a"), new InProcessHost("b", dieAfter: 3), new InProcessHost("c") });
        await fanOut.StartAsync(CancellationToken.None);
        var results = new List<Sebs.Core.Results.ExecutionResult>();
        await foreach (var r in fanOut.RunAsync(new FanOutWork(_url, 10, new JsonObject(), Enumerable.Range(0, 60).ToArray(), 6)))
            results.Add(r);
        var dead = fanOut.Reports.Single(r => r.Host == "b");
        Assert.True(dead.Failed);
        Assert.Equal(3, dead.Completed);
        Assert.Equal(20, dead.Assigned);
        Assert.Equal(2, dead.Lost);                       // its share of the concurrency
        Assert.Equal(15, dead.Reassigned);
        Assert.Equal(58, results.Count);
        Assert.Equal(results.Count, results.Select(r => r.Invocation).Distinct().Count());
        Assert.Equal(3, results.Count(r => r.ClientHost == "b"));
        Assert.Equal(new[] { "a", "c" }, fanOut.Alive);
    }

    [Fact]
    public async Task A_burst_through_the_trigger_is_split_over_the_hosts()
    {
        var fanOut = new FanOut(new ILoadHost[] { new InProcessHost("a"), new InProcessHost("b"), new InProcessHost("c") });
        await fanOut.StartAsync(CancellationToken.None);
        var trigger = new FanOutTrigger(fanOut, () => _url, 10);
        var burst = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => trigger.InvokeAsync(new JsonObject { ["x"] = 1 }, CancellationToken.None)));
        Assert.All(burst, r => Assert.False(r.Failed, r.ErrorMessage));
        Assert.Equal(new[] { 2, 2, 2 }, burst.GroupBy(r => r.ClientHost).Select(g => g.Count()));
        // Lone calls go round the hosts.
        var lone = new List<string>();
        for (var i = 0; i < 3; i++) lone.Add((await trigger.InvokeAsync(new JsonObject(), CancellationToken.None)).ClientHost);
        Assert.Equal(3, lone.Distinct().Count());
    }
}
