using System.Globalization;

namespace Sebs.Core.Results;

/// <summary>
/// SeBS writes <c>client_begin</c>/<c>client_end</c> as Python's <c>str(datetime)</c>: local time, no zone,
/// and no fraction at all when the microseconds happen to be zero.
/// </summary>
public static class SebsTimestamp
{
    private const string Format = "yyyy-MM-dd HH:mm:ss.ffffff";

    private static readonly string[] ReadFormats =
    {
        Format, "yyyy-MM-dd HH:mm:ss", "yyyy-MM-ddTHH:mm:ss.ffffff", "yyyy-MM-ddTHH:mm:ss",
    };

    public static string ToSebs(DateTime value) => value.ToString(Format, CultureInfo.InvariantCulture);

    public static bool TryParse(string? text, out DateTime value)
    {
        value = default;
        if (string.IsNullOrWhiteSpace(text)) return false;
        if (DateTime.TryParseExact(text, ReadFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out value))
            return true;
        // Aware datetimes ("...+00:00") and other ISO spellings: keep the wall-clock time as written.
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var dto))
        {
            value = dto.DateTime;
            return true;
        }
        return false;
    }

    /// <summary>Epoch seconds of a naive local time, as Python's <c>datetime.timestamp()</c> computes them.</summary>
    public static double ToEpochSeconds(DateTime value)
    {
        var local = value.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(value, DateTimeKind.Local) : value;
        return (local.ToUniversalTime() - DateTime.UnixEpoch).Ticks / (double)TimeSpan.TicksPerSecond;
    }
}
