using System.Text.Json.Nodes;
using Sebs.Core;
using Sebs.Core.Configuration;
using Sebs.Core.Experiments;
using Xunit;

namespace Sebs.Tests.Experiments;

public class ExperimentSettingsTests
{
    private static JsonObject Json(string text) => JsonNode.Parse(text)!.AsObject();

    [Fact]
    public void PerfCost_reads_SeBS_example_keys()
    {
        var s = PerfCostSettings.FromJson(Json("""
            { "benchmark": "010.sleep", "experiments": ["cold", "warm"], "input-size": "small", "repetitions": 7,
              "concurrent-invocations": 3, "memory-sizes": [128, 512] }
            """));
        Assert.Equal("010.sleep", s.Benchmark);
        Assert.Equal(new[] { "cold", "warm" }, s.Experiments);
        Assert.Equal("small", s.InputSize);
        Assert.Equal(7, s.Repetitions);
        Assert.Equal(3, s.ConcurrentInvocations);
        Assert.Equal(new[] { 128, 512 }, s.MemorySizes);
        Assert.Null(s.BatchPauseSeconds);
    }

    [Fact]
    public void PerfCost_defaults_are_SeBS_example_values()
    {
        var s = PerfCostSettings.FromJson(new JsonObject());
        Assert.Equal("110.dynamic-html", s.Benchmark);
        Assert.Equal(new[] { "cold", "warm", "burst", "sequential" }, s.Experiments);
        Assert.Equal(50, s.Repetitions);
        Assert.Equal(50, s.ConcurrentInvocations);
        Assert.Equal(new[] { 128, 256 }, s.MemorySizes);
    }

    [Fact]
    public void PerfCost_rejects_unknown_type_and_wrong_value_types()
    {
        var unknown = Assert.Throws<SebsException>(() => PerfCostSettings.FromJson(Json("""{ "experiments": ["lukewarm"] }""")));
        Assert.Equal("Sebs.InvalidConfig", unknown.ErrorId);
        Assert.Contains("lukewarm", unknown.Message);
        var wrong = Assert.Throws<SebsException>(() => PerfCostSettings.FromJson(Json("""{ "repetitions": "many" }""")));
        Assert.Contains("perf-cost.repetitions", wrong.Message);
    }

    [Fact]
    public void PerfCost_batch_pause_is_a_setting()
    {
        Assert.Equal(0.5, PerfCostSettings.FromJson(Json("""{ "batch-pause": 0.5 }""")).BatchPauseSeconds);
    }

    [Fact]
    public void InvocationOverhead_accepts_documented_code_keys()
    {
        // SeBS's example config spells them code_begin/...; its code reads code_package_begin/...
        var s = InvocationOverheadSettings.FromJson(Json("""{ "code_begin": 10, "code_end": 20, "code_points": 3, "type": "code" }"""));
        Assert.Equal(10, s.CodeBegin);
        Assert.Equal(20, s.CodeEnd);
        Assert.Equal(3, s.CodePoints);
        Assert.Equal("code", s.Type);
    }

    [Fact]
    public void InvocationOverhead_accepts_the_keys_SeBS_code_reads_and_prefers_them()
    {
        var s = InvocationOverheadSettings.FromJson(Json("""{ "code_package_begin": 11, "code_begin": 99, "code_package_end": 21, "code_package_points": 4 }"""));
        Assert.Equal(11, s.CodeBegin);
        Assert.Equal(21, s.CodeEnd);
        Assert.Equal(4, s.CodePoints);
    }

    [Fact]
    public void InvocationOverhead_example_values()
    {
        var s = InvocationOverheadSettings.FromJson(Json("""
            { "repetitions": 5, "N": 20, "type": "payload", "payload_begin": 1024, "payload_end": 6251000, "payload_points": 20 }
            """));
        Assert.Equal(5, s.Repetitions);
        Assert.Equal(20, s.N);
        Assert.Equal(1024, s.PayloadBegin);
        Assert.Equal(6251000, s.PayloadEnd);
        Assert.Equal(20, s.PayloadPoints);
        Assert.Throws<SebsException>(() => InvocationOverheadSettings.FromJson(Json("""{ "type": "zip" }""")));
    }

    [Fact]
    public void Linspace_matches_numpy_truncated_to_integers()
    {
        // numpy.linspace(1024, 6251000, 5) = [1024, 1563518, 3126012, 4688506, 6251000]
        Assert.Equal(new long[] { 1024, 1563518, 3126012, 4688506, 6251000 }, InvocationOverheadSettings.Linspace(1024, 6251000, 5));
        // linspace(0, 10, 4) = [0, 3.33, 6.67, 10] -> int() truncates
        Assert.Equal(new long[] { 0, 3, 6, 10 }, InvocationOverheadSettings.Linspace(0, 10, 4));
        Assert.Equal(new long[] { 7 }, InvocationOverheadSettings.Linspace(7, 100, 1));
    }

    [Fact]
    public void EvictionModel_reads_client_port_that_SeBS_requires_but_does_not_document()
    {
        var s = EvictionModelSettings.FromJson(Json("""{ "invocations": 2, "function_copy_idx": 1, "repetitions": 3, "sleep": 4, "client-port": 15000 }"""));
        Assert.Equal(2, s.Invocations);
        Assert.Equal(1, s.FunctionCopyIndex);
        Assert.Equal(3, s.Repetitions);
        Assert.Equal(4, s.Sleep);
        Assert.Equal(15000, s.ServerPort);
        Assert.Equal(new[] { 1 }, s.Times);
    }

    [Fact]
    public void EvictionModel_without_client_port_defaults_instead_of_failing()
    {
        var s = EvictionModelSettings.FromJson(Json("""{ "invocations": 1, "function_copy_idx": 0, "repetitions": 5, "sleep": 1 }"""));
        Assert.Equal(12000, s.ServerPort);
    }

    [Fact]
    public void NetworkPingPong_example_values_and_server()
    {
        var s = NetworkPingPongSettings.FromJson(Json("""{ "invocations": 50, "repetitions": 1000, "threads": 2, "server-address": "203.0.113.5" }"""));
        Assert.Equal(50, s.Invocations);
        Assert.Equal(1000, s.Repetitions);
        Assert.Equal(2, s.Threads);
        Assert.Equal("203.0.113.5", s.ServerAddress);
        Assert.Equal(12000, s.ServerPort);
    }

    [Fact]
    public void Settings_come_from_the_experiments_section_of_a_config()
    {
        var config = SebsConfig.Parse("""
            { "experiments": { "invocation-overhead": { "code_begin": 5 }, "eviction-model": { "client-port": 13000 } } }
            """);
        Assert.Equal(5, InvocationOverheadSettings.FromJson(config.Experiments["invocation-overhead"]).CodeBegin);
        Assert.Equal(13000, EvictionModelSettings.FromJson(config.Experiments["eviction-model"]).ServerPort);
    }

    [Fact]
    public void Factory_builds_each_experiment_and_rejects_unknown_names()
    {
        foreach (var name in ExperimentNames.All)
            Assert.Equal(name, ExperimentFactory.Create(name, null).Name);
        Assert.Throws<SebsException>(() => ExperimentFactory.Create("cold-coffee", null));
    }
}
