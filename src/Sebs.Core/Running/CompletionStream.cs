using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace Sebs.Core.Running;

/// <summary>
/// Runs a producer in the background and yields what it writes in completion order, with the count so far and an
/// estimate of the time left, so callers can stream results and report progress while work is still running.
/// </summary>
internal static class CompletionStream
{
    public static async IAsyncEnumerable<(T Item, int Done, TimeSpan Remaining)> RunAsync<T>(int total, Func<ChannelWriter<T>, Task> produce,
        [EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (var (items, done, remaining) in RunBatchedAsync(total, produce, int.MaxValue, ct).ConfigureAwait(false))
            for (var i = 0; i < items.Count; i++)
                yield return (items[i], done - items.Count + i + 1, remaining);
    }

    /// <summary>
    /// The same, a batch at a time: everything that completed since the last batch (up to <paramref name="maxBatch"/>), so
    /// a consumer can journal many results with one write while it still writes each before passing it on.
    /// </summary>
    public static async IAsyncEnumerable<(IReadOnlyList<T> Items, int Done, TimeSpan Remaining)> RunBatchedAsync<T>(int total,
        Func<ChannelWriter<T>, Task> produce, int maxBatch, [EnumeratorCancellation] CancellationToken ct)
    {
        // The reader resumes on the hand-off thread that writes each batch (see HandOffWriter).
        var channel = Channel.CreateUnbounded<IReadOnlyList<T>>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true, AllowSynchronousContinuations = true });
        var writer = new HandOffWriter<T>(channel.Writer, maxBatch);
        var clock = Stopwatch.StartNew();
        var producer = Task.Run(async () =>
        {
            try
            {
                await produce(writer).ConfigureAwait(false);
                writer.TryComplete();
            }
            catch (Exception ex)
            {
                // The reader rethrows it after the items written before the failure.
                writer.TryComplete(ex);
            }
        }, ct);
        var done = 0;
        var reader = channel.Reader;
        while (await reader.WaitToReadAsync(ct).ConfigureAwait(false))
        {
            while (reader.TryRead(out var batch))
            {
                done += batch.Count;
                yield return (batch, done, TimeSpan.FromTicks(clock.Elapsed.Ticks / done * Math.Max(0, total - done)));
            }
        }
        await producer.ConfigureAwait(false);
    }
}
