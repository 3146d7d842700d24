using Sebs.Core.Benchmarks;

namespace Sebs.Cmdlets.Infrastructure;

/// <summary>Where the module's own benchmark suite lives, plus user folders (and SEBS_BENCHMARKS_PATH).</summary>
internal static class CatalogLocator
{
    public static string ModuleRoot => Path.GetDirectoryName(typeof(CatalogLocator).Assembly.Location)!;

    public static string SuiteRoot => Path.Combine(ModuleRoot, "benchmarks");

    public static IEnumerable<string> Roots(IEnumerable<string>? extra)
    {
        yield return SuiteRoot;
        foreach (var p in extra ?? Enumerable.Empty<string>()) yield return p;
        var env = Environment.GetEnvironmentVariable("SEBS_BENCHMARKS_PATH");
        if (!string.IsNullOrEmpty(env))
            foreach (var p in env.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)) yield return p;
    }

    public static BenchmarkCatalog Load(IEnumerable<string>? extra = null) => BenchmarkCatalog.Load(Roots(extra));
}
