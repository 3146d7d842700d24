namespace Sebs.Core.Platforms;

/// <summary>The platforms Sebs deploys to. SeBS's lowercase names ("aws", "local", ...) parse too.</summary>
public enum PlatformName
{
    Local,
    Aws,
    Azure,
    Gcp,
}

public static class PlatformNames
{
    public static IReadOnlyList<string> All { get; } = Enum.GetNames<PlatformName>();

    public static bool TryParse(string? value, out PlatformName platform)
    {
        platform = default;
        if (string.IsNullOrWhiteSpace(value)) return false;
        // Enum.TryParse accepts numbers ("1"); a platform is only ever named.
        if (char.IsDigit(value.Trim()[0])) return false;
        return Enum.TryParse(value.Trim(), ignoreCase: true, out platform) && Enum.IsDefined(platform);
    }

    public static PlatformName Parse(string? value) =>
        TryParse(value, out var p)
            ? p
            : throw new SebsException(SebsErrorIds.UnknownPlatform, SebsErrorKind.InvalidArgument,
                $"Unknown platform '{value}'. Valid platforms: {string.Join(", ", All)}.");

    /// <summary>The name SeBS writes into its JSON files ("aws", "local", ...).</summary>
    public static string ToSebsName(this PlatformName platform) => platform.ToString().ToLowerInvariant();
}
