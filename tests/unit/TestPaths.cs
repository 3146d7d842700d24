namespace Sebs.Tests;

/// <summary>Locations in the repository that tests read from.</summary>
internal static class TestPaths
{
    public static string RepoRoot { get; } = FindRepoRoot();

    public static string Benchmarks => Path.Combine(RepoRoot, "benchmarks");

    /// <summary>The public SeBS data set beside the checkout (../shared/benchmark-data), when present.</summary>
    public static string SharedBenchmarkData => Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared", "benchmark-data"));

    public static string NewTempDir()
    {
        var dir = Path.Combine(Path.GetTempPath(), "sebs-tests-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        return dir;
    }

    private static string FindRepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Sebs.PowerShell.sln")))
            dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Sebs.PowerShell.sln not found above the test binaries");
    }
}
