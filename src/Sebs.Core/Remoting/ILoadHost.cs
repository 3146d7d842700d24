namespace Sebs.Core.Remoting;

/// <summary>
/// A machine that sends invocations for the caller (a PowerShell remoting session; the cmdlets implement it).
/// Core decides what each host runs; the host only reads its clock and runs orders.
/// </summary>
public interface ILoadHost
{
    /// <summary>How results name it (<c>ClientHost</c>).</summary>
    string Name { get; }

    /// <summary>Reads the host's clock once (UTC), one round trip over the session.</summary>
    Task<DateTime> ReadClockAsync(CancellationToken ct);

    /// <summary>Runs an order, calling <paramref name="onLine"/> with each result line as it arrives; throws when the host drops out.</summary>
    Task RunAsync(RemoteOrder order, Action<string> onLine, CancellationToken ct);
}

/// <summary>What one host did in a fanned-out run.</summary>
public sealed class LoadHostReport(string host)
{
    public string Host { get; } = host;
    public ClockOffset? ClockAtStart { get; internal set; }
    public ClockOffset? ClockAtEnd { get; internal set; }
    /// <summary>Invocations given to it (over all rounds).</summary>
    public int Assigned { get; internal set; }
    /// <summary>Results it sent back (all journaled on the caller).</summary>
    public int Completed { get; internal set; }
    /// <summary>Invocations in flight when it dropped out: lost.</summary>
    public int Lost { get; internal set; }
    /// <summary>Invocations it had not started when it dropped out, run by the other hosts instead.</summary>
    public int Reassigned { get; internal set; }
    public bool Failed => Error is not null;
    public string? Error { get; internal set; }

    public override string ToString() => Failed
        ? $"{Host}: FAILED after {Completed} of {Assigned} invocation(s) ({Lost} in flight lost, {Reassigned} run elsewhere): {Error}"
        : $"{Host}: {Completed} of {Assigned} invocation(s), clock {ClockAtStart?.ToString() ?? "-"} at start, {ClockAtEnd?.ToString() ?? "-"} at end";
}
