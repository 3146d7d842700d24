using Sebs.Core.Benchmarks;

namespace Sebs.Cmdlets.Infrastructure;

/// <summary>
/// Where the module's own benchmark suite lives, plus user folders (and SEBS_BENCHMARKS_PATH). The user's folders come
/// first: a benchmark there with a built-in's name is the one that runs (users point -Path at their own SeBS checkout).
/// </summary>
internal static class CatalogLocator
{
    public static string ModuleRoot => Path.GetDirectoryName(typeof(CatalogLocator).Assembly.Location)!;

    public static string SuiteRoot => Path.Combine(ModuleRoot, "benchmarks");

    public static IEnumerable<string> Roots(IEnumerable<string>? extra)
    {
        foreach (var p in extra ?? Enumerable.Empty<string>()) yield return p;
        var env = Environment.GetEnvironmentVariable("SEBS_BENCHMARKS_PATH");
        if (!string.IsNullOrEmpty(env))
            foreach (var p in env.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)) yield return p;
        yield return SuiteRoot;
    }

    /// <summary>The catalog of the suite plus <paramref name="extra"/> folders, each of which must exist (a typo is said, not ignored).</summary>
    public static BenchmarkCatalog Load(IEnumerable<string>? extra = null, string parameter = "-BenchmarkPath")
    {
        var folders = extra?.ToList() ?? new List<string>();
        foreach (var folder in folders)
            if (!Directory.Exists(folder))
                throw new Sebs.Core.SebsException(Sebs.Core.SebsErrorIds.PathNotFound, Sebs.Core.SebsErrorKind.ObjectNotFound,
                    $"{parameter}: the folder '{folder}' does not exist.", target: folder);
        return BenchmarkCatalog.Load(Roots(folders));
    }

    /// <summary>The warning a shadowing benchmark gets, naming both folders.</summary>
    public static string ShadowWarning(BenchmarkShadow shadow) =>
        IsBuiltIn(shadow.Shadowed)
            ? $"Benchmark '{shadow.Name}' from {shadow.Used} shadows the built-in one ({shadow.Shadowed})."
            : $"Benchmark '{shadow.Name}' from {shadow.Used} is used; the one in {shadow.Shadowed} is shadowed.";

    private static bool IsBuiltIn(string path) =>
        Path.GetFullPath(path).StartsWith(Path.GetFullPath(SuiteRoot) + Path.DirectorySeparatorChar, StringComparison.Ordinal);
}
