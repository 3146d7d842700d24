using System.Text.Json.Nodes;
using Sebs.Core.Benchmarks;
using Sebs.Core.Caching;
using Sebs.Core.Diagnostics;
using Sebs.Core.Platforms;

namespace Sebs.Core.Packaging;

/// <summary>What a build needs to know about the target beyond the benchmark.</summary>
public sealed record PackageRequest(Benchmark Benchmark, PlatformName Platform, string Language, string LanguageVersion,
    string Architecture = "x64", bool ForceRebuild = false)
{
    /// <summary>How the platform lays out its packages (its wrappers, root files, generated files).</summary>
    public required IPackageLayout Layout { get; init; }
}

/// <summary>
/// Builds code packages as SeBS lays them out: the platform handler and dependency manifest at the root, the
/// benchmark code with the storage/nosql shims in <c>function/</c>; installs dependencies; reuses the cached
/// package while the hash of its inputs is unchanged.
/// </summary>
public sealed class CodePackageBuilder
{
    private readonly SebsCache _cache;
    private readonly ISebsLog _log;

    public CodePackageBuilder(SebsCache cache, ISebsLog? log = null)
    {
        _cache = cache;
        _log = log ?? NullSebsLog.Instance;
    }

    /// <param name="installerDescription">Where dependencies are installed (host, a run image): a package built for one does not serve the other.</param>
    public string ComputeHash(PackageRequest request, string installerDescription = "")
    {
        var b = request.Benchmark;
        var langDir = b.LanguagePath(request.Language);
        return PackageHasher.Hash(
            new[] { (langDir, "code"), (request.Layout.WrapperDirectory(request.Language), "wrapper") },
            new[] { Path.Combine(b.Path, "init.sh"), Path.Combine(b.Path, "input.json"), Path.Combine(b.Path, "input.py"), Path.Combine(b.Path, "config.json") },
            new[] { request.Platform.ToSebsName(), request.Language, request.LanguageVersion, request.Architecture, installerDescription });
    }

    public async Task<CodePackage> BuildAsync(PackageRequest request, IDependencyInstaller installer, CancellationToken cancellationToken = default)
    {
        var b = request.Benchmark;
        var language = LanguageRuntimes.NormalizeLanguage(request.Language);
        if (!b.SupportsLanguage(language))
            throw new SebsException(SebsErrorIds.UnknownLanguage, SebsErrorKind.InvalidArgument,
                $"Benchmark {b.Name} has no {language} code. Valid languages: {string.Join(", ", b.Languages)}.", target: b.Name);
        var langDir = b.LanguagePath(language);
        if (!Directory.Exists(langDir))
            throw new SebsException(SebsErrorIds.PackageBuildFailed, SebsErrorKind.ObjectNotFound,
                $"Benchmark {b.Name} declares {language} but its folder '{langDir}' is missing.", target: b.Name);

        var key = new CodePackageKey(b.Name, request.Platform, language, request.LanguageVersion, request.Architecture);
        var hash = ComputeHash(request with { Language = language }, installer.Description);
        var cached = _cache.GetCodePackage(key);
        if (cached is not null && cached.Hash == hash && !request.ForceRebuild)
        {
            _log.Verbose($"Reusing cached code package {cached.Location} (hash {hash}).");
            return NewPackage(cached.Location, cached.SizeBytes, rebuilt: false, cached.Modified);
        }
        _log.Verbose(cached is null ? $"Building code package for {b.Name} ({language} {request.LanguageVersion})."
            : request.ForceRebuild ? "Rebuilding code package (forced)." : $"Sources changed ({cached.Hash} -> {hash}); rebuilding.");

        var final = _cache.CodePackageDirectory(key);
        var staging = final + ".build-" + Guid.NewGuid().ToString("N")[..8];
        try
        {
            Directory.CreateDirectory(staging);
            await LayOutAsync(request with { Language = language }, staging, cancellationToken).ConfigureAwait(false);
            await installer.InstallAsync(staging, language, request.LanguageVersion, cancellationToken).ConfigureAwait(false);
            var size = DirectorySize(staging);
            // Swap the new package in; the old one goes away (a running process keeps its open files on Linux). Another
            // process that built the same package meanwhile keeps its own in place (see InstallCodePackage).
            var installed = _cache.InstallCodePackage(key, staging, hash, size, replaceSameHash: request.ForceRebuild);
            if (Directory.Exists(staging))
            {
                _log.Verbose($"Another process built the same package meanwhile; using it: {installed.Location}.");
                return NewPackage(installed.Location, installed.SizeBytes, rebuilt: false, installed.Modified);
            }
            _log.Verbose($"Code package ready: {final} ({size / 1024.0:0.#} KiB).");
            return NewPackage(final, size, rebuilt: true, installed.Modified);
        }
        finally
        {
            if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
        }

        CodePackage NewPackage(string path, long size, bool rebuilt, DateTime modified) => new()
        {
            Benchmark = b.Name, Platform = request.Platform, Language = language, LanguageVersion = request.LanguageVersion,
            Architecture = request.Architecture, Hash = hash, Path = path, SizeBytes = size, Rebuilt = rebuilt, Modified = modified,
        };
    }

    private async Task LayOutAsync(PackageRequest request, string packageDir, CancellationToken ct)
    {
        var b = request.Benchmark;
        var functionDir = Path.Combine(packageDir, "function");
        CopyDirectory(b.LanguagePath(request.Language), functionDir);

        // The version-specific manifest wins (requirements.txt.3.11, package.json.18), then moves to the root.
        var manifest = LanguageRuntimes.Manifest(request.Language);
        var versioned = Path.Combine(functionDir, manifest + "." + request.LanguageVersion);
        if (File.Exists(versioned)) File.Copy(versioned, Path.Combine(functionDir, manifest), overwrite: true);
        // Filtered by hand: the pattern "package.json.*" would also match "package.json" itself.
        foreach (var extra in Directory.EnumerateFiles(functionDir).Where(f => Path.GetFileName(f).StartsWith(manifest + ".", StringComparison.Ordinal)))
            File.Delete(extra);
        var rootManifest = Path.Combine(packageDir, manifest);
        if (File.Exists(Path.Combine(functionDir, manifest))) File.Move(Path.Combine(functionDir, manifest), rootManifest);
        else File.WriteAllText(rootManifest, request.Language == "nodejs" ? new JsonObject { ["name"] = "sebs-" + b.Name, ["version"] = "1.0.0", ["dependencies"] = new JsonObject() }.ToJsonString() : "");

        var wrappers = request.Layout.WrapperDirectory(request.Language);
        if (!Directory.Exists(wrappers))
            throw new SebsException(SebsErrorIds.PackageBuildFailed, SebsErrorKind.ObjectNotFound,
                $"No {request.Language} wrapper for {request.Platform} at '{wrappers}'.");
        foreach (var file in Directory.EnumerateFiles(wrappers))
        {
            var name = Path.GetFileName(file);
            if (name.EndsWith(".md", StringComparison.OrdinalIgnoreCase)) continue;
            var dest = request.Layout.IsRootFile(name) ? Path.Combine(packageDir, name) : Path.Combine(functionDir, name);
            // Benchmark files win over wrapper files of the same name, as in SeBS.
            if (!File.Exists(dest)) File.Copy(file, dest);
        }

        // init.sh (benchmark level, then language level) may add resources; it runs with the function dir as target.
        foreach (var init in new[] { Path.Combine(b.Path, "init.sh"), Path.Combine(b.LanguagePath(request.Language), "init.sh") })
        {
            if (!File.Exists(init)) continue;
            var result = await ProcessRunner.RunAsync("bash", new[] { init, functionDir, "false", request.Architecture }, Path.GetDirectoryName(init), cancellationToken: ct).ConfigureAwait(false);
            if (result.ExitCode != 0)
                throw new SebsException(SebsErrorIds.PackageBuildFailed, SebsErrorKind.InvalidOperation,
                    $"{init} failed with exit code {result.ExitCode}:\n{result.Tail()}", target: b.Name);
        }
        var copiedInit = Path.Combine(functionDir, "init.sh");
        if (File.Exists(copiedInit)) File.Delete(copiedInit);
        await request.Layout.CompleteAsync(packageDir, b, request.Language, request.LanguageVersion, ct).ConfigureAwait(false);
    }

    /// <summary>Benchmark sources without installed dependencies or bytecode (the package installs its own).</summary>
    internal static void CopyDirectory(string source, string destination) =>
        CopyDirectory(source, destination, rel => !rel.Split(Path.DirectorySeparatorChar).Any(p => p is "node_modules" or "__pycache__" or ".python_packages"));

    /// <summary>Copies the folders and files whose path relative to <paramref name="source"/> passes <paramref name="include"/>.</summary>
    internal static void CopyDirectory(string source, string destination, Func<string, bool> include, CancellationToken ct = default)
    {
        Directory.CreateDirectory(destination);
        foreach (var dir in Directory.EnumerateDirectories(source, "*", SearchOption.AllDirectories))
        {
            var rel = Path.GetRelativePath(source, dir);
            if (include(rel)) Directory.CreateDirectory(Path.Combine(destination, rel));
        }
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            ct.ThrowIfCancellationRequested();
            var rel = Path.GetRelativePath(source, file);
            if (include(rel)) File.Copy(file, Path.Combine(destination, rel), overwrite: true);
        }
    }

    internal static long DirectorySize(string dir) =>
        Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);
}
