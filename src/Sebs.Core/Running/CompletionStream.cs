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
        var channel = Channel.CreateUnbounded<T>(new UnboundedChannelOptions { SingleReader = true });
        var clock = Stopwatch.StartNew();
        var producer = Task.Run(async () =>
        {
            try
            {
                await produce(channel.Writer).ConfigureAwait(false);
                channel.Writer.TryComplete();
            }
            catch (Exception ex)
            {
                // The reader rethrows it after the items written before the failure.
                channel.Writer.TryComplete(ex);
            }
        }, ct);
        var done = 0;
        await foreach (var item in channel.Reader.ReadAllAsync(ct).ConfigureAwait(false))
        {
            done++;
            yield return (item, done, TimeSpan.FromTicks(clock.Elapsed.Ticks / done * Math.Max(0, total - done)));
        }
        await producer.ConfigureAwait(false);
    }
}
