namespace Sebs.Core.Platforms;

/// <summary>A container image functions run in (local run images: <c>sebs/run.local.&lt;language&gt;:&lt;version&gt;</c>).</summary>
public sealed class RunImage
{
    public required string Name { get; init; }
    public required string Language { get; init; }
    public required string Version { get; init; }
    public string Id { get; init; } = "";
    public double SizeMB { get; init; }
    public DateTime Created { get; init; }
    /// <summary>True when this call built it; false when it existed and was kept.</summary>
    public bool Built { get; init; }
}

/// <summary>Platforms whose functions run in images the user builds (the local platform).</summary>
public interface IRunImageBuilder
{
    /// <param name="offline">Build from Debian packages (debootstrap + docker import) instead of registry base images.</param>
    Task<RunImage> BuildRunImageAsync(string language, string version, bool offline, bool force, CancellationToken cancellationToken);
}
