using System.Management.Automation;
using Sebs.Core;
using Sebs.Core.Diagnostics;
using Sebs.Core.Running;

namespace Sebs.Cmdlets.Infrastructure;

/// <summary>
/// Base for Sebs cmdlets: cancellation on Ctrl+C, and a queue so Core's async work (on other threads) can
/// write objects, verbose lines and progress that the pipeline thread then emits in order.
/// </summary>
public abstract class SebsCmdlet : PSCmdlet
{
    private CancellationTokenSource? _cts;
    private HandOffQueue<Action>? _queue;

    /// <summary>How long a stopped pipeline waits for its work to finish writing what it measured.</summary>
    private static readonly TimeSpan StoppedWorkGrace = TimeSpan.FromSeconds(10);

    protected CancellationToken CancellationToken => (_cts ??= new CancellationTokenSource()).Token;

    protected override void StopProcessing() => CancelWork();

    /// <summary>Cancels the running work and stops taking what it sends to the pipeline.</summary>
    private void CancelWork()
    {
        _cts?.Cancel();
        _queue?.CompleteAdding();
    }

    protected override void EndProcessing()
    {
        _cts?.Dispose();
        _cts = null;
    }

    /// <summary>
    /// Runs async work off the pipeline thread and pumps what it queues onto the pipeline thread until it ends.
    /// Exceptions come back here, on the pipeline thread, as they were thrown.
    /// </summary>
    protected void RunAsync(Func<PipelineQueue, CancellationToken, Task> work)
    {
        var queue = new HandOffQueue<Action>();
        _queue = queue;
        var sink = new PipelineQueue(queue, this);
        var token = CancellationToken;
        var task = Task.Run(async () =>
        {
            // Platforms log to the operation that calls them: this cmdlet's queue, for as long as this work runs.
            using var scope = OperationLog.Use(sink);
            try { await work(sink, token).ConfigureAwait(false); }
            finally { queue.CompleteAdding(); }
        });
        try
        {
            foreach (var batch in queue.GetConsumingBatches())
                foreach (var action in batch) action();
        }
        catch (InvalidOperationException) when (queue.IsAddingCompleted) { }
        catch
        {
            // An emit threw, mostly PipelineStoppedException on Ctrl+C: the work still runs its finally blocks, which
            // write what was measured (a stopped experiment's partial result file). Leaving without them let pwsh exit
            // mid-write. Bounded, so that work ignoring its token cannot hold Ctrl+C.
            CancelWork();
            try { task.Wait(StoppedWorkGrace); } catch (AggregateException) { }
            throw;
        }
        finally { _queue = null; }
        try
        {
            task.GetAwaiter().GetResult();
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
    }

    /// <summary>
    /// <see cref="RunAsync"/> for one pipeline item: a failure becomes a non-terminating error about
    /// <paramref name="target"/> and the next item goes on; Ctrl+C still stops the pipeline.
    /// </summary>
    protected void RunForItem(object? target, Func<PipelineQueue, CancellationToken, Task> work)
    {
        try
        {
            RunAsync(work);
        }
        catch (PipelineStoppedException) { throw; }
        catch (Exception ex) { WriteError(ToErrorRecord(ex, target)); }
    }

    /// <summary>Maps a Core exception onto an ErrorRecord with its stable id and category.</summary>
    protected internal static ErrorRecord ToErrorRecord(Exception ex, object? target = null)
    {
        if (ex is AggregateException { InnerExceptions.Count: 1 } agg) ex = agg.InnerExceptions[0];
        return ex switch
        {
            SebsException se => new ErrorRecord(se, se.ErrorId, MapCategory(se.Kind), se.Target ?? target),
            OperationCanceledException => new ErrorRecord(ex, SebsErrorIds.OperationStopped, ErrorCategory.OperationStopped, target),
            TimeoutException => new ErrorRecord(ex, SebsErrorIds.Timeout, ErrorCategory.OperationTimeout, target),
            HttpRequestException => new ErrorRecord(ex, SebsErrorIds.ConnectionError, ErrorCategory.ConnectionError, target),
            UnauthorizedAccessException => new ErrorRecord(ex, SebsErrorIds.AccessDenied, ErrorCategory.PermissionDenied, target),
            IOException => new ErrorRecord(ex, SebsErrorIds.IOError, ErrorCategory.WriteError, target),
            ArgumentException => new ErrorRecord(ex, SebsErrorIds.InvalidArgument, ErrorCategory.InvalidArgument, target),
            _ => new ErrorRecord(ex, SebsErrorIds.UnexpectedError, ErrorCategory.NotSpecified, target),
        };
    }

    protected static ErrorCategory MapCategory(SebsErrorKind kind) => kind switch
    {
        SebsErrorKind.InvalidArgument => ErrorCategory.InvalidArgument,
        SebsErrorKind.InvalidData => ErrorCategory.InvalidData,
        SebsErrorKind.ObjectNotFound => ErrorCategory.ObjectNotFound,
        SebsErrorKind.ResourceUnavailable => ErrorCategory.ResourceUnavailable,
        SebsErrorKind.ConnectionError => ErrorCategory.ConnectionError,
        SebsErrorKind.AuthenticationError => ErrorCategory.AuthenticationError,
        SebsErrorKind.OperationTimeout => ErrorCategory.OperationTimeout,
        SebsErrorKind.InvalidOperation => ErrorCategory.InvalidOperation,
        SebsErrorKind.WriteError => ErrorCategory.WriteError,
        SebsErrorKind.OperationStopped => ErrorCategory.OperationStopped,
        _ => ErrorCategory.NotSpecified,
    };

    /// <summary>Writes a non-terminating error for one item and carries on.</summary>
    protected void WriteSebsError(Exception ex, object? target = null) => WriteError(ToErrorRecord(ex, target));

    /// <summary>Stops the whole call with the exception's id and category.</summary>
    protected void ThrowSebsError(Exception ex, object? target = null) => ThrowTerminatingError(ToErrorRecord(ex, target));

    /// <summary>A log that forwards to this cmdlet's Verbose/Warning/Debug streams; only valid on the pipeline thread.</summary>
    protected ISebsLog DirectLog => new CmdletLog(this);

    private sealed class CmdletLog(Cmdlet cmdlet) : ISebsLog
    {
        public void Verbose(string message) => cmdlet.WriteVerbose(message);
        public void Warning(string message) => cmdlet.WriteWarning(message);
        public void Debug(string message) => cmdlet.WriteDebug(message);
    }
}

/// <summary>Where async work sends objects, errors, messages and progress: the pipeline (<see cref="PipelineQueue"/>) or a job.</summary>
public interface IRunSink : ISebsLog, IProgress<SebsProgress>
{
    void WriteObject(object value);
    void WriteError(ErrorRecord record);
}

/// <summary>What async Core work may send to the pipeline; thread-safe, emitted in order on the pipeline thread.</summary>
public sealed class PipelineQueue : IRunSink
{
    private readonly HandOffQueue<Action> _queue;
    private readonly Cmdlet _cmdlet;
    private readonly Dictionary<string, int> _activityIds = new();

    internal PipelineQueue(HandOffQueue<Action> queue, Cmdlet cmdlet)
    {
        _queue = queue;
        _cmdlet = cmdlet;
    }

    // Once the pipeline has stopped, late output is dropped: results are already on disk.
    private void Post(Action action) => _queue.TryAdd(action);

    public void WriteObject(object value) => Post(() => _cmdlet.WriteObject(value));
    public void WriteError(ErrorRecord record) => Post(() => _cmdlet.WriteError(record));
    public void Verbose(string message) => Post(() => _cmdlet.WriteVerbose(message));
    public void Warning(string message) => Post(() => _cmdlet.WriteWarning(message));
    public void Debug(string message) => Post(() => _cmdlet.WriteDebug(message));

    public void Report(SebsProgress value) => Post(() =>
    {
        if (!_activityIds.TryGetValue(value.Activity, out var id))
            _activityIds[value.Activity] = id = _activityIds.Count + 1;
        var record = new ProgressRecord(id, value.Activity, string.IsNullOrEmpty(value.Status) ? "Working" : value.Status)
        {
            PercentComplete = value.PercentComplete,
            SecondsRemaining = value.Remaining is { } r ? (int)Math.Ceiling(r.TotalSeconds) : -1,
        };
        if (value.Total > 0 && value.Completed >= value.Total) record.RecordType = ProgressRecordType.Completed;
        _cmdlet.WriteProgress(record);
    });
}
