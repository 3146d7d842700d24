using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;

namespace Sebs.Core.Invocation;

/// <summary>
/// Invocation threads kept between calls: a thread that finished its slot waits for the next one, up to the idle
/// timeout, then ends.
/// </summary>
/// <remarks>
/// Starting a thread took 110-150 µs here, so a call at concurrency 50 spent 5-7 ms filling its window while the
/// function sat partly idle, a cost every Invoke-SebsBenchmark paid again (issue 15). The .NET thread pool cannot take
/// this role, as its threads must not block; hence a pool of our own, of nothing more than waiting threads.
/// </remarks>
internal sealed class InvocationThreadPool(TimeSpan idleTimeout)
{
    private readonly TimeSpan _idleTimeout = idleTimeout;
    private readonly ConcurrentStack<Slot> _idle = new();
    private long _threadsStarted;

    /// <summary>How many threads this pool has started (tests: whether a call reused the threads of an earlier one).</summary>
    public long ThreadsStarted => Interlocked.Read(ref _threadsStarted);

    /// <inheritdoc cref="InvocationThread.RunAsync"/>
    public Task RunAsync(int count, Action body)
    {
        if (count <= 0) return Task.CompletedTask;
        var run = new Run(count, body, ExecutionContext.Capture());
        // Every idle thread is taken before any starts the body: one that finished early would be idle again, and
        // taken twice, the call would run on fewer threads than it asked for.
        var idle = new List<Slot>(count);
        while (idle.Count < count && TakeIdle() is { } slot) idle.Add(slot);
        foreach (var slot in idle) slot.Assign(run);
        // New threads start their body one by one as they are created, which paces their new connections: 150 at once
        // overflowed a local function server's listen backlog, and a dropped connect waits a second to try again.
        for (var t = idle.Count; t < count; t++) StartSlot().Assign(run);
        return run.Done.Task;
    }

    private Slot? TakeIdle()
    {
        while (_idle.TryPop(out var slot))
            if (slot.TryClaim()) return slot;   // else it timed out and ended
        return null;
    }

    private Slot StartSlot()
    {
        var slot = new Slot(this);
        // A small stack: the body is a loop around a call, and 200 slots must not reserve 200 default stacks. Started
        // without the caller's context: each call's body runs in its own caller's (Run).
        new Thread(slot.Loop, maxStackSize: 256 * 1024) { IsBackground = true, Name = "Sebs invocation" }.UnsafeStart();
        Interlocked.Increment(ref _threadsStarted);
        return slot;
    }

    /// <summary>One call of <see cref="RunAsync"/>: its body and how many of its threads are still running it.</summary>
    private sealed class Run(int count, Action body, ExecutionContext? context)
    {
        private int _running = count;
        private ExceptionDispatchInfo? _failure;
        private OperationCanceledException? _cancelled;

        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Execute()
        {
            try
            {
                if (context is null) body();
                else ExecutionContext.Run(context, static b => ((Action)b!)(), body);
            }
            catch (OperationCanceledException ex) { Interlocked.CompareExchange(ref _cancelled, ex, null); }
            catch (Exception ex) { Interlocked.CompareExchange(ref _failure, ExceptionDispatchInfo.Capture(ex), null); }
        }

        /// <summary>Called once per thread after <see cref="Execute"/>; the last one completes the call.</summary>
        public void Finish()
        {
            if (Interlocked.Decrement(ref _running) > 0) return;
            if (_failure is not null) Done.TrySetException(_failure.SourceException);
            else if (_cancelled is not null) Done.TrySetCanceled(_cancelled.CancellationToken);
            else Done.TrySetResult();
        }
    }

    /// <summary>
    /// A thread and its state: busy, idle (in the stack, waiting) or retired (timed out). Claiming and retiring race
    /// for the same idle slot; whichever changes the state first wins.
    /// </summary>
    private sealed class Slot(InvocationThreadPool pool)
    {
        private const int Busy = 0, Idle = 1, Retired = 2;
        private readonly SemaphoreSlim _assigned = new(0);
        private int _state = Busy;
        private Run? _run;

        public bool TryClaim() => Interlocked.CompareExchange(ref _state, Busy, Idle) == Idle;

        public void Assign(Run run)
        {
            _run = run;
            _assigned.Release();
        }

        public void Loop()
        {
            InvocationThread.MarkCurrent();
            _assigned.Wait();
            while (true)
            {
                var run = _run!;
                _run = null;
                run.Execute();
                // Idle before the call completes, so that a call following at once finds every thread of this one.
                Volatile.Write(ref _state, Idle);
                pool._idle.Push(this);
                run.Finish();
                if (_assigned.Wait(pool._idleTimeout)) continue;
                if (Interlocked.CompareExchange(ref _state, Retired, Idle) == Idle) return;
                _assigned.Wait();   // claimed as the wait timed out: its assignment is on its way
            }
        }
    }
}
