using System.Runtime.ExceptionServices;

namespace Sebs.Core.Invocation;

/// <summary>
/// Threads of their own for the slots of the invocation window. On such a thread a trigger may block on its I/O, so a
/// measured call costs a send and a receive with no thread-pool hand-off (issue 15). Elsewhere triggers stay
/// asynchronous: a burst joined on the thread pool (forced cold starts, experiments) must not block the pool's threads.
/// </summary>
public static class InvocationThread
{
    [ThreadStatic] private static bool t_isCurrent;

    /// <summary>Whether the calling thread is an invocation thread, which a trigger may block.</summary>
    public static bool IsCurrent => t_isCurrent;

    /// <summary>
    /// Runs <paramref name="body"/> on <paramref name="count"/> new invocation threads and completes when every one has
    /// returned: with the first failure if any failed, cancelled if they only stopped for cancellation.
    /// </summary>
    public static Task RunAsync(int count, Action body)
    {
        if (count <= 0) return Task.CompletedTask;
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var running = count;
        ExceptionDispatchInfo? failure = null;
        OperationCanceledException? cancelled = null;
        for (var t = 0; t < count; t++)
        {
            // A small stack: the body is a loop around a call, and 200 slots must not reserve 200 default stacks.
            var thread = new Thread(() =>
            {
                t_isCurrent = true;
                try { body(); }
                catch (OperationCanceledException ex) { Interlocked.CompareExchange(ref cancelled, ex, null); }
                catch (Exception ex) { Interlocked.CompareExchange(ref failure, ExceptionDispatchInfo.Capture(ex), null); }
                if (Interlocked.Decrement(ref running) > 0) return;
                if (failure is not null) done.TrySetException(failure.SourceException);
                else if (cancelled is not null) done.TrySetCanceled(cancelled.CancellationToken);
                else done.TrySetResult();
            }, maxStackSize: 256 * 1024)
            { IsBackground = true, Name = "Sebs invocation" };
            thread.Start();
        }
        return done.Task;
    }
}
