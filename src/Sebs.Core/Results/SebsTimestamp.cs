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

    /// <summary>
    /// <c>yyyy-MM-dd HH:mm:ss.ffffff</c>, written digit by digit: every journalled result carries two, and the custom
    /// format string's general parser was a tenth of the journal thread's time at high rates (issue 15).
    /// </summary>
    public static string ToSebs(DateTime value) => string.Create(26, value, static (s, v) =>
    {
        var (year, month, day) = v;
        Digits(s[..4], year);
        s[4] = '-';
        Digits(s.Slice(5, 2), month);
        s[7] = '-';
        Digits(s.Slice(8, 2), day);
        s[10] = ' ';
        Digits(s.Slice(11, 2), v.Hour);
        s[13] = ':';
        Digits(s.Slice(14, 2), v.Minute);
        s[16] = ':';
        Digits(s.Slice(17, 2), v.Second);
        s[19] = '.';
        Digits(s[20..], (int)(v.Ticks % TimeSpan.TicksPerSecond / 10));
    });

    private static void Digits(Span<char> into, int value)
    {
        for (var i = into.Length - 1; i >= 0; i--, value /= 10) into[i] = (char)('0' + value % 10);
    }

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
