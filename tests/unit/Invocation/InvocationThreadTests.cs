using System.Collections.Concurrent;
using Sebs.Core.Invocation;
using Xunit;

namespace Sebs.Tests.Invocation;

/// <summary>
/// The invocation window's own threads: kept between calls up to an idle timeout, each call's body in its caller's
/// context. Each test has a pool of its own, so that tests running beside it take none of its idle threads.
/// </summary>
public class InvocationThreadTests
{
    private static readonly AsyncLocal<string?> Caller = new();

    private static InvocationThreadPool Pool(double idleSeconds = 30) => new(TimeSpan.FromSeconds(idleSeconds));

    /// <summary>Runs a call of <paramref name="width"/> on the pool; afterwards it has started <paramref name="threadsStarted"/> in all.</summary>
    private static async Task AssertServesAsync(InvocationThreadPool pool, int width, long threadsStarted)
    {
        var count = 0;
        await pool.RunAsync(width, () => Interlocked.Increment(ref count));
        Assert.Equal(width, count);
        Assert.Equal(threadsStarted, pool.ThreadsStarted);
    }

    [Fact]
    public async Task Runs_the_body_once_per_thread_on_invocation_threads()
    {
        var threads = new ConcurrentBag<int>();
        var onInvocationThread = new ConcurrentBag<bool>();
        await InvocationThread.RunAsync(6, () =>
        {
            threads.Add(Environment.CurrentManagedThreadId);
            onInvocationThread.Add(InvocationThread.IsCurrent);
            Thread.Sleep(20);   // all six at once: none may serve two
        });
        Assert.Equal(6, threads.Distinct().Count());
        Assert.All(onInvocationThread, Assert.True);
        Assert.False(InvocationThread.IsCurrent);
    }

    [Fact]
    public async Task A_later_call_runs_on_the_threads_an_earlier_one_left_idle()
    {
        var pool = Pool();
        var first = new ConcurrentBag<int>();
        await pool.RunAsync(4, () => { first.Add(Environment.CurrentManagedThreadId); Thread.Sleep(10); });
        var second = new ConcurrentBag<int>();
        await pool.RunAsync(4, () => { second.Add(Environment.CurrentManagedThreadId); Thread.Sleep(10); });
        Assert.Equal(4, pool.ThreadsStarted);
        Assert.Equal(first.OrderBy(t => t), second.OrderBy(t => t));
        // A wider call keeps those and starts only the difference.
        await pool.RunAsync(6, () => Thread.Sleep(10));
        Assert.Equal(6, pool.ThreadsStarted);
    }

    [Fact]
    public async Task Threads_idle_for_longer_than_the_timeout_end_and_new_ones_start()
    {
        var pool = Pool(idleSeconds: 0.1);
        var first = new ConcurrentBag<Thread>();
        await pool.RunAsync(3, () => first.Add(Thread.CurrentThread));
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (first.Any(t => t.IsAlive) && DateTime.UtcNow < deadline) await Task.Delay(20);
        Assert.All(first, t => Assert.False(t.IsAlive));
        await AssertServesAsync(pool, 3, threadsStarted: 6);
    }

    [Fact]
    public async Task The_body_sees_its_callers_execution_context_and_not_an_earlier_callers()
    {
        var pool = Pool();
        Caller.Value = "first";
        await pool.RunAsync(3, () => Assert.Equal("first", Caller.Value));
        Caller.Value = "second";
        var seen = new ConcurrentBag<string?>();
        await pool.RunAsync(3, () => seen.Add(Caller.Value));
        Assert.Equal(new[] { "second", "second", "second" }, seen);
        Caller.Value = null;
        seen.Clear();
        await pool.RunAsync(3, () => seen.Add(Caller.Value));
        Assert.Equal(new string?[] { null, null, null }, seen);
        Assert.Equal(3, pool.ThreadsStarted);
    }

    [Fact]
    public async Task The_first_failure_fails_the_call_after_every_thread_returned_and_the_threads_serve_on()
    {
        var pool = Pool();
        var finished = 0;
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => pool.RunAsync(3, () =>
        {
            if (Interlocked.Increment(ref finished) == 1) throw new InvalidOperationException("slot failed");
            Thread.Sleep(30);
        }));
        Assert.Equal("slot failed", ex.Message);
        Assert.Equal(3, Volatile.Read(ref finished));
        await AssertServesAsync(pool, 3, threadsStarted: 3);
    }

    [Fact]
    public async Task A_call_whose_threads_only_stopped_for_cancellation_is_cancelled()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        var task = Pool().RunAsync(2, () => cts.Token.ThrowIfCancellationRequested());
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => task);
        Assert.True(task.IsCanceled);
    }
}
