using System.Globalization;

namespace Sebs.Core.Platforms;

/// <summary>
/// The values a platform sets to force cold starts. SeBS sets a variable (ForceColdStart, cold_start) to a new value
/// per batch, which makes the provider start new sandboxes; here the value is also above the one the function has
/// now, since another session (or a counter started at random) can meet it, and a value the function already has
/// changes nothing and forces nothing.
/// </summary>
public sealed class ColdStartCounter
{
    private int _last;

    /// <param name="start">SeBS starts each session at a random value, so two sessions rarely begin alike.</param>
    public ColdStartCounter(int start) => _last = start;

    /// <summary>The highest value handed out so far (the start before any).</summary>
    public int Last
    {
        get => Volatile.Read(ref _last);
        set => Volatile.Write(ref _last, value);
    }

    /// <summary>
    /// The value for a function whose variable holds <paramref name="current"/> now, above <paramref name="floor"/> (the
    /// counter when the batch began, so a batch's functions share a value); the counter rises to it.
    /// </summary>
    public int Next(int floor, string? current)
    {
        var value = After(floor, current);
        for (var seen = Last; seen < value;)
        {
            var was = Interlocked.CompareExchange(ref _last, value, seen);
            if (was == seen) break;
            seen = was;
        }
        return value;
    }

    /// <summary>One above both the counter and the function's current value (not a number counts as none).</summary>
    public static int After(int counter, string? current) =>
        Math.Max(counter, int.TryParse(current, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : 0) + 1;
}
