namespace Sebs.Core.Diagnostics;

/// <summary>
/// The log of the operation running now, carried with the async flow: a platform lives for the session, but its
/// messages belong to whichever cmdlet or job called it, so an <c>-AsJob</c> experiment's warnings reach that job and a
/// finished job's closed queue is never written to by the next cmdlet.
/// </summary>
public static class OperationLog
{
    private static readonly AsyncLocal<ISebsLog?> CurrentLog = new();

    /// <summary>The log of the current operation (a no-op log outside any).</summary>
    public static ISebsLog Current => CurrentLog.Value ?? NullSebsLog.Instance;

    /// <summary>Makes <paramref name="log"/> the current operation's log until the scope is disposed.</summary>
    public static IDisposable Use(ISebsLog log)
    {
        var previous = CurrentLog.Value;
        CurrentLog.Value = log;
        return new Scope(previous);
    }

    /// <summary>A log that writes to whichever operation's log is current where it is called.</summary>
    public static ISebsLog Ambient { get; } = new AmbientLog();

    private sealed class Scope(ISebsLog? previous) : IDisposable
    {
        public void Dispose() => CurrentLog.Value = previous;
    }

    private sealed class AmbientLog : ISebsLog
    {
        public void Verbose(string message) => Current.Verbose(message);
        public void Warning(string message) => Current.Warning(message);
        public void Debug(string message) => Current.Debug(message);
    }
}
