using Sebs.Core.Platforms;

namespace Sebs.Core.Packaging;

/// <summary>Languages and versions each platform runs (SeBS's systems.json matrix), and the defaults.</summary>
public static class LanguageRuntimes
{
    public static IReadOnlyList<string> Languages { get; } = new[] { "python", "nodejs" };

    private static readonly Dictionary<(PlatformName, string), string[]> Versions = new()
    {
        [(PlatformName.Local, "python")] = new[] { "3.11", "3.7", "3.8", "3.9", "3.10", "3.12" },
        [(PlatformName.Local, "nodejs")] = new[] { "18", "14", "16", "20", "22" },
        [(PlatformName.Aws, "python")] = new[] { "3.11", "3.9", "3.10", "3.12", "3.13" },
        [(PlatformName.Aws, "nodejs")] = new[] { "20", "22", "24" },
        [(PlatformName.Azure, "python")] = new[] { "3.11", "3.9", "3.10" },
        [(PlatformName.Azure, "nodejs")] = new[] { "20", "16", "18" },
        [(PlatformName.Gcp, "python")] = new[] { "3.11", "3.10", "3.12" },
        [(PlatformName.Gcp, "nodejs")] = new[] { "20", "22", "24" },
    };

    /// <summary>Supported versions; the first is the default.</summary>
    public static IReadOnlyList<string> SupportedVersions(PlatformName platform, string language) =>
        Versions.TryGetValue((platform, NormalizeLanguage(language)), out var v) ? v : Array.Empty<string>();

    public static string NormalizeLanguage(string language)
    {
        var match = Languages.FirstOrDefault(l => string.Equals(l, language, StringComparison.OrdinalIgnoreCase));
        return match ?? throw new SebsException(SebsErrorIds.UnknownLanguage, SebsErrorKind.InvalidArgument,
            $"Unknown language '{language}'. Valid languages: {string.Join(", ", Languages)}.");
    }

    /// <summary>Checks a version against the platform's list; null picks the default.</summary>
    public static string ResolveVersion(PlatformName platform, string language, string? version)
    {
        var supported = SupportedVersions(platform, language);
        if (supported.Count == 0)
            throw new SebsException(SebsErrorIds.UnknownLanguage, SebsErrorKind.InvalidArgument,
                $"{platform} does not run {language}.");
        if (string.IsNullOrEmpty(version)) return supported[0];
        if (!supported.Contains(version))
            throw new SebsException(SebsErrorIds.UnknownLanguage, SebsErrorKind.InvalidArgument,
                $"{platform} does not run {language} {version}. Valid versions: {string.Join(", ", supported)}.");
        return version;
    }

    /// <summary>The dependency manifest file of a language.</summary>
    public static string Manifest(string language) => NormalizeLanguage(language) == "python" ? "requirements.txt" : "package.json";
}
