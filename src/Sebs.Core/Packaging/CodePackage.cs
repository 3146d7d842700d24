using Sebs.Core.Platforms;

namespace Sebs.Core.Packaging;

/// <summary>A built code package: the deployable folder (or archive) of one benchmark for one platform and runtime.</summary>
public sealed class CodePackage
{
    public required string Benchmark { get; init; }
    public required PlatformName Platform { get; init; }
    public required string Language { get; init; }
    public required string LanguageVersion { get; init; }
    public string Architecture { get; init; } = "x64";
    /// <summary>MD5 over every input of the package (see <see cref="PackageHasher"/>).</summary>
    public required string Hash { get; init; }
    /// <summary>The package folder in the cache.</summary>
    public required string Path { get; init; }
    public long SizeBytes { get; init; }
    /// <summary>True when this call built it; false when the cached package was reused.</summary>
    public bool Rebuilt { get; init; }
    public DateTime Modified { get; init; }

    public override string ToString() => $"{Benchmark} {Platform} {Language}-{LanguageVersion} {Hash[..8]}";
}

/// <summary>Installs a package's dependencies (pip / npm) into the package folder.</summary>
public interface IDependencyInstaller
{
    /// <summary>A short description for logs ("host", "docker image sebs/run.local.python:3.11").</summary>
    string Description { get; }
    Task InstallAsync(string packageDir, string language, string languageVersion, CancellationToken cancellationToken);
}
