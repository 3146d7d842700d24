namespace Sebs.Core.Running;

/// <summary>
/// Runs <c>total</c> pieces of work with at most <c>width</c> in flight, starting the next one as soon as any finishes.
/// Batches joined by Task.WhenAll leave slots idle while a batch's slowest call ends; a window keeps every slot busy
/// (the load wrk and other closed-loop generators put on a server).
/// </summary>
public static class SlidingWindow
{
    public static Task RunAsync(int total, int width, Func<int, CancellationToken, Task> work, CancellationToken ct)
    {
        if (total <= 0) return Task.CompletedTask;
        var next = -1;
        async Task Worker()
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < total)
            {
                ct.ThrowIfCancellationRequested();
                await work(i, ct).ConfigureAwait(false);
            }
        }
        return Task.WhenAll(Enumerable.Range(0, Math.Clamp(width, 1, total)).Select(_ => Task.Run(Worker, ct)));
    }
}
