using Sebs.Core.Platforms;

namespace Sebs.Cmdlets.Infrastructure;

/// <summary>
/// Session defaults set by Connect-SebsPlatform: the platform, region, config, cache and platform options later cmdlets
/// use when their own parameters do not say. Parameters always win; Disconnect-SebsPlatform clears it.
/// </summary>
public sealed class SebsContext
{
    /// <summary>The default platform's name (a string, as on results, so it prints and converts to JSON as a name).</summary>
    public string Platform { get; init; } = "";

    internal bool IsOn(PlatformName platform) => string.Equals(Platform, platform.Value, StringComparison.OrdinalIgnoreCase);
    /// <summary>The region used on <see cref="Platform"/> (the one given, else the config's, else the platform's default).</summary>
    public string Region { get; init; } = "";
    /// <summary>True when the region was given to Connect-SebsPlatform rather than taken from the config or the platform.</summary>
    public bool RegionGiven { get; init; }
    /// <summary>The config file (full path), or empty.</summary>
    public string ConfigPath { get; init; } = "";
    /// <summary>The cache folder (full path).</summary>
    public string CachePath { get; init; } = "";
    /// <summary>Platform options (Get-SebsPlatform lists them) used on <see cref="Platform"/>, e.g. Sandbox=Process on Local.</summary>
    public IReadOnlyDictionary<string, object?> PlatformOption { get; init; } = new Dictionary<string, object?>();
    /// <summary>When Connect-SebsPlatform set these defaults (UTC).</summary>
    public DateTime ConnectedAt { get; init; } = DateTime.UtcNow;

    public override string ToString() => $"{Platform} {Region}".Trim();
}
