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
    private static readonly ConcurrentDictionary<string, Lazy<IPlatform>> Platforms = new(StringComparer.Ordinal);

    /// <summary>The platform cmdlets use when neither -Platform nor the config's deployment.name names one (SeBS's default).</summary>
    public const string DefaultPlatform = "Local";

    public static SebsConfig LoadConfig(string? path) => path is null ? new SebsConfig() : SebsConfig.Load(path);

    public static SebsCache OpenCache(string? path, SebsConfig? config = null) =>
        new(path ?? config?.Raw["cache"]?.GetValue<string>() ?? SebsCache.DefaultRoot);

    /// <summary>
    /// The session's platform for this platform/cache/config/region/options combination. Its log follows the operation
    /// that calls it (<see cref="OperationLog"/>): <paramref name="log"/> becomes the current operation's log here.
    /// </summary>
    public static IPlatform Platform(PlatformName name, SebsConfig config, SebsCache cache, IReadOnlyDictionary<string, object?> options, ISebsLog log,
        string? region = null)
    {
        // The caller's flow logs to its own sink from here on (the scope ends with the caller's async operation).
        _ = OperationLog.Use(log);
        var key = string.Join("|", name.ToSebsName(), cache.Root, config.SourcePath ?? "", region ?? "",
            string.Join(",", options.OrderBy(o => o.Key, StringComparer.OrdinalIgnoreCase).Select(o => $"{o.Key.ToLowerInvariant()}={o.Value}")));
        var options2 = new Dictionary<string, object?>(options, StringComparer.OrdinalIgnoreCase);
        // A platform whose constructor failed (no credentials) is not kept: the next call tries again with what the user fixed.
        var lazy = Platforms.GetOrAdd(key, _ => new Lazy<IPlatform>(() => PlatformLoader.Factory(name)
            .Create(new PlatformContext(config, cache, CatalogLocator.ModuleRoot, OperationLog.Ambient, options2, region))));
        try { return lazy.Value; }
        catch
        {
            Platforms.TryRemove(new KeyValuePair<string, Lazy<IPlatform>>(key, lazy));
            throw;
        }
    }

    public static IEnumerable<IPlatform> All => Platforms.Values.Where(l => l.IsValueCreated).Select(l => l.Value);

    public static BenchmarkRunner Runner(IPlatform platform, SebsCache cache, ISebsLog log) =>
        new(platform, cache, new CodePackageBuilder(cache, log), log);
}
