using System.Collections.Concurrent;
using System.Threading.Channels;

namespace Sebs.Core.Running;

/// <summary>
/// A channel writer that hands items to a thread of its own, which writes whatever has gathered as one list to the
/// target channel. The channel's reader then resumes on that thread, so its work (journal, pipeline) runs there and
/// takes everything that completed meanwhile as one batch, while the producing threads go straight back to work.
/// The thread sleeps on an event that does not spin: resuming the reader on the thread pool instead cost 60-70 µs of
/// client CPU per result in its spinning (issue 15), and resuming it on the producer held an invocation slot.
/// </summary>
internal sealed class HandOffWriter<T> : ChannelWriter<T>
{
    private readonly ChannelWriter<IReadOnlyList<T>> _target;
    private readonly int _maxBatch;
    private readonly ConcurrentQueue<T> _items = new();
    private readonly ManualResetEventSlim _signal = new(false, spinCount: 0);
    private volatile bool _completed;
    private Exception? _error;

    public HandOffWriter(ChannelWriter<IReadOnlyList<T>> target, int maxBatch)
    {
        _target = target;
        _maxBatch = Math.Max(1, maxBatch);
        new Thread(Deliver) { IsBackground = true, Name = "Sebs delivery" }.Start();
    }

    public override bool TryWrite(T item)
    {
        if (_completed) return false;
        _items.Enqueue(item);
        if (!_signal.IsSet) _signal.Set();
        return true;
    }

    public override ValueTask<bool> WaitToWriteAsync(CancellationToken cancellationToken = default) =>
        cancellationToken.IsCancellationRequested ? ValueTask.FromCanceled<bool>(cancellationToken) : new ValueTask<bool>(!_completed);

    /// <summary>Ends the stream after the items written so far, with <paramref name="error"/> for the reader if given.</summary>
    public override bool TryComplete(Exception? error = null)
    {
        if (_completed) return false;
        _error = error;
        _completed = true;
        _signal.Set();
        return true;
    }

    // The event is not disposed: a writer racing the completion may still set it, and a slim event holds no handle
    // until a wait needs one.
    private void Deliver()
    {
        while (true)
        {
            while (!_items.IsEmpty)
            {
                var batch = new List<T>();
                while (batch.Count < _maxBatch && _items.TryDequeue(out var item)) batch.Add(item);
                _target.TryWrite(batch);
            }
            if (_completed && _items.IsEmpty)
            {
                _target.TryComplete(_error);
                return;
            }
            _signal.Reset();
            // An item written between the drain and the reset would otherwise wait for the next one.
            if (!_items.IsEmpty || _completed) continue;
            _signal.Wait();
        }
    }
}
