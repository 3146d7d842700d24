namespace Sebs.Core.Remoting;

/// <summary>One round trip: caller's clock when asking, the host's clock when answering, caller's clock on the reply (UTC).</summary>
public readonly record struct ClockSample(DateTime SentUtc, DateTime RemoteUtc, DateTime ReceivedUtc)
{
    public TimeSpan RoundTrip => ReceivedUtc - SentUtc;
}

/// <summary>
/// How far a host's clock is ahead of the caller's (host − caller), with its uncertainty. As in SeBS's
/// clock-synchronization experiment, the round trip with the smallest RTT is used: the host read its clock somewhere
/// between sending and receiving, so the true offset lies within ± RTT/2 of the midpoint estimate (Cristian's bound).
/// </summary>
public sealed record ClockOffset(double OffsetMs, double UncertaintyMs, int Samples)
{
    public static ClockOffset Zero { get; } = new(0, 0, 0);

    public static ClockOffset Estimate(IEnumerable<ClockSample> samples)
    {
        var list = samples.ToList();
        if (list.Count == 0) throw new ArgumentException("At least one round trip is needed.", nameof(samples));
        var best = list.MinBy(s => s.RoundTrip);
        var midpoint = best.SentUtc + TimeSpan.FromTicks(best.RoundTrip.Ticks / 2);
        return new ClockOffset((best.RemoteUtc - midpoint).TotalMilliseconds, best.RoundTrip.TotalMilliseconds / 2, list.Count);
    }

    /// <summary>A time read on the host's clock (UTC), expressed on the caller's clock, in the caller's local time as SeBS records it.</summary>
    public DateTime ToCallerLocal(DateTime hostUtc) =>
        DateTime.SpecifyKind(hostUtc - TimeSpan.FromTicks((long)Math.Round(OffsetMs * TimeSpan.TicksPerMillisecond)), DateTimeKind.Utc).ToLocalTime();

    /// <summary>Whether two measurements disagree by more than their uncertainties allow (the clocks drifted during the run).</summary>
    public bool DiffersFrom(ClockOffset other) => Math.Abs(OffsetMs - other.OffsetMs) > UncertaintyMs + other.UncertaintyMs;

    public override string ToString() =>
        System.FormattableString.Invariant($"{OffsetMs:+0.###;-0.###;0} ms ± {UncertaintyMs:0.###} ms ({Samples} round trips)");
}
