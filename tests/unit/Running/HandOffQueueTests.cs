using Sebs.Core.Running;
using Xunit;

namespace Sebs.Tests.Running;

/// <summary>The non-spinning queue between invocation threads and their reader: order, completion and gathering.</summary>
public class HandOffQueueTests
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(10);

    [Fact]
    public void Gathers_items_that_follow_a_recent_batch_and_takes_a_lone_item_at_once()
    {
        // A window long enough that adding three items cannot outlast it, on any machine.
        var queue = new HandOffQueue<int>();
        var batches = new List<IReadOnlyList<int>>();
        using var got = new SemaphoreSlim(0);
        var reader = new Thread(() =>
        {
            foreach (var batch in queue.GetConsumingBatches(gather: TimeSpan.FromMilliseconds(400)))
            {
                lock (batches) batches.Add(batch);
                got.Release();
            }
        });
        reader.Start();

        queue.TryAdd(1);                       // nothing before it: taken without waiting for the window
        Assert.True(got.Wait(Guard));
        queue.TryAdd(2);                       // within the window of the first batch: gathered
        queue.TryAdd(3);
        queue.TryAdd(4);
        Assert.True(got.Wait(Guard));
        Thread.Sleep(600);                     // past the window: the next item is alone again
        queue.TryAdd(5);
        Assert.True(got.Wait(Guard));
        queue.CompleteAdding();
        Assert.True(reader.Join(Guard));

        Assert.Equal(new[] { new[] { 1 }, new[] { 2, 3, 4 }, new[] { 5 } }, batches.Select(b => b.ToArray()));
    }

    [Fact]
    public void Completion_ends_the_batches_after_every_item_even_inside_a_window()
    {
        var queue = new HandOffQueue<int>();
        var seen = new List<int>();
        var reader = new Thread(() =>
        {
            foreach (var batch in queue.GetConsumingBatches(maxBatch: 3, gather: TimeSpan.FromMilliseconds(200))) seen.AddRange(batch);
        });
        reader.Start();
        for (var i = 0; i < 10; i++) queue.TryAdd(i);
        queue.CompleteAdding();
        Assert.False(queue.TryAdd(99));
        Assert.True(reader.Join(Guard));
        Assert.Equal(Enumerable.Range(0, 10), seen);
    }
}
