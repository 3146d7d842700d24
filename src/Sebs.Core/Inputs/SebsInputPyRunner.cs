using System.Text.Json;
using System.Text.Json.Nodes;
using Sebs.Core.Benchmarks;
using Sebs.Core.Diagnostics;
using Sebs.Core.Packaging;

namespace Sebs.Core.Inputs;

/// <summary>
/// Runs a SeBS-format <c>input.py</c> unmodified with the host's python3: a small driver imports it, calls
/// <c>buckets_count()</c> when present and <c>generate_input(data_dir, size, benchmarks_bucket, input_paths,
/// output_paths, upload_func, nosql_func)</c>, with an <c>upload_func</c> that only records <c>(idx, key, filepath)</c>.
/// The driver prints <c>{"payload", "uploads", ...}</c> as JSON; the uploads then go through <see cref="Platforms.IObjectStorage"/>
/// here, skipping what is already there, as the declarative generator does.
/// </summary>
public static class SebsInputPyRunner
{
    /// <summary>The interpreter; SEBS_PYTHON overrides python3 from PATH.</summary>
    public static string Python => Environment.GetEnvironmentVariable("SEBS_PYTHON") is { Length: > 0 } p ? p : "python3";

    /// <summary>argv: benchmark dir, data dir ("" = none), size, benchmarks bucket, benchmark name.</summary>
    public const string DriverScript = """
import importlib.util, inspect, json, os, sys
bench_dir, data_dir, size, bucket, name = sys.argv[1:6]
real_stdout = sys.stdout
sys.stdout = sys.stderr  # prints of input.py must not mix with the JSON answer
sys.path.insert(0, bench_dir)
spec = importlib.util.spec_from_file_location("sebs_benchmark_input", os.path.join(bench_dir, "input.py"))
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
counts = module.buckets_count() if hasattr(module, "buckets_count") else (0, 0)
input_paths = ["%s-%d-input" % (name, i) for i in range(int(counts[0]))]
output_paths = ["%s-%d-output" % (name, i) for i in range(int(counts[1]))]
uploads, nosql = [], []
def upload_func(idx, key, filepath):
    uploads.append({"idx": int(idx), "key": str(key), "path": os.path.abspath(filepath)})
def nosql_func(benchmark, table, data, primary_key, secondary_key=None):
    nosql.append({"table": table, "primary_key": list(primary_key), "secondary_key": list(secondary_key) if secondary_key else None})
args = [data_dir or None, size, bucket, input_paths, output_paths, upload_func]
if len(inspect.signature(module.generate_input).parameters) >= 7:
    args.append(nosql_func)
payload = module.generate_input(*args)
tables = module.allocate_nosql() if hasattr(module, "allocate_nosql") else {}
answer = {"payload": payload, "uploads": uploads, "input_paths": input_paths, "output_paths": output_paths,
          "nosql": nosql, "tables": sorted(tables)}
real_stdout.write(json.dumps(answer, default=str))
real_stdout.flush()
""";

    /// <summary>What the driver reported, before any upload.</summary>
    public sealed record DriverAnswer(JsonObject Payload, IReadOnlyList<(int Index, string Key, string Path)> Uploads,
        string[] InputPaths, string[] OutputPaths, int NoSqlWrites, string[] Tables);

    public static async Task<JsonObject> GenerateAsync(Benchmark benchmark, string size, InputContext context, CancellationToken ct)
    {
        size = InputSizes.Normalize(size);
        var answer = await RunDriverAsync(benchmark, size, context.Storage.BenchmarksBucket, ResolveDataDir(benchmark, context.DataRoot), ct).ConfigureAwait(false);
        if (answer.NoSqlWrites > 0 || answer.Tables.Length > 0)
            throw new SebsException(SebsErrorIds.InputGenerationFailed, SebsErrorKind.InvalidOperation,
                $"input.py of {benchmark.Name} uses NoSQL tables ({string.Join(", ", answer.Tables)}), which SeBS-format input generation does not support yet.",
                target: benchmark.Name);
        if (answer.InputPaths.Length + answer.OutputPaths.Length > 0)
            await context.Storage.EnsureBucketAsync(context.Storage.BenchmarksBucket, ct).ConfigureAwait(false);
        await UploadAsync(benchmark, answer, context, ct).ConfigureAwait(false);
        return answer.Payload;
    }

    public static async Task<DriverAnswer> RunDriverAsync(Benchmark benchmark, string size, string bucket, string? dataDir, CancellationToken ct)
    {
        ProcessOutcome outcome;
        try
        {
            outcome = await ProcessRunner.RunAsync(Python,
                new[] { "-c", DriverScript, benchmark.Path, dataDir ?? "", size, bucket, benchmark.Name },
                benchmark.Path, new Dictionary<string, string> { ["PYTHONDONTWRITEBYTECODE"] = "1" }, ct).ConfigureAwait(false);
        }
        catch (SebsException ex) when (ex.Kind == SebsErrorKind.ResourceUnavailable)
        {
            throw new SebsException(SebsErrorIds.InputGenerationFailed, SebsErrorKind.ResourceUnavailable,
                $"{benchmark.Name} has a SeBS input.py, which needs a Python 3 interpreter: {ex.Message}", ex, benchmark.Name);
        }
        if (outcome.ExitCode != 0)
            throw new SebsException(SebsErrorIds.InputGenerationFailed, SebsErrorKind.InvalidOperation,
                $"input.py of {benchmark.Name} failed (exit code {outcome.ExitCode}):\n{TracebackTail(outcome.StandardError)}", target: benchmark.Name);
        JsonObject root;
        try
        {
            root = JsonNode.Parse(outcome.StandardOutput) as JsonObject ?? throw new JsonException("not an object");
        }
        catch (JsonException ex)
        {
            throw new SebsException(SebsErrorIds.InputGenerationFailed, SebsErrorKind.InvalidData,
                $"input.py of {benchmark.Name}: the driver's answer is not JSON ({ex.Message}).", ex, benchmark.Name);
        }
        if (root["payload"] is not JsonObject payload)
            throw new SebsException(SebsErrorIds.InputGenerationFailed, SebsErrorKind.InvalidData,
                $"generate_input of {benchmark.Name} returned {root["payload"]?.ToJsonString() ?? "None"}, not a dict.", target: benchmark.Name);
        var uploads = (root["uploads"] as JsonArray ?? new JsonArray()).OfType<JsonObject>()
            .Select(u => (u["idx"]!.GetValue<int>(), u["key"]!.GetValue<string>(), u["path"]!.GetValue<string>())).ToList();
        string[] Strings(string name) => (root[name] as JsonArray ?? new JsonArray()).Select(x => x!.GetValue<string>()).ToArray();
        return new DriverAnswer((JsonObject)payload.DeepClone(), uploads, Strings("input_paths"), Strings("output_paths"),
            (root["nosql"] as JsonArray)?.Count ?? 0, Strings("tables"));
    }

    /// <summary>The end of a Python traceback: from the last "Traceback" line, at most 20 lines.</summary>
    internal static string TracebackTail(string stderr)
    {
        var lines = stderr.Replace("\r", "").Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var start = Array.FindLastIndex(lines, l => l.StartsWith("Traceback", StringComparison.Ordinal));
        var tail = lines.Skip(start >= 0 ? start : 0).ToList();
        return string.Join("\n", tail.Skip(Math.Max(0, tail.Count - 20)));
    }

    private static async Task UploadAsync(Benchmark benchmark, DriverAnswer answer, InputContext context, CancellationToken ct)
    {
        if (answer.Uploads.Count == 0) return;
        var bucket = context.Storage.BenchmarksBucket;
        var cached = context.Cache.GetStorage(benchmark.Name, context.Platform);
        var sameBucket = cached?["bucket"]?.GetValue<string>() == bucket;
        var samePrefixes = cached?["input"] is JsonArray ci && ci.Select(x => x?.GetValue<string>()).SequenceEqual(answer.InputPaths);
        if (sameBucket && samePrefixes && cached?["input_uploaded"]?.GetValue<bool>() == true && !context.ReplaceExisting)
        {
            context.Log.Verbose($"Input of {benchmark.Name} is already uploaded to {bucket}.");
            return;
        }
        var existing = new Dictionary<int, HashSet<string>>();
        foreach (var (idx, key, path) in answer.Uploads)
        {
            if (idx < 0 || idx >= answer.InputPaths.Length)
                throw new SebsException(SebsErrorIds.InputGenerationFailed, SebsErrorKind.InvalidData,
                    $"input.py of {benchmark.Name} uploads '{key}' to input prefix {idx}, but buckets_count() declares {answer.InputPaths.Length}.", target: benchmark.Name);
            if (!File.Exists(path))
                throw new SebsException(SebsErrorIds.InputGenerationFailed, SebsErrorKind.ObjectNotFound,
                    $"input.py of {benchmark.Name} uploads '{path}', which does not exist.", target: benchmark.Name);
            var prefix = answer.InputPaths[idx];
            if (!existing.TryGetValue(idx, out var present))
                existing[idx] = present = context.ReplaceExisting ? new HashSet<string>()
                    : (await context.Storage.ListAsync(bucket, prefix + "/", ct).ConfigureAwait(false)).ToHashSet();
            var fullKey = prefix + "/" + key;
            if (present.Contains(fullKey)) continue;
            context.Log.Verbose($"Uploading {path} -> {bucket}/{fullKey}");
            await context.Storage.UploadAsync(bucket, fullKey, path, ct).ConfigureAwait(false);
        }
        context.Cache.SetStorage(benchmark.Name, context.Platform, new JsonObject
        {
            ["bucket"] = bucket,
            ["input"] = new JsonArray(answer.InputPaths.Select(p => (JsonNode)p).ToArray()),
            ["output"] = new JsonArray(answer.OutputPaths.Select(p => (JsonNode)p).ToArray()),
            ["input_uploaded"] = true,
        });
    }

    /// <summary>
    /// SeBS's data_dir: <c>&lt;data root&gt;/&lt;group&gt;/&lt;name&gt;</c>, or a folder named like the benchmark one level
    /// deeper in the data root, or the benchmark's own <c>data/</c>; null when there is none (input.py gets None).
    /// </summary>
    public static string? ResolveDataDir(Benchmark benchmark, string? dataRoot)
    {
        if (dataRoot is not null && Directory.Exists(dataRoot))
        {
            if (benchmark.Group.Length > 0 && Directory.Exists(Path.Combine(dataRoot, benchmark.Group, benchmark.Name)))
                return Path.Combine(dataRoot, benchmark.Group, benchmark.Name);
            if (Directory.Exists(Path.Combine(dataRoot, benchmark.Name))) return Path.Combine(dataRoot, benchmark.Name);
            foreach (var group in Directory.EnumerateDirectories(dataRoot))
                if (Directory.Exists(Path.Combine(group, benchmark.Name))) return Path.Combine(group, benchmark.Name);
        }
        var own = Path.Combine(benchmark.Path, "data");
        return Directory.Exists(own) ? own : null;
    }
}
