using System.Text.RegularExpressions;

namespace Sebs.Core.Results;

/// <summary>
/// What a SeBS function name tells about its benchmark and language. Plain SeBS result files carry no context,
/// only names such as <c>sebs-ab12cd34-110.dynamic-html-python-3.11</c> (OpenWhisk, local), the Azure spelling
/// with dashes, the AWS/GCP spelling with underscores and only the benchmark number, or the local <c>sebd-</c> typo.
/// </summary>
public sealed record SebsFunctionName(string Benchmark, string Language, string LanguageVersion)
{
    private static readonly Regex Pattern = new(
        @"^(?:sebs|sebd)-(?:.*?-)?(?<num>\d{3})(?:[.-](?<name>[a-z0-9][a-z0-9.-]*?))?" +
        @"-(?<lang>python|nodejs|java|cpp)-(?<ver>\d+(?:[.-]\d+)*)(?:-(?:x64|arm64))?(?:-(?:docker|gen1|gen2))?$",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Compiled);

    /// <summary>Parses a SeBS function name; null when it does not follow any SeBS pattern.</summary>
    public static SebsFunctionName? TryParse(string? functionName)
    {
        if (string.IsNullOrEmpty(functionName)) return null;
        var m = Pattern.Match(functionName.Replace('_', '-'));
        if (!m.Success) return null;
        var benchmark = m.Groups["name"].Success ? $"{m.Groups["num"].Value}.{m.Groups["name"].Value}" : m.Groups["num"].Value;
        // Azure and AWS replace the dots of "3.11" too; versions never contain dashes, so put them back.
        var version = m.Groups["ver"].Value.Replace('-', '.');
        return new SebsFunctionName(benchmark, m.Groups["lang"].Value.ToLowerInvariant(), version);
    }
}
