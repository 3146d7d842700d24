using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Sebs.Core.Validation;

/// <summary>
/// Shared checks of the 50x graph benchmarks: the payload's size and seed, and the values recorded for our code.
/// The expected values were computed by running the benchmark code with seed 42 in sebs/run.local.python:3.11
/// (python3-igraph 0.10.2, Debian bookworm) twice per size; another igraph version may build other graphs.
/// </summary>
public abstract class GraphValidatorBase : IOutputValidator
{
    public const int RecordedSeed = 42;

    public abstract string Benchmark { get; }

    public Task<string?> ValidateAsync(ValidationContext context, CancellationToken cancellationToken)
    {
        var size = context.Payload["size"] is JsonValue s && s.TryGetValue<int>(out var n) ? n : -1;
        if (size <= 0) return Task.FromResult<string?>("the payload has no positive 'size'");
        var seed = context.Payload["seed"] is JsonValue sv && sv.TryGetValue<int>(out var sd) ? sd : (int?)null;
        var result = context.Output?["result"];
        if (result is null) return Task.FromResult<string?>("the output has no 'result'");
        if (context.Output?["measurement"] is not JsonObject m || m["graph_generating_time"] is null || m["compute_time"] is null)
            return Task.FromResult<string?>("the output lacks measurement.graph_generating_time / compute_time");
        return Task.FromResult(Check(result, size, seed == RecordedSeed));
    }

    /// <summary>Null when valid. <paramref name="recorded"/> is false for a seed without recorded values (structure only).</summary>
    protected abstract string? Check(JsonNode result, int size, bool recorded);

    internal static string Md5(JsonNode node) =>
        Convert.ToHexString(MD5.HashData(Encoding.UTF8.GetBytes(node.ToJsonString()))).ToLowerInvariant();

    internal static long[]? Ints(JsonNode? node)
    {
        if (node is not JsonArray a) return null;
        var values = new long[a.Count];
        for (var i = 0; i < a.Count; i++)
        {
            if (a[i] is not JsonValue v || !v.TryGetValue<long>(out values[i])) return null;
        }
        return values;
    }
}

/// <summary>501.graph-pagerank: the PageRank of vertex 0, within 1e-9 of the recorded value (PageRank varies in the last digits).</summary>
public sealed class GraphPageRankValidator : GraphValidatorBase
{
    public override string Benchmark => "501.graph-pagerank";

    public static IReadOnlyDictionary<int, double> Expected { get; } = new Dictionary<int, double>
    {
        [10] = 0.1,
        [10000] = 0.0012122480931530462,
        [100000] = 0.00033384438552589026,
    };

    protected override string? Check(JsonNode result, int size, bool recorded)
    {
        if (result is not JsonValue v || !v.TryGetValue<double>(out var rank))
            return $"result is {result.ToJsonString()}, expected a number";
        if (!(rank > 0 && rank < 1)) return $"rank {rank.ToString(CultureInfo.InvariantCulture)} is not in (0, 1)";
        if (recorded && Expected.TryGetValue(size, out var expected) && Math.Abs(rank - expected) > 1e-9)
            return $"rank {rank.ToString("R", CultureInfo.InvariantCulture)} differs from the recorded {expected.ToString("R", CultureInfo.InvariantCulture)} for size {size}";
        return null;
    }
}

/// <summary>502.graph-mst: size - 1 distinct edge ids, and the MD5 of the compact JSON list recorded for the size.</summary>
public sealed class GraphMstValidator : GraphValidatorBase
{
    public override string Benchmark => "502.graph-mst";

    public static IReadOnlyDictionary<int, string> ExpectedMd5 { get; } = new Dictionary<int, string>
    {
        [10] = "2731b0a338d620aac853321b832983c3",
        [10000] = "ebac1069ed7b96771ac4a9684bdfc6ba",
        [100000] = "b0b868c92d20f96b40c04a0f846f979f",
    };

    protected override string? Check(JsonNode result, int size, bool recorded)
    {
        var edges = Ints(result);
        if (edges is null) return "result is not a list of edge ids";
        if (edges.Length != size - 1) return $"the spanning tree has {edges.Length} edges, expected {size - 1} for {size} vertices";
        if (edges.Distinct().Count() != edges.Length) return "the spanning tree repeats an edge id";
        if (edges.Any(e => e < 0)) return "the spanning tree has a negative edge id";
        if (recorded && ExpectedMd5.TryGetValue(size, out var md5) && Md5(result) != md5)
            return $"MD5 of the edge list is {Md5(result)}, expected {md5} for size {size}";
        return null;
    }
}

/// <summary>503.graph-bfs: a complete visit from vertex 0, consistent layers and parents, and the recorded MD5.</summary>
public sealed class GraphBfsValidator : GraphValidatorBase
{
    public override string Benchmark => "503.graph-bfs";

    public static IReadOnlyDictionary<int, string> ExpectedMd5 { get; } = new Dictionary<int, string>
    {
        [10] = "1dfb71bebaebcfb1a850f5b81610c2f7",
        [10000] = "14160bc08930584610005d05cc20989f",
        [100000] = "55cb168c17d2371637f483c720f29dfd",
    };

    protected override string? Check(JsonNode result, int size, bool recorded)
    {
        if (result is not JsonArray { Count: 3 } parts) return "result is not [vertices, layers, parents]";
        var (vids, layers, parents) = (Ints(parts[0]), Ints(parts[1]), Ints(parts[2]));
        if (vids is null || layers is null || parents is null) return "result holds a list that is not all integers";
        if (vids.Length != size) return $"{vids.Length} vertices visited, expected {size}";
        if (vids[0] != 0) return $"the search starts at {vids[0]}, expected 0";
        if (vids.Distinct().Count() != size || vids.Any(v => v < 0 || v >= size)) return "the visit order is not a permutation of the vertices";
        if (layers.Length < 2 || layers[0] != 0 || layers[^1] != size) return $"layer starts must run from 0 to {size}";
        for (var i = 1; i < layers.Length; i++)
            if (layers[i] <= layers[i - 1]) return "layer starts are not increasing";
        if (parents.Length != size) return $"{parents.Length} parents, expected {size}";
        if (recorded && ExpectedMd5.TryGetValue(size, out var md5) && Md5(result) != md5)
            return $"MD5 of the search result is {Md5(result)}, expected {md5} for size {size}";
        return null;
    }
}
