namespace Sebs.Core.Packaging;

/// <summary>
/// The languages benchmarks are written in, and what a language implies for packaging. Which versions each platform
/// runs is the platform's own declaration (<see cref="Platforms.RuntimeTable"/>).
/// </summary>
public static class LanguageRuntimes
{
    public static IReadOnlyList<string> Languages { get; } = new[] { "python", "nodejs" };

    public static string NormalizeLanguage(string language)
    {
        var match = Languages.FirstOrDefault(l => string.Equals(l, language, StringComparison.OrdinalIgnoreCase));
        return match ?? throw new SebsException(SebsErrorIds.UnknownLanguage, SebsErrorKind.InvalidArgument,
            $"Unknown language '{language}'. Valid languages: {string.Join(", ", Languages)}.");
    }

    /// <summary>The dependency manifest file of a language.</summary>
    public static string Manifest(string language) => NormalizeLanguage(language) == "python" ? "requirements.txt" : "package.json";
}
