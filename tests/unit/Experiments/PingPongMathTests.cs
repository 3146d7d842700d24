using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Sebs.Core.Experiments;
using Sebs.Core.Results;
using Xunit;

namespace Sebs.Tests.Experiments;

public class PingPongMathTests
{
    // Hand-made exchange: the function's clock runs 2.0 s ahead of the client's, the one-way delay is 0.010 s each way
    // and the server takes 0.001 s to echo. Client clock: datagram arrives at 100.010, echo leaves at 100.011.
    // Function clock: sent at 100.000 + 2 = 102.000, echo back at 100.021 + 2 = 102.021.
    private const double ClientSend = 102.000, ServerRcv = 100.010, ServerSend = 100.011, ClientRcv = 102.021;

    [Fact]
    public void Rtt_is_both_one_way_delays()
    {
        // (100.010 - 102.000) + (102.021 - 100.011) = -1.990 + 2.010 = 0.020
        Assert.Equal(0.020, PingPongMath.Rtt(ClientSend, ClientRcv, ServerRcv, ServerSend), 9);
    }

    [Fact]
    public void Clock_drift_is_function_clock_minus_client_clock()
    {
        // ((102.000 - 100.010) + (102.021 - 100.011)) / 2 = (1.990 + 2.010) / 2 = 2.000
        Assert.Equal(2.000, PingPongMath.ClockDrift(ClientSend, ClientRcv, ServerRcv, ServerSend), 9);
    }

    [Fact]
    public void Invocation_time_moves_the_function_timestamp_onto_the_client_clock()
    {
        // Request started at 50.000 (client clock), connection 0.004 s; handler started at 52.100 (function clock, +2.000).
        // On the client clock the handler started at 50.100, so request sent -> handler = 50.100 - 50.000 - 0.004 = 0.096.
        Assert.Equal(0.096, PingPongMath.InvocationTime(start: 50.000, finish: 52.100, connectionTime: 0.004, driftMean: 2.000), 9);
    }

    [Fact]
    public void Mean_and_sample_std_like_pandas()
    {
        var (mean, std) = PingPongMath.MeanStd(new[] { 1.0, 2.0, 3.0, 4.0 });
        Assert.Equal(2.5, mean, 12);
        Assert.Equal(Math.Sqrt(5.0 / 3.0), std!.Value, 12); // sum of squares 5, n-1 = 3
        Assert.Null(PingPongMath.MeanStd(new[] { 1.0 }).Std);
    }

    [Fact]
    public void Merge_joins_on_the_datagram_id_and_drops_unmatched()
    {
        var client = new[] { (1, 102.000, 102.021), (2, 103.0, 103.1), (3, 104.0, 104.2) };
        var server = new[] { (1, 100.010, 100.011), (3, 102.05, 102.06), (9, 0.0, 0.0) };
        var rows = PingPongMath.Merge("req", client, server).ToList();
        Assert.Equal(new[] { 1, 3 }, rows.Select(r => r.Id));
        Assert.Equal(0.020, rows[0].RttSeconds, 9);
        Assert.Equal(2.000, rows[0].ClockDriftSeconds, 9);
        Assert.All(rows, r => Assert.Equal("req", r.RequestId));
    }

    [Fact]
    public void Processing_an_overhead_folder_gives_SeBS_processed_rows()
    {
        var dir = Directory.CreateTempSubdirectory("sebs-io-").FullName;
        try
        {
            File.WriteAllLines(Path.Combine(dir, "result.csv"), new[]
            {
                "size,repetition,is_cold,connection_time,start_timestamp,finish_timestamp,request_id",
                "1024,0,True,0.004,50.0,52.1,abc",
            });
            File.WriteAllLines(Path.Combine(dir, "results-abc.csv"), new[] { "id,client_send,client_rcv", "0,102.0,102.021", "1,103.0,103.021" });
            File.WriteAllLines(Path.Combine(dir, "server-abc.csv"), new[] { "id,server_rcv,server_send", "0,100.010,100.011", "1,101.010,101.011" });
            var row = Assert.Single(InvocationOverheadProcessor.Process(dir));
            Assert.Equal(1024, row.PayloadSize);
            Assert.True(row.IsCold);
            Assert.Equal(2.0, row.ClockDriftMeanSeconds!.Value, 9);
            Assert.Equal(0.0, row.ClockDriftStdSeconds!.Value, 9);
            Assert.Equal(0.096, row.InvocationSeconds!.Value, 9);
            InvocationOverheadProcessor.WriteCsv(new[] { row }, Path.Combine(dir, "out.csv"));
            var lines = File.ReadAllLines(Path.Combine(dir, "out.csv"));
            Assert.Equal("payload_size,repetition,is_cold,connection_time,start_timestamp,finish_timestamp,request_id,clock_drift_mean,clock_drift_std,invocation_time", lines[0]);
            Assert.StartsWith("1024,0,True,0.004,50,52.1,abc,", lines[1]);
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public async Task Udp_echo_server_echoes_records_and_stops_on_stop()
    {
        using var server = new UdpEchoServer(IPAddress.Loopback, 0);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var run = server.RunAsync(cts.Token);
        using var client = new UdpClient();
        client.Connect(IPAddress.Loopback, server.Port);
        foreach (var message in new[] { "0", "1", "request-id", "stop" })
        {
            await client.SendAsync(Encoding.UTF8.GetBytes(message), cts.Token);
            var echo = await client.ReceiveAsync(cts.Token);
            Assert.Equal(message, Encoding.UTF8.GetString(echo.Buffer));
        }
        await run.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(new[] { "0", "1", "request-id", "stop" }, server.Records.Select(r => r.Message));
        Assert.All(server.Records, r => Assert.True(r.ServerSend >= r.ServerReceive));
        var csv = Path.GetTempFileName();
        server.WriteCsv(csv);
        var lines = File.ReadAllLines(csv);
        File.Delete(csv);
        Assert.Equal("id,server_rcv,server_send", lines[0]);
        Assert.Equal(4, lines.Length); // "stop" is not an exchange
        Assert.StartsWith("2,", lines[3]); // a datagram without a number gets its position (020's last one carries the request id)
    }

    [Fact]
    public async Task Tcp_reply_server_sends_accepted()
    {
        using var server = new TcpReplyServer(IPAddress.Loopback, 0);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var run = server.RunAsync(cts.Token);
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, server.Port, cts.Token);
        var buffer = new byte[64];
        var n = await client.GetStream().ReadAsync(buffer, cts.Token);
        Assert.Equal("accepted", Encoding.UTF8.GetString(buffer, 0, n));
        cts.Cancel();
        await run;
        Assert.Equal(1, server.Accepted);
    }

    [Fact]
    public void Experiment_context_round_trips_through_invocation_json()
    {
        var r = new ExecutionResult { RequestId = "r1", FunctionName = "f", Experiment = "perf-cost", ExperimentType = "cold" };
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms)) InvocationJson.Write(w, r);
        using var doc = JsonDocument.Parse(ms.ToArray());
        Assert.Equal("perf-cost", doc.RootElement.GetProperty("sebs_context").GetProperty("experiment").GetString());
        var back = InvocationJson.Read(doc.RootElement);
        Assert.Equal("perf-cost", back.Experiment);
        Assert.Equal("cold", back.ExperimentType);
    }

    [Fact]
    public void Perf_cost_statistics_block_has_SeBS_keys_sorted()
    {
        var result = new ExperimentResult();
        result.Add(new ExecutionResult { RequestId = "a", FunctionName = "f", Times = { ClientMicroseconds = 1000 }, Stats = { ColdStart = true } });
        result.Add(new ExecutionResult { RequestId = "b", FunctionName = "f", Times = { ClientMicroseconds = 3000 } });
        var stats = PerfCostExperiment.BuildStatistics(result, new[] { "boom" }, new[] { new ExecutionResult { RequestId = "c" } }, coldCount: 1);
        var keys = stats.Select(kv => kv.Key).ToList();
        Assert.Equal(keys.OrderBy(k => k, StringComparer.Ordinal), keys);
        Assert.Equal(2, (int)stats["samples_generated"]!);
        Assert.Equal(1, (int)stats["failures_count"]!);
        Assert.Equal(1, (int)stats["incorrect_count"]!);
        Assert.Equal(1, (int)stats["cold_count"]!);
        Assert.Equal(2.0, (double)stats["client_time_ms"]!["mean"]!, 9);
    }

    [Fact]
    public void Perf_cost_rows_take_memory_from_the_file_name_and_connection_time_in_microseconds()
    {
        var dir = Directory.CreateTempSubdirectory("sebs-pc-").FullName;
        try
        {
            var result = new ExperimentResult();
            result.Add(new ExecutionResult
            {
                RequestId = "a", FunctionName = "f",
                Times = { ClientMicroseconds = 5000, BenchmarkMicroseconds = 1200, HttpStartupSeconds = 0.0025 },
                ProviderTimes = { ExecutionMicroseconds = 1500 }, Stats = { ColdStart = true, MemoryUsedMB = 30.5 },
            });
            ExperimentResultJson.Write(result, Path.Combine(dir, "cold_results_256.json"));
            ExperimentResultJson.Write(result, Path.Combine(dir, "warm_results.json"));
            File.WriteAllText(Path.Combine(dir, "journal.jsonl"), "");
            var rows = PerfCostProcessor.Read(dir).ToList();
            Assert.Equal(2, rows.Count);
            var cold = rows.Single(r => r.Type == "cold");
            Assert.Equal(256, cold.MemoryMB);
            Assert.Equal(2500, cold.ConnectionMicroseconds);
            Assert.Equal(1200, cold.ExecMicroseconds);
            Assert.Null(rows.Single(r => r.Type == "warm").MemoryMB);
            PerfCostProcessor.WriteCsv(rows, Path.Combine(dir, "result.csv"));
            var lines = File.ReadAllLines(Path.Combine(dir, "result.csv"));
            Assert.Equal("memory,type,is_cold,exec_time,connection_time,client_time,provider_time,mem_used", lines[0]);
            Assert.Equal("256,cold,True,1200,2500,5000,1500,30.5", lines[1]);
        }
        finally { Directory.Delete(dir, true); }
    }
}
