using System.Collections.ObjectModel;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using Sebs.Core.Benchmarks;
using Xunit;

namespace Sebs.Tests.Cmdlets;

/// <summary>
/// The built module (out/Sebs, laid out by ./build.sh) hosted in-process: what a C# host or a job runner sees.
/// One runspace per test; a binary module cannot be unloaded, but each runspace imports it on its own.
/// </summary>
public sealed class HostedModuleTests : IDisposable
{
    private readonly Runspace _runspace;

    public HostedModuleTests()
    {
        var manifest = Path.Combine(TestPaths.RepoRoot, "out", "Sebs", "Sebs.psd1");
        if (!File.Exists(manifest))
            throw new InvalidOperationException(
                $"The built module is missing: {manifest} does not exist. Run ./build.sh first " +
                "(./build.sh test builds and lays out out/Sebs before running these tests).");
        ModuleRoot = Path.GetDirectoryName(manifest)!;

        _runspace = RunspaceFactory.CreateRunspace(InitialSessionState.CreateDefault2());
        _runspace.Open();
        var imported = Run(ps => ps.AddCommand("Import-Module").AddParameter("Name", manifest).AddParameter("PassThru"));
        Assert.Contains(imported, m => m.BaseObject is PSModuleInfo { Name: "Sebs" });
    }

    private string ModuleRoot { get; }

    public void Dispose() => _runspace.Dispose();

    /// <summary>Runs one pipeline and fails the test on any error record it writes.</summary>
    private Collection<PSObject> Run(Action<PowerShell> build)
    {
        var (output, errors) = RunCollectingErrors(build);
        Assert.True(errors.Count == 0, "unexpected errors: " + string.Join("; ", errors.Select(e => e.ToString())));
        return output;
    }

    private (Collection<PSObject> Output, IReadOnlyList<ErrorRecord> Errors) RunCollectingErrors(Action<PowerShell> build)
    {
        using var ps = PowerShell.Create(_runspace);
        build(ps);
        var output = ps.Invoke();
        return (output, ps.Streams.Error.ToList());
    }

    [Fact]
    public void Get_SebsBenchmark_returns_the_Benchmark_from_the_modules_own_suite()
    {
        var output = Run(ps => ps.AddCommand("Get-SebsBenchmark").AddArgument("010.sleep"));

        var benchmark = Assert.IsType<Benchmark>(Assert.Single(output).BaseObject);
        Assert.Equal("010.sleep", benchmark.Name);
        Assert.Equal("000.microbenchmarks", benchmark.Group);
        Assert.Equal(120, benchmark.TimeoutSeconds);
        Assert.Equal(128, benchmark.MemoryMB);
        Assert.Equal(new[] { "python", "nodejs" }, benchmark.Languages);
        Assert.Empty(benchmark.Modules);
        Assert.True(benchmark.SupportsLanguage("NodeJS"));
        // The catalog is the one laid out beside the module, not the repository's source folder.
        var expected = Path.Combine(ModuleRoot, "benchmarks", "000.microbenchmarks", "010.sleep");
        Assert.Equal(Path.GetFullPath(expected), Path.GetFullPath(benchmark.Path));
        Assert.True(Directory.Exists(benchmark.LanguagePath("python")));
    }

    [Fact]
    public void Names_bind_from_the_pipeline_by_property_and_wildcards_filter()
    {
        var output = Run(ps => ps.AddScript(
            "[pscustomobject]@{ Name = '110.dynamic-html' }, [pscustomobject]@{ Name = '01*' } | Get-SebsBenchmark"));

        var names = output.Select(o => Assert.IsType<Benchmark>(o.BaseObject).Name).ToArray();
        Assert.Equal(new[] { "110.dynamic-html", "010.sleep" }, names);
    }

    [Fact]
    public void An_unknown_name_is_a_non_terminating_error_with_a_stable_id()
    {
        var (output, errors) = RunCollectingErrors(ps =>
            ps.AddCommand("Get-SebsBenchmark").AddArgument(new[] { "999.nope", "010.sleep" }));

        Assert.Equal("010.sleep", Assert.IsType<Benchmark>(Assert.Single(output).BaseObject).Name);
        var error = Assert.Single(errors);
        Assert.StartsWith("Sebs.UnknownBenchmark", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.ObjectNotFound, error.CategoryInfo.Category);
        Assert.Equal("999.nope", error.TargetObject);
        Assert.Contains("110.dynamic-html", error.Exception.Message);
    }

    [Fact]
    public void Help_comes_from_the_generated_MAML_with_the_markdown_synopsis()
    {
        var markdown = File.ReadAllLines(Path.Combine(TestPaths.RepoRoot, "docs", "en-US", "Get-SebsBenchmark.md"));
        var synopsis = markdown.SkipWhile(l => l.Trim() != "## SYNOPSIS").Skip(1).First(l => l.Trim().Length > 0).Trim();

        var help = Assert.Single(Run(ps => ps.AddCommand("Get-Help").AddArgument("Get-SebsBenchmark")));

        Assert.Equal(synopsis, help.Properties["Synopsis"].Value?.ToString()?.Trim());
        Assert.Contains("MamlCommandHelpInfo", help.TypeNames);
    }
}
