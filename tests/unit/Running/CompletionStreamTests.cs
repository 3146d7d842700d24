using Sebs.Core.Running;
using Xunit;

namespace Sebs.Tests.Running;

/// <summary>The stream between invocation threads and the journal: order kept per writer, batches, failures and the hand-off thread.</summary>
public class CompletionStreamTests
{
    [Fact]
    public async Task Delivers_every_item_in_batches_on_the_hand_off_thread()
    {
        // As the cmdlets consume it: without a synchronization context to return to.
        var threads = new HashSet<string?>();
        var seen = new List<int>();
        var batches = 0;
        await foreach (var (items, done, _) in CompletionStream.RunBatchedAsync<int>(2000, writer =>
            SlidingWindow.RunAsync(2000, 8, (i, ct) => writer.WriteAsync(i, ct).AsTask(), CancellationToken.None), maxBatch: 64, CancellationToken.None)
            .ConfigureAwait(false))
        {
            threads.Add(Thread.CurrentThread.Name);
            Assert.InRange(items.Count, 1, 64);
            seen.AddRange(items);
            batches++;
            Assert.Equal(seen.Count, done);
        }
        Assert.Equal(Enumerable.Range(0, 2000), seen.OrderBy(i => i));
        Assert.Contains("Sebs delivery", threads);
        Assert.DoesNotContain("Sebs invocation", threads);
        Assert.True(batches <= 2000);
    }

    [Fact]
    public async Task A_producer_failure_reaches_the_reader_after_the_items_written_before_it()
    {
        var seen = new List<int>();
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(async () =>
        {
            await foreach (var (item, _, _) in CompletionStream.RunAsync<int>(10, async writer =>
            {
                for (var i = 0; i < 3; i++) await writer.WriteAsync(i);
                throw new InvalidOperationException("broken");
            }, CancellationToken.None))
                seen.Add(item);
        });
        Assert.Equal("broken", ex.Message);
        Assert.Equal(new[] { 0, 1, 2 }, seen);
    }

    [Fact]
    public async Task Cancellation_stops_the_reader()
    {
        using var cts = new CancellationTokenSource();
        var count = 0;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var _ in CompletionStream.RunAsync<int>(int.MaxValue, async writer =>
            {
                for (var i = 0; ; i++)
                {
                    await writer.WriteAsync(i, cts.Token);
                    await Task.Delay(1, cts.Token);
                }
            }, cts.Token))
                if (++count == 5) cts.Cancel();
        });
        Assert.True(count >= 5);
    }
}
