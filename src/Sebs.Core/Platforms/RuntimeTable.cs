using Sebs.Core.Diagnostics;
using Sebs.Core.Packaging;

namespace Sebs.Core.Platforms;

/// <summary>
/// One language version a platform runs, with the provider's lifecycle dates: after <see cref="Deprecated"/> the
/// provider no longer patches it (a warning), after <see cref="Blocked"/> it refuses new functions (an error).
/// </summary>
public sealed record RuntimeVersion(string Version, DateOnly? Deprecated = null, DateOnly? Blocked = null, string? Note = null);

/// <summary>
/// The languages, versions and architectures one platform runs (SeBS's systems.json matrix), declared by the platform
/// itself. The first version of a language is its default; the first architecture is the default architecture.
/// </summary>
public sealed class RuntimeTable
{
    private readonly Dictionary<string, RuntimeVersion[]> _versions = new(StringComparer.OrdinalIgnoreCase);

    public RuntimeTable(string platform, IReadOnlyDictionary<string, RuntimeVersion[]> versions, IReadOnlyList<string>? architectures = null)
    {
        Platform = platform;
        foreach (var (language, list) in versions) _versions[LanguageRuntimes.NormalizeLanguage(language)] = list;
        Architectures = architectures ?? new[] { "x64" };
    }

    public string Platform { get; }
    public IReadOnlyList<string> Architectures { get; }
    public IReadOnlyList<string> Languages => _versions.Keys.ToList();

    /// <summary>The versions of a language, default first; empty when the platform does not run it.</summary>
    public IReadOnlyList<RuntimeVersion> Versions(string language) =>
        _versions.TryGetValue(language, out var v) ? v : Array.Empty<RuntimeVersion>();

    /// <summary>Version strings of a language, default first.</summary>
    public IReadOnlyList<string> SupportedVersions(string language) => Versions(language).Select(v => v.Version).ToList();

    /// <summary>
    /// Checks a version against the table; null picks the default. A version the provider blocks for new functions
    /// (as of <paramref name="today"/>) is an error that names the date; a deprecated one a warning.
    /// </summary>
    public string Resolve(string language, string? version, ISebsLog? log = null, DateOnly? today = null)
    {
        var lang = LanguageRuntimes.NormalizeLanguage(language);
        var versions = Versions(lang);
        if (versions.Count == 0)
            throw new SebsException(SebsErrorIds.UnknownLanguage, SebsErrorKind.InvalidArgument,
                $"{Platform} does not run {lang}. It runs: {string.Join(", ", Languages)}.", target: Platform);
        if (string.IsNullOrEmpty(version)) return versions[0].Version;
        var match = versions.FirstOrDefault(v => v.Version == version)
            ?? throw new SebsException(SebsErrorIds.UnknownLanguage, SebsErrorKind.InvalidArgument,
                $"{Platform} does not run {lang} {version}. Valid versions: {string.Join(", ", versions.Select(v => v.Version))}.", target: Platform);
        var now = today ?? DateOnly.FromDateTime(DateTime.UtcNow);
        if (match.Blocked is { } blocked && now >= blocked)
            throw new SebsException(SebsErrorIds.UnknownLanguage, SebsErrorKind.InvalidArgument,
                $"{Platform} no longer accepts new {lang} {version} functions (blocked since {blocked:yyyy-MM-dd}{Note(match)}). " +
                $"Use one of: {string.Join(", ", versions.Where(v => v.Blocked is null || now < v.Blocked).Select(v => v.Version))}.", target: Platform);
        if (match.Deprecated is { } deprecated && now >= deprecated)
            log?.Warning($"{lang} {version} on {Platform} is deprecated since {deprecated:yyyy-MM-dd}" +
                (match.Blocked is { } b ? $"; new functions are blocked from {b:yyyy-MM-dd}" : "") + $"{Note(match)}.");
        return match.Version;
    }

    /// <summary>Checks an architecture; null picks the default.</summary>
    public string ResolveArchitecture(string? architecture)
    {
        if (string.IsNullOrEmpty(architecture)) return Architectures[0];
        return Architectures.Contains(architecture) ? architecture
            : throw new SebsException(SebsErrorIds.InvalidConfig, SebsErrorKind.InvalidArgument,
                $"{Platform} runs {string.Join(", ", Architectures)}, not {architecture}.", target: Platform);
    }

    private static string Note(RuntimeVersion v) => v.Note is { Length: > 0 } n ? "; " + n : "";
}
