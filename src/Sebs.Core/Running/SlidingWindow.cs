namespace Sebs.Core.Running;

/// <summary>
/// Runs <c>total</c> pieces of work with at most <c>width</c> in flight, starting the next one as soon as any finishes.
/// Batches joined by Task.WhenAll leave slots idle while a batch's slowest call ends; a window keeps every slot busy
/// (the load wrk and other closed-loop generators put on a server). Each slot is a thread of its own
/// (<see cref="Invocation.InvocationThread"/>): a trigger that can block completes a piece on it, and the slot starts
/// the next one at once, with no hand-off between threads.
/// </summary>
public static class SlidingWindow
{
    public static Task RunAsync(int total, int width, Func<int, CancellationToken, Task> work, CancellationToken ct)
    {
        if (total <= 0) return Task.CompletedTask;
        var next = -1;
        return Invocation.InvocationThread.RunAsync(Math.Clamp(width, 1, total), () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < total)
            {
                ct.ThrowIfCancellationRequested();
                work(i, ct).GetAwaiter().GetResult();
            }
        });
    }
}
