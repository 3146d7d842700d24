using System.Text.Json;
using System.Text.RegularExpressions;

namespace Sebs.Core.Benchmarks;

/// <summary>A benchmark of the same name as one found earlier, so not used: <see cref="Used"/> is the folder that is.</summary>
public sealed record BenchmarkShadow(string Name, string Used, string Shadowed);

/// <summary>A benchmark folder that could not be read; the rest of the catalog still loads.</summary>
public sealed record BenchmarkLoadError(string Name, string ConfigPath, string Reason);

/// <summary>
/// Finds benchmarks under one or more roots. A benchmark is a folder named <c>NNN.name</c> holding a
/// <c>config.json</c>, either directly under a root or one level down in a group folder (SeBS's layout).
/// </summary>
public sealed partial class BenchmarkCatalog
{
    [GeneratedRegex(@"^\d{3}\.[A-Za-z0-9_.-]+$")]
    private static partial Regex BenchmarkFolderName();

    private readonly List<Benchmark> _benchmarks = new();
    private readonly List<BenchmarkLoadError> _errors = new();
    private readonly List<BenchmarkShadow> _shadows = new();

    public IReadOnlyList<Benchmark> Benchmarks => _benchmarks;
    public IReadOnlyList<BenchmarkLoadError> Errors => _errors;
    /// <summary>Benchmarks of a later root that an earlier root's benchmark of the same name hides.</summary>
    public IReadOnlyList<BenchmarkShadow> Shadows => _shadows;

    public static BenchmarkCatalog Load(IEnumerable<string> roots)
    {
        var catalog = new BenchmarkCatalog();
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var root in roots)
        {
            if (!Directory.Exists(root)) continue;
            foreach (var dir in CandidateFolders(root))
            {
                var name = System.IO.Path.GetFileName(dir);
                // The first root wins; callers put the user's folders before the module's own suite.
                if (seen.TryGetValue(name, out var used))
                {
                    if (!string.Equals(System.IO.Path.GetFullPath(used), System.IO.Path.GetFullPath(dir), StringComparison.Ordinal))
                        catalog._shadows.Add(new BenchmarkShadow(name, used, dir));
                    continue;
                }
                seen[name] = dir;
                var configPath = System.IO.Path.Combine(dir, "config.json");
                try
                {
                    catalog._benchmarks.Add(ReadBenchmark(dir, configPath));
                }
                catch (Exception ex) when (ex is JsonException or SebsException or IOException or InvalidOperationException)
                {
                    catalog._errors.Add(new BenchmarkLoadError(name, configPath, ex.Message));
                }
            }
        }
        catalog._benchmarks.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        return catalog;
    }

    /// <summary>Looks a benchmark up by exact name; the error lists the valid names.</summary>
    public Benchmark Get(string name)
    {
        var match = _benchmarks.FirstOrDefault(b => string.Equals(b.Name, name, StringComparison.OrdinalIgnoreCase));
        if (match is not null) return match;
        var broken = _errors.FirstOrDefault(e => string.Equals(e.Name, name, StringComparison.OrdinalIgnoreCase));
        if (broken is not null)
            throw new SebsException(SebsErrorIds.InvalidBenchmarkConfig, SebsErrorKind.InvalidData,
                $"Benchmark '{broken.Name}' cannot be used: {broken.ConfigPath}: {broken.Reason}", target: name);
        throw new SebsException(SebsErrorIds.UnknownBenchmark, SebsErrorKind.ObjectNotFound,
            $"Unknown benchmark '{name}'. Valid benchmarks: {string.Join(", ", _benchmarks.Select(b => b.Name))}.", target: name);
    }

    private static IEnumerable<string> CandidateFolders(string root)
    {
        var rootName = System.IO.Path.GetFileName(System.IO.Path.TrimEndingDirectorySeparator(root));
        if (BenchmarkFolderName().IsMatch(rootName) && File.Exists(System.IO.Path.Combine(root, "config.json")))
        {
            yield return root;
            yield break;
        }
        foreach (var dir in Directory.EnumerateDirectories(root).OrderBy(d => d, StringComparer.Ordinal))
        {
            var name = System.IO.Path.GetFileName(dir);
            if (name == "wrappers") continue;
            if (BenchmarkFolderName().IsMatch(name) && File.Exists(System.IO.Path.Combine(dir, "config.json")))
            {
                yield return dir;
                continue;
            }
            foreach (var sub in Directory.EnumerateDirectories(dir).OrderBy(d => d, StringComparer.Ordinal))
            {
                if (BenchmarkFolderName().IsMatch(System.IO.Path.GetFileName(sub)) &&
                    File.Exists(System.IO.Path.Combine(sub, "config.json")))
                    yield return sub;
            }
        }
    }

    internal static Benchmark ReadBenchmark(string dir, string configPath)
    {
        using var doc = JsonDocument.Parse(TextFile.ReadUtf8(configPath, SebsErrorIds.InvalidBenchmarkConfig),
            new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        var root = doc.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
            throw new SebsException(SebsErrorIds.InvalidBenchmarkConfig, SebsErrorKind.InvalidData, "the top level must be a JSON object");

        int timeout = RequiredInt(root, "timeout");
        int memory = RequiredInt(root, "memory");
        if (!root.TryGetProperty("languages", out var langs) || langs.ValueKind != JsonValueKind.Array || langs.GetArrayLength() == 0)
            throw Invalid("'languages' must be a non-empty array");

        var specs = new List<BenchmarkLanguage>();
        foreach (var l in langs.EnumerateArray())
        {
            switch (l.ValueKind)
            {
                case JsonValueKind.String:
                    specs.Add(new BenchmarkLanguage(l.GetString()!, new[] { "default" }));
                    break;
                case JsonValueKind.Object when l.TryGetProperty("language", out var ln) && ln.ValueKind == JsonValueKind.String:
                    var variants = l.TryGetProperty("variants", out var v) && v.ValueKind == JsonValueKind.Array
                        ? v.EnumerateArray().Select(x => x.GetString() ?? "default").ToArray()
                        : new[] { "default" };
                    specs.Add(new BenchmarkLanguage(ln.GetString()!, variants));
                    break;
                default:
                    throw Invalid("each entry of 'languages' must be a string or {\"language\": ..., \"variants\": [...]}");
            }
        }

        var modules = root.TryGetProperty("modules", out var mods) && mods.ValueKind == JsonValueKind.Array
            ? mods.EnumerateArray().Select(m => m.GetString() ?? "").Where(m => m.Length > 0).ToArray()
            : Array.Empty<string>();
        // SeBS's benchmark modules: what the wrappers provide to benchmark code (a typo would deploy without it).
        foreach (var m in modules)
            if (m is not ("storage" or "nosql"))
                throw Invalid($"unknown module '{m}' in 'modules'; known modules: storage, nosql");

        var group = System.IO.Path.GetFileName(System.IO.Path.GetDirectoryName(dir) ?? "");
        var kind = File.Exists(System.IO.Path.Combine(dir, "input.json")) ? InputGeneratorKind.Declarative
            : File.Exists(System.IO.Path.Combine(dir, "input.py")) ? InputGeneratorKind.SebsInputPy
            : InputGeneratorKind.None;

        return new Benchmark
        {
            Name = System.IO.Path.GetFileName(dir),
            Group = Regex.IsMatch(group, @"^\d{3}\.") ? group : "",
            Path = dir,
            TimeoutSeconds = timeout,
            MemoryMB = memory,
            LanguageSpecs = specs,
            Modules = modules,
            InputGenerator = kind,
            Description = ReadDescription(dir),
        };

        int RequiredInt(JsonElement obj, string key)
        {
            if (!obj.TryGetProperty(key, out var el))
                throw Invalid($"missing required field '{key}'");
            if (el.ValueKind != JsonValueKind.Number || !el.TryGetInt32(out var value) || value <= 0)
                throw Invalid($"'{key}' must be a positive whole number");
            return value;
        }

        static SebsException Invalid(string reason) =>
            new(SebsErrorIds.InvalidBenchmarkConfig, SebsErrorKind.InvalidData, reason);
    }

    private static string ReadDescription(string dir)
    {
        var readme = System.IO.Path.Combine(dir, "README.md");
        if (!File.Exists(readme)) return "";
        // The first prose line of the README, skipping headings.
        return File.ReadLines(readme).Select(l => l.Trim()).FirstOrDefault(l => l.Length > 0 && !l.StartsWith('#')) ?? "";
    }
}
