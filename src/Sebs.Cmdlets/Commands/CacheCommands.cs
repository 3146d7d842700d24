using System.Management.Automation;
using Sebs.Cmdlets.Infrastructure;
using Sebs.Core;
using Sebs.Core.Caching;

namespace Sebs.Cmdlets.Commands;

/// <summary>-CachePath and -ConfigPath, whose "cache" key names the folder when -CachePath is not given (as for the other cmdlets).</summary>
public abstract class SebsCacheCmdlet : SebsCmdlet
{
    /// <summary>The cache folder (default: the config's cache, else $env:SEBS_CACHE, else per user).</summary>
    [Parameter] public string? CachePath { get; set; }

    /// <summary>A SeBS-compatible config file.</summary>
    [Parameter]
    [Alias("Config")]
    public string? ConfigPath { get; set; }

    protected SebsCache OpenCache() => SebsSession.OpenCache(
        CachePath is null ? null : GetUnresolvedProviderPathFromPSPath(CachePath),
        ConfigPath is null ? null : SebsSession.LoadConfig(GetUnresolvedProviderPathFromPSPath(ConfigPath)));
}

[Cmdlet(VerbsCommon.Get, "SebsCache")]
[OutputType(typeof(CacheEntry))]
public sealed class GetSebsCacheCommand : SebsCacheCmdlet
{
    /// <summary>Only entries of these benchmarks (wildcards allowed).</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [Alias("Name")]
    public string[]? Benchmark { get; set; }

    /// <summary>Only entries of this kind.</summary>
    [Parameter]
    [ValidateSet("CodePackage", "Function", "Storage")]
    public string? Kind { get; set; }

    protected override void ProcessRecord()
    {
        try
        {
            var cache = OpenCache();
            var patterns = (Benchmark ?? new[] { "*" }).Select(b => new WildcardPattern(b, WildcardOptions.IgnoreCase)).ToArray();
            foreach (var entry in cache.Entries())
                if (patterns.Any(p => p.IsMatch(entry.Benchmark)) && (Kind is null || entry.Kind == Kind))
                    WriteObject(entry);
            foreach (var q in cache.Quarantined) WriteSebsError(q);
        }
        catch (SebsException ex) { ThrowSebsError(ex, CachePath ?? ConfigPath); }
    }
}

[Cmdlet(VerbsCommon.Clear, "SebsCache", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(CacheEntry))]
public sealed class ClearSebsCacheCommand : SebsCacheCmdlet
{
    /// <summary>Clear only these benchmarks (wildcards allowed); all when omitted.</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [Alias("Name")]
    public string[]? Benchmark { get; set; }

    /// <summary>Write the entries that were removed.</summary>
    [Parameter] public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        try
        {
            var cache = OpenCache();
            var patterns = (Benchmark ?? new[] { "*" }).Select(b => new WildcardPattern(b, WildcardOptions.IgnoreCase)).ToArray();
            foreach (var name in cache.Benchmarks().Where(b => patterns.Any(p => p.IsMatch(b))).ToList())
            {
                if (!ShouldProcess($"{name} in {cache.Root}", "Clear cached packages, functions and storage entries")) continue;
                var removed = PassThru ? cache.Entries().Where(e => e.Benchmark == name).ToList() : null;
                StopLocalFunctions(cache, name);
                cache.Clear(name);
                if (removed is not null) WriteObject(removed, enumerateCollection: true);
            }
        }
        catch (SebsException ex) { ThrowSebsError(ex, CachePath ?? ConfigPath); }
    }

    /// <summary>
    /// Sandboxes on this machine are stopped before their entries go: a cleared entry would leave them running with
    /// nothing pointing at them. Cloud functions stay, as in SeBS (Remove-SebsResource removes those).
    /// </summary>
    private void StopLocalFunctions(SebsCache cache, string benchmark)
    {
        var config = ConfigPath is null ? new Core.Configuration.SebsConfig() : SebsSession.LoadConfig(GetUnresolvedProviderPathFromPSPath(ConfigPath));
        foreach (var name in PlatformLoader.Registry.Names)
        {
            Core.Platforms.IPlatformFactory factory;
            try { factory = PlatformLoader.Factory(name.Value); }
            catch (SebsException) { continue; }
            if (!factory.Descriptor.FunctionsRunLocally) continue;
            var functions = cache.GetFunctions(benchmark, factory.Descriptor.Name);
            if (functions.Count == 0) continue;
            var options = factory.Descriptor.Options.Where(o => o.Default is not null).ToDictionary(o => o.Name, o => (object?)o.Default);
            RunAsync(async (queue, ct) =>
            {
                var platform = SebsSession.Platform(factory.Descriptor.Name, config, cache, options, queue);
                foreach (var json in functions)
                {
                    // An entry that cannot be read or stopped is still cleared: the clear is what was asked for.
                    try
                    {
                        var function = factory.RestoreFunction(json);
                        queue.Verbose($"Stopping {function.Name} before clearing its cache entry.");
                        await platform.DeleteFunctionAsync(function, ct).ConfigureAwait(false);
                    }
                    catch (Exception ex) when (ex is SebsException or InvalidOperationException or FormatException or IOException)
                    {
                        queue.Warning($"A {factory.Descriptor.Name} function of {benchmark} could not be stopped before clearing: {ex.Message}");
                    }
                }
            });
        }
    }
}
