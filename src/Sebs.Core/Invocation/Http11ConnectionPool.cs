using System.Collections.Concurrent;
using System.Net.Security;

namespace Sebs.Core.Invocation;

/// <summary>
/// The idle kept-alive connections to one origin (scheme, host and port), shared by every <see cref="HttpTrigger"/> of
/// this process that calls it, as HttpClient's handler shares its pool: a call of Invoke-SebsBenchmark finds the
/// connections the one before it left. Opening 50 anew cost every call at concurrency 50 its first 10-15 ms at two
/// thirds of the rate (connects, and a thread per connection in a threaded function server), issue 15.
/// A connection idle for longer than <see cref="IdleTimeout"/> is closed, as HttpClient's PooledConnectionIdleTimeout does.
/// </summary>
internal sealed class Http11ConnectionPool
{
    /// <summary>How long an idle connection is kept (HttpClient's default for PooledConnectionIdleTimeout).</summary>
    public static readonly TimeSpan IdleTimeout = TimeSpan.FromMinutes(1);

    private static readonly ConcurrentDictionary<(string Scheme, string Host, int Port, RemoteCertificateValidationCallback? Validate), Http11ConnectionPool> s_pools = new();
    // One timer for every pool, started with the first idle connection; it only closes what has idled out. Started
    // without the first caller's execution context, which it would otherwise keep alive for the process.
    private static readonly Lazy<Timer> s_sweeper = new(() =>
    {
        using (ExecutionContext.SuppressFlow())
            return new Timer(static _ => SweepAll(), null, IdleTimeout / 4, IdleTimeout / 4);
    });

    // Blocking and asynchronous connections apart: a socket once used asynchronously cannot block again.
    private readonly ConcurrentStack<(Http11Connection Connection, long IdleSince)> _blocking = new();
    private readonly ConcurrentStack<(Http11Connection Connection, long IdleSince)> _async = new();

    /// <summary>The pool of <paramref name="url"/>'s origin; a trust decision of its own (tests) has a pool of its own.</summary>
    public static Http11ConnectionPool For(Uri url, RemoteCertificateValidationCallback? validateCertificate) =>
        s_pools.GetOrAdd((url.Scheme, url.IdnHost, url.Port, validateCertificate), static _ => new Http11ConnectionPool());

    /// <summary>How many idle connections the pool holds now.</summary>
    public int IdleCount => _blocking.Count + _async.Count;

    /// <summary>An idle connection of the kind asked for that the server has not closed, or null.</summary>
    public Http11Connection? TryRent(bool blocking)
    {
        var idle = blocking ? _blocking : _async;
        while (idle.TryPop(out var entry))
        {
            if (!IsExpired(entry.IdleSince, Environment.TickCount64) && !entry.Connection.IsClosedByPeer()) return entry.Connection;
            entry.Connection.Dispose();
        }
        return null;
    }

    /// <summary>Keeps a connection that served its exchange for the next; one that cannot be reused is closed.</summary>
    public void Return(Http11Connection connection)
    {
        if (!connection.CanReuse)
        {
            connection.Dispose();
            return;
        }
        (connection.Blocking ? _blocking : _async).Push((connection, Environment.TickCount64));
        _ = s_sweeper.Value;
    }

    /// <summary>Closes the connections idle for longer than <see cref="IdleTimeout"/> as of <paramref name="now"/> (TickCount64).</summary>
    internal void Sweep(long now)
    {
        Sweep(_blocking, now);
        Sweep(_async, now);
    }

    private static void SweepAll()
    {
        var now = Environment.TickCount64;
        foreach (var pool in s_pools.Values) pool.Sweep(now);
    }

    private static void Sweep(ConcurrentStack<(Http11Connection Connection, long IdleSince)> idle, long now)
    {
        // A stack cannot drop from its middle: take everything, close what idled out, put the rest back in its order.
        // A call renting meanwhile finds fewer and opens a connection, no worse than without the pool.
        if (idle.IsEmpty) return;
        var all = new (Http11Connection Connection, long IdleSince)[idle.Count];
        var taken = idle.TryPopRange(all);
        var kept = new List<(Http11Connection, long)>(taken);
        for (var i = 0; i < taken; i++)
        {
            if (IsExpired(all[i].IdleSince, now)) all[i].Connection.Dispose();
            else kept.Add(all[i]);
        }
        for (var i = kept.Count - 1; i >= 0; i--) idle.Push(kept[i]);
    }

    private static bool IsExpired(long idleSince, long now) => now - idleSince > (long)IdleTimeout.TotalMilliseconds;
}
