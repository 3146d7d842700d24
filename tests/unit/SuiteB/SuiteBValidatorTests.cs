using System.Text.Json.Nodes;
using Sebs.Core.Validation;
using Xunit;

namespace Sebs.Tests.SuiteB;

public class SuiteBValidatorTests
{
    private static ValidationContext Context(string benchmark, string payload, string output, MemoryObjectStorage? storage = null, string? dataRoot = null) =>
        new(benchmark, "python", "test", (JsonObject)JsonNode.Parse(payload)!, JsonNode.Parse(output), storage, dataRoot, TestPaths.NewTempDir());

    private static Task<string?> Validate(string benchmark, string payload, string output, MemoryObjectStorage? storage = null, string? dataRoot = null) =>
        OutputValidators.For(benchmark)!.ValidateAsync(Context(benchmark, payload, output, storage, dataRoot), CancellationToken.None);

    private const string Measurement = """ "measurement": {"graph_generating_time": 10.0, "compute_time": 5.0} """;

    [Theory]
    [InlineData("020.network-benchmark")]
    [InlineData("030.clock-synchronization")]
    [InlineData("411.image-recognition")]
    [InlineData("501.graph-pagerank")]
    [InlineData("502.graph-mst")]
    [InlineData("503.graph-bfs")]
    [InlineData("504.dna-visualisation")]
    public void Every_suite_b_benchmark_has_a_validator(string benchmark) =>
        Assert.Equal(benchmark, OutputValidators.For(benchmark)?.Benchmark);

    [Fact]
    public async Task PageRank_is_compared_with_the_recorded_value_within_1e9()
    {
        Assert.Null(await Validate("501.graph-pagerank", """{"size": 10000, "seed": 42}""", $$"""{"result": 0.0012122480931530454, {{Measurement}}}"""));
        Assert.Contains("differs from the recorded", await Validate("501.graph-pagerank", """{"size": 10000, "seed": 42}""", $$"""{"result": 0.0013, {{Measurement}}}"""));
        Assert.Contains("expected a number", await Validate("501.graph-pagerank", """{"size": 10, "seed": 42}""", $$"""{"result": "0.1", {{Measurement}}}"""));
        Assert.Contains("measurement", await Validate("501.graph-pagerank", """{"size": 10, "seed": 42}""", """{"result": 0.1}"""));
        // Another seed has no recorded value: only the structure is checked.
        Assert.Null(await Validate("501.graph-pagerank", """{"size": 10000, "seed": 7}""", $$"""{"result": 0.0013, {{Measurement}}}"""));
    }

    [Fact]
    public async Task Mst_checks_edge_count_and_the_recorded_md5()
    {
        const string payload = """{"size": 10, "seed": 42}""";
        Assert.Null(await Validate("502.graph-mst", payload, $$"""{"result": [0,1,3,6,10,15,21,28,36], {{Measurement}}}"""));
        Assert.Contains("MD5", await Validate("502.graph-mst", payload, $$"""{"result": [0,1,3,6,10,15,21,28,37], {{Measurement}}}"""));
        Assert.Contains("expected 9", await Validate("502.graph-mst", payload, $$"""{"result": [0,1,3], {{Measurement}}}"""));
        Assert.Contains("repeats", await Validate("502.graph-mst", payload, $$"""{"result": [0,0,3,6,10,15,21,28,36], {{Measurement}}}"""));
    }

    [Fact]
    public async Task Bfs_checks_the_visit_layers_parents_and_the_recorded_md5()
    {
        const string payload = """{"size": 10, "seed": 42}""";
        Assert.Null(await Validate("503.graph-bfs", payload, $$"""{"result": [[0,1,2,3,4,5,6,7,8,9],[0,1,10],[-1,0,0,0,0,0,0,0,0,0]], {{Measurement}}}"""));
        Assert.Contains("MD5", await Validate("503.graph-bfs", payload, $$"""{"result": [[0,1,2,3,4,5,6,7,8,9],[0,1,10],[0,0,0,0,0,0,0,0,0,0]], {{Measurement}}}"""));
        Assert.Contains("starts at 1", await Validate("503.graph-bfs", payload, $$"""{"result": [[1,0,2,3,4,5,6,7,8,9],[0,1,10],[-1,0,0,0,0,0,0,0,0,0]], {{Measurement}}}"""));
        Assert.Contains("layer", await Validate("503.graph-bfs", payload, $$"""{"result": [[0,1,2,3,4,5,6,7,8,9],[0,1,9],[-1,0,0,0,0,0,0,0,0,0]], {{Measurement}}}"""));
        Assert.Contains("[vertices, layers, parents]", await Validate("503.graph-bfs", payload, $$"""{"result": [[0]], {{Measurement}}}"""));
    }

    [Fact]
    public async Task Dna_walk_must_have_2n_plus_1_points_for_the_input_fasta()
    {
        var storage = new MemoryObjectStorage();
        const string bucket = "sebs-benchmarks-test";
        storage.Put(bucket, "504-0-input/seq.fasta", ">header line\nACGT\nN\n");
        storage.Put(bucket, "504-0-output/seq.1234abcd.json", """{"x":[0,0.5,1,1.5,2,2.5,3,3.5,4,4.5,5],"y":[0,0.5,0,-0.5,-1,-0.5,0,-0.5,0,0,0]}""");
        storage.Put(bucket, "504-0-output/short.json", """{"x":[0,0.5,1],"y":[0,0.5,0]}""");
        storage.Put(bucket, "504-0-output/broken.json", """{"x":[0,""");
        const string payload = """{"object": {"key": "seq.fasta"}, "bucket": {"bucket": "sebs-benchmarks-test", "input": "504-0-input", "output": "504-0-output"}}""";
        string Output(string key) => $$$"""{"result": {"bucket": "{{{bucket}}}", "key": "{{{key}}}"}, "measurement": {"download_time": 1, "compute_time": 2, "upload_time": 3}}""";
        Assert.Null(await Validate("504.dna-visualisation", payload, Output("504-0-output/seq.1234abcd.json"), storage));
        Assert.Contains("expected 11 for 5 bases", await Validate("504.dna-visualisation", payload, Output("504-0-output/short.json"), storage));
        Assert.Contains("not valid JSON", await Validate("504.dna-visualisation", payload, Output("504-0-output/broken.json"), storage));
    }

    [Fact]
    public async Task Network_benchmark_needs_one_row_per_repetition()
    {
        var storage = new MemoryObjectStorage();
        storage.Put("b", "020-0-output/results-r1.abcd1234.csv", "id,client_send,client_rcv\n1,10.0,10.5\n2,11.0,11.25\n");
        storage.Put("b", "020-0-output/results-r2.abcd1234.csv", "id,client_send,client_rcv\n1,10.0,9.5\n2,11.0,11.25\n");
        const string payload = """{"bucket": {"bucket": "b", "output": "020-0-output"}, "repetitions": 2}""";
        Assert.Null(await Validate("020.network-benchmark", payload, """{"result": "020-0-output/results-r1.abcd1234.csv"}""", storage));
        Assert.Contains("receives before it sends", await Validate("020.network-benchmark", payload, """{"result": "020-0-output/results-r2.abcd1234.csv"}""", storage));
        Assert.Contains("expected 3", await Validate("020.network-benchmark", """{"bucket": {"bucket": "b", "output": "020-0-output"}, "repetitions": 3}""",
            """{"result": "020-0-output/results-r1.abcd1234.csv"}""", storage));
        Assert.Contains("not under the output prefix", await Validate("020.network-benchmark", payload, """{"result": "elsewhere/x.csv"}""", storage));
    }

    [Fact]
    public async Task Clock_synchronization_needs_enough_exchanges_and_a_timestamp()
    {
        var storage = new MemoryObjectStorage();
        storage.Put("b", "030-0-output/results-r.csv", "id,client_send,client_rcv\n0,1.0,1.1\n1,2.0,2.05\n2,3.0,3.07\n");
        const string payload = """{"bucket": {"bucket": "b", "output": "030-0-output"}, "repetitions": 2}""";
        Assert.Null(await Validate("030.clock-synchronization", payload, """{"result": {"bucket-key": "030-0-output/results-r.csv", "timestamp": 1700000000.5}}""", storage));
        Assert.Contains("timestamp", await Validate("030.clock-synchronization", payload, """{"result": {"bucket-key": "030-0-output/results-r.csv"}}""", storage));
        Assert.Contains("at least 5", await Validate("030.clock-synchronization", """{"bucket": {"bucket": "b", "output": "030-0-output"}, "repetitions": 5}""",
            """{"result": {"bucket-key": "030-0-output/results-r.csv", "timestamp": 1.0}}""", storage));
    }

    [Fact]
    public async Task Image_recognition_expects_the_val_map_index()
    {
        const string payload = """{"object": {"model": "model/resnet50-19c8e357.pth", "input": "fake-resnet/800px-Porsche_991_silver_IAA.jpg"}}""";
        Assert.Null(await Validate("411.image-recognition", payload, """{"result": {"idx": 817, "class": "sports car"}}"""));
        Assert.Null(await Validate("411.image-recognition", payload, """{"result": {"idx": 817, "class": "sports_car"}}"""));
        Assert.Contains("expected 817", await Validate("411.image-recognition", payload, """{"result": {"idx": 818, "class": "sports car"}}"""));
        var data = TestPaths.SharedBenchmarkData;
        if (Directory.Exists(Path.Combine(data, "400.inference")))
        {
            const string other = """{"object": {"input": "fake-resnet/800px-Welsh_Springer_Spaniel.jpg"}}""";
            Assert.Null(await Validate("411.image-recognition", other, """{"result": {"idx": 156, "class": "Blenheim spaniel"}}""", dataRoot: data));
            Assert.Contains("expected 156", await Validate("411.image-recognition", other, """{"result": {"idx": 817}}""", dataRoot: data));
        }
    }
}
