using System.Threading.Channels;

namespace Sebs.Core.Running;

/// <summary>
/// A channel writer that hands items to a thread of its own, which writes whatever has gathered as one list to the
/// target channel. The channel's reader then resumes on that thread, so its work (journal, pipeline) runs there and
/// takes everything that completed meanwhile as one batch, while the producing threads go straight back to work.
/// Resuming the reader on the thread pool instead cost 60-70 µs of client CPU per result in its spinning (issue 15),
/// and resuming it on the producer held an invocation slot.
/// </summary>
internal sealed class HandOffWriter<T> : ChannelWriter<T>
{
    /// <summary>
    /// While results keep coming, one batch per 5 ms at most (see <see cref="HandOffQueue{T}.GetConsumingBatches"/>): the
    /// batch's journal write, memory reading and pipeline wake-up are paid once for all of it, and no person sees the delay.
    /// </summary>
    private static readonly TimeSpan Gather = TimeSpan.FromMilliseconds(5);

    private readonly ChannelWriter<IReadOnlyList<T>> _target;
    private readonly int _maxBatch;
    private readonly HandOffQueue<T> _items = new();
    private Exception? _error;

    public HandOffWriter(ChannelWriter<IReadOnlyList<T>> target, int maxBatch)
    {
        _target = target;
        _maxBatch = Math.Max(1, maxBatch);
        new Thread(Deliver) { IsBackground = true, Name = "Sebs delivery" }.Start();
    }

    public override bool TryWrite(T item) => _items.TryAdd(item);

    public override ValueTask<bool> WaitToWriteAsync(CancellationToken cancellationToken = default) =>
        cancellationToken.IsCancellationRequested ? ValueTask.FromCanceled<bool>(cancellationToken) : new ValueTask<bool>(!_items.IsAddingCompleted);

    /// <summary>Ends the stream after the items written so far, with <paramref name="error"/> for the reader if given.</summary>
    public override bool TryComplete(Exception? error = null)
    {
        if (_items.IsAddingCompleted) return false;
        _error = error;
        _items.CompleteAdding();
        return true;
    }

    private void Deliver()
    {
        foreach (var batch in _items.GetConsumingBatches(_maxBatch, Gather)) _target.TryWrite(batch);
        _target.TryComplete(_error);
    }
}
