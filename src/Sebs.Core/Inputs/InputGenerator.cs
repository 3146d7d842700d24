using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Sebs.Core.Benchmarks;
using Sebs.Core.Caching;
using Sebs.Core.Diagnostics;
using Sebs.Core.Platforms;

namespace Sebs.Core.Inputs;

/// <summary>Where input generation runs: the storage to upload to, data folders and user settings.</summary>
public sealed record InputContext(IObjectStorage Storage, PlatformName Platform, SebsCache Cache, string? DataRoot,
    IReadOnlyDictionary<string, string> Settings, bool ReplaceExisting, ISebsLog Log, NoSql.INoSqlStorage? NoSql = null);

/// <summary>
/// Produces a benchmark's payload from its declarative <c>input.json</c>: bucket prefixes as SeBS names them
/// (<c>&lt;benchmark&gt;-&lt;i&gt;-input</c>), files uploaded once (remembered in the cache), and the payload for the size
/// with placeholders <c>{{bucket}}</c>, <c>{{input:N}}</c>, <c>{{output:N}}</c> and <c>{{setting:NAME}}</c> filled in.
/// A setting comes from the caller (-Setting) or else from the optional <c>"settings"</c> defaults of input.json.
/// <c>{{uuid}}</c> (and <c>{{uuid:NAME}}</c>) is a random hex uuid drawn once per generation (per NAME).
/// The optional <c>"nosql"</c> section declares tables (<c>{"tables": {name: {"primary_key", "secondary_key"}}}</c>,
/// SeBS's allocate_nosql) and <c>"items"</c> (<c>[{"table", "item"}]</c>, SeBS's nosql_func) written on every generation,
/// placeholders filled in.
/// </summary>
public static partial class InputGenerator
{
    [GeneratedRegex(@"\{\{\s*(bucket|uuid|uuid:[A-Za-z0-9_.-]+|input:\d+|output:\d+|setting:[A-Za-z0-9_.-]+)\s*\}\}")]
    private static partial Regex Placeholder();

    public static async Task<JsonObject> GenerateAsync(Benchmark benchmark, string size, InputContext context, CancellationToken ct)
    {
        size = InputSizes.Normalize(size);
        var specPath = Path.Combine(benchmark.Path, "input.json");
        if (benchmark.InputGenerator == InputGeneratorKind.SebsInputPy)
            return await SebsInputPyRunner.GenerateAsync(benchmark, size, context, ct).ConfigureAwait(false);
        if (benchmark.InputGenerator != InputGeneratorKind.Declarative)
            throw new SebsException(SebsErrorIds.InputGenerationFailed, SebsErrorKind.InvalidOperation,
                $"Benchmark {benchmark.Name} has no input generator; give the payload with -Payload.", target: benchmark.Name);
        JsonObject spec;
        try
        {
            spec = JsonNode.Parse(File.ReadAllText(specPath), documentOptions: new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip }) as JsonObject
                   ?? throw new JsonException("the top level must be an object");
        }
        catch (JsonException ex)
        {
            throw new SebsException(SebsErrorIds.InputGenerationFailed, SebsErrorKind.InvalidData,
                $"{specPath}: {ex.Message}", ex, benchmark.Name);
        }

        int inputs = spec["buckets"]?["input"]?.GetValue<int>() ?? 0;
        int outputs = spec["buckets"]?["output"]?.GetValue<int>() ?? 0;
        var inputPrefixes = Enumerable.Range(0, inputs).Select(i => $"{benchmark.Name}-{i}-input").ToArray();
        var outputPrefixes = Enumerable.Range(0, outputs).Select(i => $"{benchmark.Name}-{i}-output").ToArray();
        if (inputs + outputs > 0)
        {
            await context.Storage.EnsureBucketAsync(context.Storage.BenchmarksBucket, ct).ConfigureAwait(false);
            await UploadAsync(benchmark, spec, inputPrefixes, outputPrefixes, context, ct).ConfigureAwait(false);
        }

        var payload = spec["payload"] is JsonObject common ? (JsonObject)common.DeepClone() : new JsonObject();
        if (spec["sizes"]?[size] is JsonObject forSize)
            foreach (var (k, v) in forSize) payload[k] = v?.DeepClone();
        else if (spec["sizes"] is not null)
            throw new SebsException(SebsErrorIds.UnknownSize, SebsErrorKind.InvalidArgument,
                $"Benchmark {benchmark.Name} defines no input of size '{size}'.", target: benchmark.Name);

        var uuids = new Dictionary<string, string>(StringComparer.Ordinal);
        string Resolve(Match m)
        {
            var token = m.Groups[1].Value;
            if (token == "bucket") return context.Storage.BenchmarksBucket;
            if (token == "uuid" || token.StartsWith("uuid:", StringComparison.Ordinal))
                return uuids.TryGetValue(token, out var u) ? u : uuids[token] = Guid.NewGuid().ToString("N");
            var (kind, arg) = (token[..token.IndexOf(':')], token[(token.IndexOf(':') + 1)..]);
            return kind switch
            {
                "input" => Index(inputPrefixes, arg, "input"),
                "output" => Index(outputPrefixes, arg, "output"),
                _ => context.Settings.TryGetValue(arg, out var v) ? v
                    // input.json may declare documented defaults: "settings": {"NAME": "value"}.
                    : spec["settings"]?[arg] is JsonValue d && d.TryGetValue<string>(out var dv) ? dv
                    : throw new SebsException(SebsErrorIds.InputGenerationFailed, SebsErrorKind.InvalidArgument,
                        $"Benchmark {benchmark.Name} needs the setting '{arg}' (give it with -Setting @{{'{arg}' = ...}}).", target: benchmark.Name),
            };
        }
        string Index(string[] prefixes, string arg, string what) =>
            int.Parse(arg) < prefixes.Length ? prefixes[int.Parse(arg)]
                : throw new SebsException(SebsErrorIds.InputGenerationFailed, SebsErrorKind.InvalidData,
                    $"{specPath}: {{{{{what}:{arg}}}}} but only {prefixes.Length} {what} prefixes are declared.", target: benchmark.Name);

        if (spec["nosql"] is JsonObject nosql)
            await WriteNoSqlAsync(benchmark, nosql, n => Substitute(n, Resolve), context, ct).ConfigureAwait(false);
        return (JsonObject)Substitute(payload, Resolve)!;
    }

    /// <summary>
    /// The settings the input of <paramref name="size"/> uses (<c>{{setting:NAME}}</c>) and the value each would get: the
    /// caller's, else input.json's default (<c>IsDefault</c>), else null. Empty for a benchmark without a declarative input.
    /// </summary>
    public static IReadOnlyList<(string Name, string? Value, bool IsDefault)> UsedSettings(Benchmark benchmark, string size,
        IReadOnlyDictionary<string, string> given)
    {
        var specPath = Path.Combine(benchmark.Path, "input.json");
        if (benchmark.InputGenerator != InputGeneratorKind.Declarative || !File.Exists(specPath)) return Array.Empty<(string, string?, bool)>();
        JsonObject? spec;
        try { spec = JsonNode.Parse(File.ReadAllText(specPath), documentOptions: new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip }) as JsonObject; }
        catch (JsonException) { return Array.Empty<(string, string?, bool)>(); } // generation reports it
        var text = (spec?["payload"]?.ToJsonString() ?? "") + (spec?["sizes"]?[InputSizes.Normalize(size)]?.ToJsonString() ?? "");
        return Placeholder().Matches(text).Select(m => m.Groups[1].Value).Where(t => t.StartsWith("setting:", StringComparison.Ordinal))
            .Select(t => t["setting:".Length..]).Distinct(StringComparer.Ordinal)
            .Select(name => given.TryGetValue(name, out var v) ? (name, (string?)v, false)
                : spec?["settings"]?[name] is JsonValue d && d.TryGetValue<string>(out var dv) ? (name, dv, true)
                : (name, (string?)null, false))
            .ToList();
    }

    /// <summary>The NoSQL tables a declarative benchmark declares in input.json (<c>nosql.tables</c>); empty otherwise.</summary>
    public static IReadOnlyList<NoSql.NoSqlTable> DeclaredTables(Benchmark benchmark)
    {
        var specPath = Path.Combine(benchmark.Path, "input.json");
        if (benchmark.InputGenerator != InputGeneratorKind.Declarative || !File.Exists(specPath)) return Array.Empty<NoSql.NoSqlTable>();
        try
        {
            var spec = JsonNode.Parse(File.ReadAllText(specPath), documentOptions: new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
            return DeclaredTables(spec?["nosql"] as JsonObject);
        }
        catch (JsonException) { return Array.Empty<NoSql.NoSqlTable>(); }
    }

    private static IReadOnlyList<NoSql.NoSqlTable> DeclaredTables(JsonObject? nosql) =>
        nosql?["tables"] is JsonObject tables
            ? tables.Select(kv => new NoSql.NoSqlTable(kv.Key,
                kv.Value?["primary_key"]?.GetValue<string>() ?? throw new SebsException(SebsErrorIds.InputGenerationFailed, SebsErrorKind.InvalidData,
                    $"input.json: nosql.tables.{kv.Key} needs a primary_key."),
                kv.Value?["secondary_key"]?.GetValue<string>())).ToList()
            : Array.Empty<NoSql.NoSqlTable>();

    private static async Task WriteNoSqlAsync(Benchmark benchmark, JsonObject nosql, Func<JsonNode?, JsonNode?> substitute,
        InputContext context, CancellationToken ct)
    {
        var tables = DeclaredTables(nosql);
        if (tables.Count == 0) return;
        var store = context.NoSql as NoSql.NoSqlStorageBase ?? throw new SebsException(SebsErrorIds.InputGenerationFailed, SebsErrorKind.InvalidOperation,
            $"Benchmark {benchmark.Name} needs NoSQL tables, which the {context.Platform} platform does not provide.", target: benchmark.Name);
        var physical = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var t in tables)
        {
            physical[t.Name] = await store.CreateBenchmarkTableAsync(benchmark.Name, t, ct).ConfigureAwait(false);
            context.Log.Verbose($"NoSQL table {t.Name} of {benchmark.Name} is {physical[t.Name]} ({store.Type}).");
        }
        foreach (var entry in (nosql["items"] as JsonArray ?? new JsonArray()).OfType<JsonObject>())
        {
            var table = entry["table"]?.GetValue<string>() ?? "";
            if (!physical.TryGetValue(table, out var name))
                throw new SebsException(SebsErrorIds.InputGenerationFailed, SebsErrorKind.InvalidData,
                    $"input.json of {benchmark.Name}: an item names the undeclared table '{table}'.", target: benchmark.Name);
            var item = substitute(entry["item"]) as JsonObject ?? throw new SebsException(SebsErrorIds.InputGenerationFailed, SebsErrorKind.InvalidData,
                $"input.json of {benchmark.Name}: an item of table '{table}' has no \"item\" object.", target: benchmark.Name);
            await store.InsertAsync(name, item, ct).ConfigureAwait(false);
        }
    }

    private static JsonNode? Substitute(JsonNode? node, Func<Match, string> resolve) => node switch
    {
        JsonObject o => new JsonObject(o.Select(kv => new KeyValuePair<string, JsonNode?>(kv.Key, Substitute(kv.Value, resolve)))),
        JsonArray a => new JsonArray(a.Select(x => Substitute(x, resolve)).ToArray()),
        JsonValue v when v.TryGetValue<string>(out var s) => JsonValue.Create(Placeholder().Replace(s, m => resolve(m))),
        _ => node?.DeepClone(),
    };

    private static async Task UploadAsync(Benchmark benchmark, JsonObject spec, string[] inputPrefixes, string[] outputPrefixes,
        InputContext context, CancellationToken ct)
    {
        if (spec["uploads"] is not JsonArray uploads || uploads.Count == 0) return;
        var cached = context.Cache.GetStorage(benchmark.Name, context.Platform);
        var sameBucket = cached?["bucket"]?.GetValue<string>() == context.Storage.BenchmarksBucket;
        var samePrefixes = cached?["input"] is JsonArray ci && ci.Select(x => x?.GetValue<string>()).SequenceEqual(inputPrefixes);
        if (sameBucket && samePrefixes && cached?["input_uploaded"]?.GetValue<bool>() == true && !context.ReplaceExisting)
        {
            context.Log.Verbose($"Input of {benchmark.Name} is already uploaded to {context.Storage.BenchmarksBucket}.");
            return;
        }

        var dataDir = ResolveDataDir(benchmark, spec, context.DataRoot);
        foreach (var upload in uploads.OfType<JsonObject>())
        {
            var idx = upload["input"]?.GetValue<int>() ?? 0;
            var include = upload["include"]?.GetValue<string>() ?? "*";
            var recursive = upload["recursive"]?.GetValue<bool>() ?? false;
            var prefix = inputPrefixes[idx];
            var existing = context.ReplaceExisting ? new HashSet<string>()
                : (await context.Storage.ListAsync(context.Storage.BenchmarksBucket, prefix + "/", ct).ConfigureAwait(false)).ToHashSet();
            var files = Directory.EnumerateFiles(dataDir, include, recursive ? SearchOption.AllDirectories : SearchOption.TopDirectoryOnly)
                .OrderBy(f => f, StringComparer.Ordinal).ToList();
            if (files.Count == 0)
                throw new UnavailableHereException(SebsErrorIds.InputGenerationFailed, SebsErrorKind.ObjectNotFound, UnavailableReason.InputData,
                    $"No input files matching '{include}' in '{dataDir}' for {benchmark.Name}.", target: benchmark.Name);
            foreach (var file in files)
            {
                var key = prefix + "/" + Path.GetRelativePath(dataDir, file).Replace('\\', '/');
                if (existing.Contains(key)) continue;
                context.Log.Verbose($"Uploading {file} -> {context.Storage.BenchmarksBucket}/{key}");
                await context.Storage.UploadAsync(context.Storage.BenchmarksBucket, key, file, ct).ConfigureAwait(false);
            }
        }
        context.Cache.SetStorage(benchmark.Name, context.Platform, new JsonObject
        {
            ["bucket"] = context.Storage.BenchmarksBucket,
            ["input"] = new JsonArray(inputPrefixes.Select(p => (JsonNode)p).ToArray()),
            ["output"] = new JsonArray(outputPrefixes.Select(p => (JsonNode)p).ToArray()),
            ["input_uploaded"] = true,
        });
    }

    /// <summary>Benchmark data: the <c>data</c> folder of input.json under the data root (SEBS_BENCHMARK_DATA, -DataPath).</summary>
    private static string ResolveDataDir(Benchmark benchmark, JsonObject spec, string? dataRoot)
    {
        var rel = spec["data"]?.GetValue<string>() ?? Path.Combine(benchmark.Group, benchmark.Name);
        var candidates = new[] { dataRoot is null ? null : Path.Combine(dataRoot, rel), Path.Combine(benchmark.Path, "data") }
            .Where(p => p is not null && Directory.Exists(p)).ToList();
        return candidates.FirstOrDefault()
            ?? throw new UnavailableHereException(SebsErrorIds.InputGenerationFailed, SebsErrorKind.ObjectNotFound, UnavailableReason.InputData,
                $"Benchmark {benchmark.Name} needs input data '{rel}' but no data root has it. Give -DataPath or set SEBS_BENCHMARK_DATA " +
                "to a clone of the SeBS benchmark data (see benchmark-data/README.md).", target: benchmark.Name);
    }
}
