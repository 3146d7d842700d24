using System.Management.Automation;
using Sebs.Cmdlets.Infrastructure;
using Sebs.Core.Benchmarks;

namespace Sebs.Cmdlets.Commands;

[Cmdlet(VerbsCommon.Get, "SebsBenchmark")]
[OutputType(typeof(Benchmark))]
public sealed class GetSebsBenchmarkCommand : SebsCmdlet
{
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(BenchmarkNameCompleter))]
    public string[]? Name { get; set; }

    /// <summary>Only benchmarks that have code in this language.</summary>
    [Parameter]
    [ValidateSet("python", "nodejs", IgnoreCase = true)]
    public string? Language { get; set; }

    /// <summary>Extra folders with benchmarks (ours or in SeBS's own format).</summary>
    [Parameter]
    public string[]? Path { get; set; }

    private BenchmarkCatalog? _catalog;

    protected override void BeginProcessing()
    {
        var extra = Path?.Select(p => GetUnresolvedProviderPathFromPSPath(p)).ToArray() ?? Array.Empty<string>();
        try { _catalog = CatalogLocator.Load(extra, "-Path"); }
        catch (Core.SebsException ex) { ThrowSebsError(ex); }
        foreach (var error in _catalog.Errors)
        {
            WriteError(new ErrorRecord(
                new InvalidDataException($"Benchmark '{error.Name}' skipped: {error.ConfigPath}: {error.Reason}"),
                Core.SebsErrorIds.InvalidBenchmarkConfig, ErrorCategory.InvalidData, error.ConfigPath));
        }
    }

    protected override void ProcessRecord()
    {
        var patterns = (Name is { Length: > 0 } ? Name : new[] { "*" })
            .Select(n => new WildcardPattern(n, WildcardOptions.IgnoreCase)).ToArray();
        foreach (var benchmark in _catalog!.Benchmarks)
        {
            if (!patterns.Any(p => p.IsMatch(benchmark.Name))) continue;
            if (Language is not null && !benchmark.SupportsLanguage(Language)) continue;
            foreach (var shadow in _catalog.Shadows.Where(s => s.Name == benchmark.Name)) WriteWarning(CatalogLocator.ShadowWarning(shadow));
            WriteObject(benchmark);
        }
        foreach (var n in Name ?? Array.Empty<string>())
        {
            if (WildcardPattern.ContainsWildcardCharacters(n)) continue;
            if (_catalog.Benchmarks.Any(b => string.Equals(b.Name, n, StringComparison.OrdinalIgnoreCase))) continue;
            if (_catalog.Errors.Any(e => string.Equals(e.Name, n, StringComparison.OrdinalIgnoreCase))) continue;
            try { _catalog.Get(n); }
            catch (Core.SebsException ex) { WriteSebsError(ex, n); }
        }
    }
}
