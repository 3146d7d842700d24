using System.Globalization;
using System.Text.Json.Nodes;
using Sebs.Core.Diagnostics;

namespace Sebs.Core.Experiments;

/// <summary>The four SeBS experiments, by their SeBS names.</summary>
public static class ExperimentNames
{
    public const string PerfCost = "perf-cost";
    public const string NetworkPingPong = "network-ping-pong";
    public const string InvocationOverhead = "invocation-overhead";
    public const string EvictionModel = "eviction-model";
    public static readonly IReadOnlyList<string> All = new[] { PerfCost, NetworkPingPong, InvocationOverhead, EvictionModel };
}

/// <summary>
/// Reads one experiment's settings object. Every value may be given under several spellings (SeBS's documented key and
/// the key its code actually reads); the first spelling present wins. Wrong types are <c>Sebs.InvalidConfig</c> errors.
/// </summary>
internal sealed class SettingsReader(JsonObject json, string experiment)
{
    private JsonNode? Find(string[] keys, out string key)
    {
        foreach (var k in keys)
        {
            if (json.TryGetPropertyValue(k, out var v) && v is not null) { key = k; return v; }
        }
        key = keys[0];
        return null;
    }

    private SebsException Invalid(string key, string expected) =>
        new(SebsErrorIds.InvalidConfig, SebsErrorKind.InvalidData, $"experiments.{experiment}.{key} must be {expected}.", target: experiment);

    public int Int(int fallback, params string[] keys)
    {
        var v = Find(keys, out var key);
        if (v is null) return fallback;
        if (v is JsonValue jv)
        {
            if (jv.TryGetValue<int>(out var i)) return i;
            if (jv.TryGetValue<long>(out var l) && l is >= int.MinValue and <= int.MaxValue) return (int)l;
            if (jv.TryGetValue<double>(out var d) && d == Math.Floor(d) && Math.Abs(d) <= int.MaxValue) return (int)d;
            if (jv.TryGetValue<string>(out var s) && int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var p)) return p;
        }
        throw Invalid(key, "an integer");
    }

    public long Long(long fallback, params string[] keys)
    {
        var v = Find(keys, out var key);
        if (v is null) return fallback;
        if (v is JsonValue jv)
        {
            if (jv.TryGetValue<long>(out var l)) return l;
            if (jv.TryGetValue<double>(out var d) && d == Math.Floor(d)) return (long)d;
            if (jv.TryGetValue<string>(out var s) && long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var p)) return p;
        }
        throw Invalid(key, "an integer");
    }

    public double Double(double fallback, params string[] keys)
    {
        var v = Find(keys, out var key);
        if (v is null) return fallback;
        if (v is JsonValue jv)
        {
            if (jv.TryGetValue<double>(out var d)) return d;
            if (jv.TryGetValue<long>(out var l)) return l;
            if (jv.TryGetValue<string>(out var s) && double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var p)) return p;
        }
        throw Invalid(key, "a number");
    }

    public string? String(string? fallback, params string[] keys)
    {
        var v = Find(keys, out var key);
        if (v is null) return fallback;
        if (v is JsonValue jv && jv.TryGetValue<string>(out var s)) return s;
        throw Invalid(key, "a string");
    }

    public int[] IntArray(int[] fallback, params string[] keys)
    {
        var v = Find(keys, out var key);
        if (v is null) return fallback;
        if (v is JsonArray a)
            return a.Select(n => n is JsonValue x && x.TryGetValue<int>(out var i) ? i
                : n is JsonValue y && y.TryGetValue<double>(out var d) && d == Math.Floor(d) ? (int)d
                : throw Invalid(key, "a list of integers")).ToArray();
        if (v is JsonValue single && single.TryGetValue<int>(out var one)) return new[] { one };
        throw Invalid(key, "a list of integers");
    }

    public string[] StringArray(string[] fallback, params string[] keys)
    {
        var v = Find(keys, out var key);
        if (v is null) return fallback;
        if (v is JsonArray a)
            return a.Select(n => n is JsonValue x && x.TryGetValue<string>(out var s) ? s : throw Invalid(key, "a list of strings")).ToArray();
        if (v is JsonValue single && single.TryGetValue<string>(out var one)) return new[] { one };
        throw Invalid(key, "a list of strings");
    }
}

/// <summary>perf-cost settings (SeBS §9.1; defaults from SeBS's example config).</summary>
public sealed class PerfCostSettings
{
    public static readonly string[] AllTypes = { "cold", "warm", "burst", "sequential" };

    public string Benchmark { get; set; } = "110.dynamic-html";
    /// <summary>Subset of cold, warm, burst, sequential, run in this order.</summary>
    public string[] Experiments { get; set; } = (string[])AllTypes.Clone();
    public string InputSize { get; set; } = "test";
    /// <summary>Accepted samples to gather per type and memory size.</summary>
    public int Repetitions { get; set; } = 50;
    public int ConcurrentInvocations { get; set; } = 50;
    /// <summary>Memory sizes in MB; empty = one run with the benchmark's memory.</summary>
    public int[] MemorySizes { get; set; } = { 128, 256 };
    /// <summary>
    /// Seconds to wait before and after each batch. SeBS always waits 5 s (for the cloud provider to settle);
    /// null = 5 s on clouds and none on the local platform.
    /// </summary>
    public double? BatchPauseSeconds { get; set; }
    /// <summary>
    /// Batches tried per type before giving up (SeBS loops forever when e.g. cold starts never come);
    /// 0 = automatic: 10 × the batches needed, plus the warm-up batch.
    /// </summary>
    public int MaxBatches { get; set; }

    public static PerfCostSettings FromJson(JsonObject? json)
    {
        var s = new PerfCostSettings();
        if (json is null) return s;
        var r = new SettingsReader(json, ExperimentNames.PerfCost);
        s.Benchmark = r.String(s.Benchmark, "benchmark")!;
        s.Experiments = r.StringArray(s.Experiments, "experiments");
        s.InputSize = r.String(s.InputSize, "input-size", "input_size", "size")!;
        s.Repetitions = r.Int(s.Repetitions, "repetitions");
        s.ConcurrentInvocations = r.Int(s.ConcurrentInvocations, "concurrent-invocations", "concurrent_invocations");
        s.MemorySizes = r.IntArray(s.MemorySizes, "memory-sizes", "memory_sizes");
        if (json.ContainsKey("batch-pause") || json.ContainsKey("batch_pause"))
            s.BatchPauseSeconds = r.Double(5, "batch-pause", "batch_pause");
        s.MaxBatches = r.Int(0, "max-batches", "max_batches");
        s.Validate();
        return s;
    }

    public void Validate()
    {
        foreach (var t in Experiments)
            if (!AllTypes.Contains(t, StringComparer.Ordinal))
                throw new SebsException(SebsErrorIds.InvalidConfig, SebsErrorKind.InvalidData,
                    $"experiments.perf-cost.experiments: unknown type '{t}'; valid: {string.Join(", ", AllTypes)}.", target: ExperimentNames.PerfCost);
        if (Repetitions < 1 || ConcurrentInvocations < 1)
            throw new SebsException(SebsErrorIds.InvalidConfig, SebsErrorKind.InvalidData,
                "experiments.perf-cost: repetitions and concurrent-invocations must be at least 1.", target: ExperimentNames.PerfCost);
    }

    public JsonObject ToJson()
    {
        var o = new JsonObject
        {
            ["benchmark"] = Benchmark,
            ["concurrent-invocations"] = ConcurrentInvocations,
            ["experiments"] = new JsonArray(Experiments.Select(e => (JsonNode)e).ToArray()),
            ["input-size"] = InputSize,
            ["memory-sizes"] = new JsonArray(MemorySizes.Select(m => (JsonNode)m).ToArray()),
            ["repetitions"] = Repetitions,
        };
        if (BatchPauseSeconds is { } p) o["batch-pause"] = p;
        return o;
    }
}

/// <summary>Where the UDP/TCP servers of the client-side experiments listen.</summary>
public abstract class ServerSettings
{
    /// <summary>Address the server binds to and the function is told to reach; null = 127.0.0.1 on the local platform, required on clouds.</summary>
    public string? ServerAddress { get; set; }
    /// <summary>Address to bind when it differs from the one the function reaches (NAT); default: <see cref="ServerAddress"/>.</summary>
    public string? BindAddress { get; set; }
    /// <summary>A URL answering with the client's public address as plain text (e.g. a provider's "check ip" service); used when no address is given.</summary>
    public string? AddressUrl { get; set; }
    public int ServerPort { get; set; } = 12000;

    private protected void ReadServer(SettingsReader r)
    {
        ServerAddress = r.String(null, "server-address", "server_address", "ip-address");
        BindAddress = r.String(null, "bind-address", "bind_address");
        AddressUrl = r.String(null, "address-url", "address_url");
        ServerPort = r.Int(ServerPort, "server-port", "server_port", "client-port", "client_port", "port");
    }
}

/// <summary>network-ping-pong settings (SeBS §9.2).</summary>
public sealed class NetworkPingPongSettings : ServerSettings
{
    /// <summary>Invocations, each with its own UDP port ServerPort + i.</summary>
    public int Invocations { get; set; } = 50;
    /// <summary>Datagrams per invocation (the function sends one more, the warm-up).</summary>
    public int Repetitions { get; set; } = 1000;
    /// <summary>Invocations running at once.</summary>
    public int Threads { get; set; } = 1;

    public static NetworkPingPongSettings FromJson(JsonObject? json)
    {
        var s = new NetworkPingPongSettings();
        if (json is null) return s;
        var r = new SettingsReader(json, ExperimentNames.NetworkPingPong);
        s.Invocations = r.Int(s.Invocations, "invocations");
        s.Repetitions = r.Int(s.Repetitions, "repetitions");
        s.Threads = r.Int(s.Threads, "threads");
        s.ReadServer(r);
        return s;
    }

    public JsonObject ToJson() => new()
    {
        ["invocations"] = Invocations, ["repetitions"] = Repetitions, ["threads"] = Threads, ["server-port"] = ServerPort,
    };
}

/// <summary>invocation-overhead settings (SeBS §9.3).</summary>
public sealed class InvocationOverheadSettings : ServerSettings
{
    public int Repetitions { get; set; } = 5;
    /// <summary>Ping-pong rounds, passed to the function as its <c>repetitions</c>.</summary>
    public int N { get; set; } = 20;
    /// <summary><c>payload</c> or <c>code</c>.</summary>
    public string Type { get; set; } = "payload";
    public long PayloadBegin { get; set; } = 1024;
    public long PayloadEnd { get; set; } = 6251000;
    public int PayloadPoints { get; set; } = 20;
    public long CodeBegin { get; set; } = 1048576;
    public long CodeEnd { get; set; } = 261619712;
    public int CodePoints { get; set; } = 20;
    /// <summary>Attempts per sample before giving up on a correctly classified (cold/warm) one; SeBS retries forever.</summary>
    public int MaxAttempts { get; set; } = 10;

    public static InvocationOverheadSettings FromJson(JsonObject? json)
    {
        var s = new InvocationOverheadSettings();
        if (json is null) return s;
        var r = new SettingsReader(json, ExperimentNames.InvocationOverhead);
        s.Repetitions = r.Int(s.Repetitions, "repetitions");
        s.N = r.Int(s.N, "N", "n");
        s.Type = r.String(s.Type, "type")!;
        s.PayloadBegin = r.Long(s.PayloadBegin, "payload_begin", "payload-begin");
        s.PayloadEnd = r.Long(s.PayloadEnd, "payload_end", "payload-end");
        s.PayloadPoints = r.Int(s.PayloadPoints, "payload_points", "payload-points");
        // SeBS documents code_begin/... but its code reads code_package_begin/...: both are accepted.
        s.CodeBegin = r.Long(s.CodeBegin, "code_package_begin", "code_begin", "code-package-begin", "code-begin");
        s.CodeEnd = r.Long(s.CodeEnd, "code_package_end", "code_end", "code-package-end", "code-end");
        s.CodePoints = r.Int(s.CodePoints, "code_package_points", "code_points", "code-package-points", "code-points");
        s.MaxAttempts = r.Int(s.MaxAttempts, "max-attempts", "max_attempts");
        s.ReadServer(r);
        if (s.Type is not ("payload" or "code"))
            throw new SebsException(SebsErrorIds.InvalidConfig, SebsErrorKind.InvalidData,
                $"experiments.invocation-overhead.type must be 'payload' or 'code', not '{s.Type}'.", target: ExperimentNames.InvocationOverhead);
        return s;
    }

    /// <summary>numpy.linspace(begin, end, points) as integers (truncated, as SeBS's int() does).</summary>
    public static long[] Linspace(long begin, long end, int points)
    {
        if (points <= 0) return Array.Empty<long>();
        if (points == 1) return new[] { begin };
        var step = (end - begin) / (double)(points - 1);
        return Enumerable.Range(0, points).Select(i => i == points - 1 ? end : (long)(begin + i * step)).ToArray();
    }

    public JsonObject ToJson() => new()
    {
        ["N"] = N, ["code_package_begin"] = CodeBegin, ["code_package_end"] = CodeEnd, ["code_package_points"] = CodePoints,
        ["payload_begin"] = PayloadBegin, ["payload_end"] = PayloadEnd, ["payload_points"] = PayloadPoints,
        ["repetitions"] = Repetitions, ["server-port"] = ServerPort, ["type"] = Type,
    };
}

/// <summary>eviction-model settings (SeBS §9.4).</summary>
public sealed class EvictionModelSettings : ServerSettings
{
    public int Invocations { get; set; } = 1;
    public int FunctionCopyIndex { get; set; }
    public int Repetitions { get; set; } = 5;
    /// <summary>SeBS only puts it in the result file name.</summary>
    public int Sleep { get; set; } = 1;
    /// <summary>Seconds between the two invocations (SeBS's class constant times = [1]).</summary>
    public int[] Times { get; set; } = { 1 };
    /// <summary>Function copies per time (SeBS: 1).</summary>
    public int CopiesPerTime { get; set; } = 1;

    public EvictionModelSettings() => ServerPort = 12000;

    public static EvictionModelSettings FromJson(JsonObject? json)
    {
        var s = new EvictionModelSettings();
        if (json is null) return s;
        var r = new SettingsReader(json, ExperimentNames.EvictionModel);
        s.Invocations = r.Int(s.Invocations, "invocations");
        s.FunctionCopyIndex = r.Int(s.FunctionCopyIndex, "function_copy_idx", "function-copy-idx");
        s.Repetitions = r.Int(s.Repetitions, "repetitions");
        s.Sleep = r.Int(s.Sleep, "sleep");
        s.Times = r.IntArray(s.Times, "times");
        s.CopiesPerTime = r.Int(s.CopiesPerTime, "function_copies_per_time", "copies-per-time");
        // SeBS's code requires "client-port" though its example config lacks it; ReadServer accepts it, default 12000.
        s.ReadServer(r);
        return s;
    }

    public JsonObject ToJson() => new()
    {
        ["client-port"] = ServerPort, ["function_copy_idx"] = FunctionCopyIndex, ["invocations"] = Invocations,
        ["repetitions"] = Repetitions, ["sleep"] = Sleep, ["times"] = new JsonArray(Times.Select(t => (JsonNode)t).ToArray()),
    };
}
