using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Sebs.Core.Configuration;
using Sebs.Core.Platforms;

namespace Sebs.Core.Caching;

/// <summary>Identifies one built code package, keyed as SeBS keys it.</summary>
public sealed record CodePackageKey(string Benchmark, PlatformName Platform, string Language, string Version,
    string Architecture = "x64", string Variant = "default")
{
    /// <summary>The path below the cache root: <c>&lt;bench&gt;/&lt;platform&gt;/&lt;lang&gt;/code_package/&lt;variant&gt;/&lt;ver&gt;/&lt;arch&gt;</c>.</summary>
    public string RelativePath => Path.Combine(Benchmark, Platform.ToSebsName(), Language, "code_package", Variant, Version, Architecture);
}

/// <summary>A cached code package: where it is, and the hash of everything it was built from.</summary>
public sealed record CodePackageEntry(string Hash, string Location, long SizeBytes, DateTime Created, DateTime Modified);

/// <summary>One row of <c>Get-SebsCache</c>.</summary>
public sealed class CacheEntry
{
    public string Benchmark { get; init; } = "";
    public string Platform { get; init; } = "";
    public string Language { get; init; } = "";
    /// <summary><c>CodePackage</c>, <c>Function</c> or <c>Storage</c>.</summary>
    public string Kind { get; init; } = "";
    public string Name { get; init; } = "";
    public string? Hash { get; init; }
    public string? Location { get; init; }
    public long? SizeBytes { get; init; }
    public DateTime? Modified { get; init; }
    public string CachePath { get; init; } = "";
}

/// <summary>
/// The on-disk cache of code packages, functions and uploaded inputs, in SeBS's layout
/// (<c>&lt;root&gt;/&lt;benchmark&gt;/config.json</c> + artifacts). Every read-modify-write holds a cross-process lock
/// and every write is atomic, so pwsh sessions sharing a cache never corrupt it.
/// </summary>
public sealed class SebsCache
{
    private static readonly JsonSerializerOptions WriteOptions = new() { WriteIndented = true };
    private static readonly TimeSpan LockTimeout = TimeSpan.FromSeconds(60);

    public SebsCache(string root)
    {
        Root = Path.GetFullPath(root);
        try
        {
            Directory.CreateDirectory(Root);
            if (!OperatingSystem.IsWindows())
                File.SetUnixFileMode(Root, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new SebsException(ex is UnauthorizedAccessException ? SebsErrorIds.AccessDenied : SebsErrorIds.IOError, SebsErrorKind.WriteError,
                $"The cache folder '{Root}' cannot be created or used ({ex.Message}). Give another with -CachePath or $env:SEBS_CACHE.", ex, Root);
        }
    }

    public string Root { get; }

    /// <summary>Per-user default: <c>$SEBS_CACHE</c>, else <c>$XDG_CACHE_HOME/sebs</c>, else <c>~/.cache/sebs</c> (LocalAppData on Windows).</summary>
    public static string DefaultRoot
    {
        get
        {
            var env = Environment.GetEnvironmentVariable("SEBS_CACHE");
            if (!string.IsNullOrEmpty(env)) return env;
            if (OperatingSystem.IsWindows())
                return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "Sebs", "cache");
            var xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
            var baseDir = string.IsNullOrEmpty(xdg)
                ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache")
                : xdg;
            return Path.Combine(baseDir, "sebs");
        }
    }

    // ---- locking and atomic files -------------------------------------------------------------

    /// <summary>Runs <paramref name="action"/> holding the cache's cross-process lock.</summary>
    public T WithLock<T>(Func<T> action)
    {
        using var handle = AcquireLock();
        return action();
    }

    public void WithLock(Action action) => WithLock(() => { action(); return 0; });

    private FileStream AcquireLock()
    {
        var lockPath = Path.Combine(Root, ".lock");
        return Http.OperationPoller.Poll(() =>
        {
            // FileShare.None is an exclusive advisory lock across processes on Linux, macOS and Windows.
            try { return Http.PollStep<FileStream>.Finished(new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None)); }
            catch (IOException) { return Http.PollStep<FileStream>.Running("locked by another process"); }
        }, new Http.PollOptions(TimeSpan.FromMilliseconds(10), LockTimeout, $"The cache lock {lockPath}")
        {
            BackOff = true,
            MaxInterval = TimeSpan.FromMilliseconds(200),
            TimeoutErrorId = SebsErrorIds.CacheLocked,
            TimeoutMessage = $"The cache '{Root}' stayed locked by another process for {LockTimeout.TotalSeconds:0} s.",
        });
    }

    /// <summary>Writes a file so readers see the old or the new content, never a torn one.</summary>
    public static void WriteAtomic(string path, string content)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temp = path + "." + Environment.ProcessId + "." + Guid.NewGuid().ToString("N")[..8] + ".tmp";
        using (var fs = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
        {
            if (!OperatingSystem.IsWindows())
                File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            using var writer = new StreamWriter(fs);
            writer.Write(content);
            writer.Flush();
            fs.Flush(flushToDisk: true);
        }
        File.Move(temp, path, overwrite: true);
    }

    // ---- the per-benchmark index ----------------------------------------------------------------

    /// <summary>A benchmark name never reaches the file system unchecked: "../x" would read another folder's index.</summary>
    private string IndexPath(string benchmark) => Path.Combine(Root, SafeName.Check(benchmark, "Benchmark name"), "config.json");

    private JsonObject ReadIndexUnlocked(string benchmark)
    {
        var path = IndexPath(benchmark);
        if (!File.Exists(path)) return new JsonObject();
        return ReadOrQuarantine(path, $"benchmark {benchmark}");
    }

    /// <summary>Cache files found corrupt and moved aside since this cache was opened (cmdlets report them as Sebs.CacheCorrupt errors).</summary>
    public IReadOnlyCollection<SebsException> Quarantined => _quarantined.ToArray();
    private readonly System.Collections.Concurrent.ConcurrentQueue<SebsException> _quarantined = new();

    /// <summary>
    /// A cache file that is not a JSON object (truncated by a crash, edited by hand) is moved aside to
    /// <c>&lt;file&gt;.corrupt-&lt;time&gt;</c>, reported, and read as empty: that entry is rebuilt, the rest of the cache keeps working.
    /// </summary>
    private JsonObject ReadOrQuarantine(string path, string what)
    {
        string reason;
        try
        {
            if (JsonNode.Parse(File.ReadAllText(path)) is JsonObject ok) return ok;
            reason = "not a JSON object";
        }
        catch (JsonException ex) { reason = ex.Message; }
        catch (DecoderFallbackException ex) { reason = ex.Message; }
        var aside = $"{path}.corrupt-{DateTime.UtcNow:yyyyMMddHHmmssfff}";
        File.Move(path, aside, overwrite: true);
        var error = new SebsException(SebsErrorIds.CacheCorrupt, SebsErrorKind.InvalidData,
            $"The cache file '{path}' ({what}) was corrupt ({reason}); it was moved to '{aside}' and that entry starts empty. The rest of the cache is unaffected.",
            target: path);
        _quarantined.Enqueue(error);
        Diagnostics.OperationLog.Current.Warning(error.Message);
        return new JsonObject();
    }

    public JsonObject ReadIndex(string benchmark) => WithLock(() => ReadIndexUnlocked(benchmark));

    /// <summary>Read-modify-write of one benchmark's index under the lock.</summary>
    public T UpdateIndex<T>(string benchmark, Func<JsonObject, T> update) => WithLock(() =>
    {
        var index = ReadIndexUnlocked(benchmark);
        var before = index.ToJsonString(WriteOptions);
        var result = update(index);
        // An update that changed nothing is not written: every Invoke-SebsBenchmark records the function it reused,
        // and a synced rewrite of the same text cost it a millisecond before its first invocation (issue 15).
        var after = index.ToJsonString(WriteOptions);
        if (after != before) WriteAtomic(IndexPath(benchmark), after);
        return result;
    });

    private static JsonObject Child(JsonObject parent, params string[] path)
    {
        var node = parent;
        foreach (var key in path)
        {
            if (node[key] is not JsonObject next)
                node[key] = next = new JsonObject();
            node = next;
        }
        return node;
    }

    private static JsonObject? Find(JsonObject parent, params string[] path)
    {
        JsonObject? node = parent;
        foreach (var key in path)
            node = node?[key] as JsonObject;
        return node;
    }

    // ---- code packages ---------------------------------------------------------------------------

    private static string[] CodePath(CodePackageKey k) =>
        new[] { k.Platform.ToSebsName(), k.Language, "code_package", k.Variant, k.Version, k.Architecture };

    /// <summary>Where the artifact of a package lives: <c>&lt;root&gt;/&lt;key path&gt;/code</c>.</summary>
    public string CodePackageDirectory(CodePackageKey key) => Path.Combine(Root, key.RelativePath, "code");

    public CodePackageEntry? GetCodePackage(CodePackageKey key) => ReadCodePackage(Find(ReadIndex(key.Benchmark), CodePath(key)));

    public void SetCodePackage(CodePackageKey key, CodePackageEntry entry) => UpdateIndex(key.Benchmark, index =>
    {
        WriteCodePackage(Child(index, CodePath(key)), entry);
        return 0;
    });

    /// <summary>
    /// Puts a package built in <paramref name="staging"/> in place of the key's directory and records it, in one hold of
    /// the lock. When another process has put a package of the same hash there meanwhile, that one stays and the staging
    /// directory is left to the caller: sandboxes may already be starting in it, and replacing it would pull their
    /// working directory from under them. <paramref name="replaceSameHash"/> (a forced rebuild) replaces it anyway.
    /// Returns the entry now in place.
    /// </summary>
    public CodePackageEntry InstallCodePackage(CodePackageKey key, string staging, string hash, long sizeBytes, bool replaceSameHash) =>
        UpdateIndex(key.Benchmark, index =>
        {
            var node = Child(index, CodePath(key));
            var final = CodePackageDirectory(key);
            if (!replaceSameHash && ReadCodePackage(node) is { } current && current.Hash == hash && current.Location == final)
                return current;
            if (Directory.Exists(final)) Directory.Delete(final, recursive: true);
            Directory.Move(staging, final);
            var now = DateTime.Now;
            var entry = new CodePackageEntry(hash, final, sizeBytes, now, now);
            WriteCodePackage(node, entry);
            return entry;
        });

    private CodePackageEntry? ReadCodePackage(JsonObject? entry)
    {
        if (entry?["hash"] is null || entry["location"] is null) return null;
        var location = Path.Combine(Root, entry["location"]!.GetValue<string>());
        if (!Directory.Exists(location) && !File.Exists(location)) return null;
        return new CodePackageEntry(
            entry["hash"]!.GetValue<string>(), location,
            entry["size"]?.GetValue<long>() ?? 0,
            ParseDate(entry["date"]?["created"]), ParseDate(entry["date"]?["modified"]));
    }

    private void WriteCodePackage(JsonObject node, CodePackageEntry entry)
    {
        var created = node["date"]?["created"]?.GetValue<string>() ?? FormatDate(entry.Created);
        node["size"] = entry.SizeBytes;
        node["hash"] = entry.Hash;
        node["location"] = Path.GetRelativePath(Root, entry.Location);
        node["date"] = new JsonObject { ["created"] = created, ["modified"] = FormatDate(entry.Modified) };
    }

    // ---- functions -----------------------------------------------------------------------------

    public JsonObject? GetFunction(string benchmark, PlatformName platform, string language, string name) =>
        Find(ReadIndex(benchmark), platform.ToSebsName(), language, "functions", name)?.DeepClone() as JsonObject;

    public IReadOnlyList<JsonObject> GetFunctions(string benchmark, PlatformName platform)
    {
        var list = new List<JsonObject>();
        if (Find(ReadIndex(benchmark), platform.ToSebsName()) is not { } byLanguage) return list;
        foreach (var (_, lang) in byLanguage)
            if (lang?["functions"] is JsonObject fns)
                foreach (var (_, fn) in fns)
                    if (fn is JsonObject o) list.Add((JsonObject)o.DeepClone());
        return list;
    }

    public void SetFunction(string benchmark, PlatformName platform, string language, string name, JsonObject function) =>
        UpdateIndex(benchmark, index =>
        {
            Child(index, platform.ToSebsName(), language, "functions")[name] = SecretRedactor.Redact(function);
            return 0;
        });

    public bool RemoveFunction(string benchmark, PlatformName platform, string language, string name) =>
        UpdateIndex(benchmark, index => Find(index, platform.ToSebsName(), language, "functions")?.Remove(name) ?? false);

    // ---- storage -------------------------------------------------------------------------------

    /// <summary>SeBS's <c>storage.buckets</c> entry: which prefixes were uploaded, and whether input is complete.</summary>
    public JsonObject? GetStorage(string benchmark, PlatformName platform) =>
        Find(ReadIndex(benchmark), platform.ToSebsName(), "storage")?.DeepClone() as JsonObject;

    public void SetStorage(string benchmark, PlatformName platform, JsonObject storage) =>
        UpdateIndex(benchmark, index =>
        {
            Child(index, platform.ToSebsName())["storage"] = storage.DeepClone();
            return 0;
        });

    // ---- platform resources --------------------------------------------------------------------

    private string PlatformPath(PlatformName platform) => Path.Combine(Root, platform.ToSebsName() + ".json");

    /// <summary>SeBS's <c>&lt;cache&gt;/&lt;platform&gt;.json</c>: resource ids, roles and the like a cloud platform reuses.</summary>
    public JsonObject GetPlatformResources(PlatformName platform) => WithLock(() => ReadPlatformResourcesUnlocked(platform));

    private JsonObject ReadPlatformResourcesUnlocked(PlatformName platform)
    {
        var path = PlatformPath(platform);
        if (!File.Exists(path)) return new JsonObject();
        return ReadOrQuarantine(path, $"resources of {platform}");
    }

    /// <summary>Reads, changes and writes the platform's resources under the cache lock; returns what the change returned.</summary>
    public T UpdatePlatformResources<T>(PlatformName platform, Func<JsonObject, T> update) => WithLock(() =>
    {
        var resources = ReadPlatformResourcesUnlocked(platform);
        var result = update(resources);
        WriteAtomic(PlatformPath(platform), resources.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        return result;
    });

    // ---- listing and clearing -----------------------------------------------------------------

    public IEnumerable<string> Benchmarks() =>
        Directory.Exists(Root)
            ? Directory.EnumerateDirectories(Root).Where(d => File.Exists(Path.Combine(d, "config.json"))).Select(Path.GetFileName).OfType<string>().OrderBy(n => n, StringComparer.Ordinal)
            : Enumerable.Empty<string>();

    public IEnumerable<CacheEntry> Entries()
    {
        foreach (var benchmark in Benchmarks().ToList())
        {
            var index = ReadIndex(benchmark);
            foreach (var (platform, platformNode) in index)
            {
                if (platformNode is not JsonObject byKey) continue;
                foreach (var (key, node) in byKey)
                {
                    if (key == "storage" && node is JsonObject storage)
                    {
                        yield return new CacheEntry
                        {
                            Benchmark = benchmark, Platform = platform, Kind = "Storage", Name = storage["bucket"]?.ToString() ?? "",
                            Location = string.Join(",", (storage["input"] as JsonArray ?? new JsonArray()).Select(x => x?.ToString())),
                            CachePath = IndexPath(benchmark),
                        };
                        continue;
                    }
                    if (node is not JsonObject lang) continue;
                    foreach (var entry in PackageEntries(benchmark, platform, key, lang)) yield return entry;
                    if (lang["functions"] is JsonObject fns)
                        foreach (var (name, fn) in fns)
                            yield return new CacheEntry
                            {
                                Benchmark = benchmark, Platform = platform, Language = key, Kind = "Function", Name = name,
                                Hash = fn?["hash"]?.ToString(), Location = fn?["url"]?.ToString(), CachePath = IndexPath(benchmark),
                            };
                }
            }
        }
    }

    private IEnumerable<CacheEntry> PackageEntries(string benchmark, string platform, string language, JsonObject lang)
    {
        if (lang["code_package"] is not JsonObject variants) yield break;
        foreach (var (variant, byVersion) in variants)
        {
            if (byVersion is not JsonObject versions) continue;
            foreach (var (version, byArch) in versions)
            {
                if (byArch is not JsonObject archs) continue;
                foreach (var (arch, e) in archs)
                {
                    if (e is not JsonObject entry) continue;
                    yield return new CacheEntry
                    {
                        Benchmark = benchmark, Platform = platform, Language = language, Kind = "CodePackage",
                        Name = $"{language}-{version}-{arch}" + (variant == "default" ? "" : "-" + variant),
                        Hash = entry["hash"]?.ToString(),
                        Location = entry["location"] is { } loc ? Path.Combine(Root, loc.ToString()) : null,
                        SizeBytes = entry["size"]?.GetValue<long>(),
                        Modified = ParseDate(entry["date"]?["modified"]),
                        CachePath = IndexPath(benchmark),
                    };
                }
            }
        }
    }

    /// <summary>Removes one benchmark's cache (index and artifacts), or everything when <paramref name="benchmark"/> is null.</summary>
    public void Clear(string? benchmark = null) => WithLock(() =>
    {
        var targets = benchmark is null ? Benchmarks().ToList() : new List<string> { benchmark };
        foreach (var b in targets)
        {
            var dir = Path.Combine(Root, b);
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    });

    private static string FormatDate(DateTime d) => d.ToString("yyyy-MM-dd HH:mm:ss.ffffff");

    private static DateTime ParseDate(JsonNode? node) =>
        node is not null && DateTime.TryParse(node.ToString(), out var d) ? d : default;
}
