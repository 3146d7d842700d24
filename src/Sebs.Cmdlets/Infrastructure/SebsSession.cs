using System.Collections.Concurrent;
using Sebs.Core.Caching;
using Sebs.Core.Configuration;
using Sebs.Core.Diagnostics;
using Sebs.Core.Packaging;
using Sebs.Core.Platforms;
using Sebs.Core.Running;

namespace Sebs.Cmdlets.Infrastructure;

/// <summary>
/// Platform instances live for the PowerShell session, so sandboxes, connections and memory statistics carry over
/// from one cmdlet call to the next (the second Invoke-SebsBenchmark reuses everything).
/// </summary>
internal static class SebsSession
{
    private static readonly ConcurrentDictionary<string, IPlatform> Platforms = new(StringComparer.Ordinal);

    public static SebsConfig LoadConfig(string? path) => path is null ? new SebsConfig() : SebsConfig.Load(path);

    public static SebsCache OpenCache(string? path, SebsConfig? config = null) =>
        new(path ?? config?.Raw["cache"]?.GetValue<string>() ?? SebsCache.DefaultRoot);

    /// <summary>The session's platform for this platform/cache/config/options combination.</summary>
    public static IPlatform Platform(PlatformName name, SebsConfig config, SebsCache cache, IReadOnlyDictionary<string, object?> options, ISebsLog log)
    {
        var key = string.Join("|", name, cache.Root, config.SourcePath ?? "", string.Join(",", options.OrderBy(o => o.Key).Select(o => $"{o.Key}={o.Value}")));
        // The log of the first caller would outlive its pipeline; platforms log through a forwarder that follows the current cmdlet.
        var platform = Platforms.GetOrAdd(key, _ =>
            PlatformLoader.Factory(name).Create(new PlatformContext(config, cache, CatalogLocator.ModuleRoot, CurrentLog.Instance, options)));
        CurrentLog.Target = log;
        return platform;
    }

    public static IEnumerable<IPlatform> All => Platforms.Values;

    public static BenchmarkRunner Runner(IPlatform platform, SebsCache cache, ISebsLog log) =>
        new(platform, cache, new CodePackageBuilder(cache, Path.Combine(CatalogLocator.SuiteRoot, "wrappers"), log), log);

    /// <summary>Forwards to whichever cmdlet is running now.</summary>
    private sealed class CurrentLog : ISebsLog
    {
        public static readonly CurrentLog Instance = new();
        public static volatile ISebsLog Target = NullSebsLog.Instance;
        public void Verbose(string message) => Target.Verbose(message);
        public void Warning(string message) => Target.Warning(message);
        public void Debug(string message) => Target.Debug(message);
    }
}
