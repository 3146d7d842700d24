using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Sebs.Core.Platforms;
using Sebs.Core.Results;

namespace Sebs.Core.Remoting;

/// <summary>
/// An HTTP trigger whose invocations are sent by the load hosts, so experiments written against
/// <see cref="IFunctionTrigger"/> fan out unchanged. Calls that arrive together (a perf-cost burst: N calls at once)
/// are gathered for a moment and split over the hosts as one batch, each host running its share concurrently, so a
/// burst stays a burst; a lone call (invocation-overhead's sequential samples) goes to the next host in turn.
/// </summary>
public sealed class FanOutTrigger : IFunctionTrigger
{
    /// <summary>How long the first call of a batch waits for the rest of a burst (before its request is sent, so it is not measured).</summary>
    public static readonly TimeSpan GatherWindow = TimeSpan.FromMilliseconds(5);

    private readonly FanOut _fanOut;
    private readonly Func<string> _url;
    private readonly double _timeoutSeconds;
    private readonly object _gate = new();
    private List<Pending>? _gathering;
    private int _next;
    private int _rotation;

    /// <param name="url">Read for each batch: a platform may move the endpoint (a new sandbox after a forced cold start).</param>
    public FanOutTrigger(FanOut fanOut, Func<string> url, double timeoutSeconds)
    {
        _fanOut = fanOut;
        _url = url;
        _timeoutSeconds = timeoutSeconds;
    }

    public TriggerType Type => TriggerType.Http;

    public Task<ExecutionResult> InvokeAsync(JsonObject payload, CancellationToken cancellationToken)
    {
        var pending = new Pending(Interlocked.Increment(ref _next) - 1, payload, cancellationToken);
        bool first;
        lock (_gate)
        {
            first = _gathering is null;
            _gathering ??= new List<Pending>();
            _gathering.Add(pending);
        }
        if (first) _ = Task.Run(() => DispatchAsync(cancellationToken), CancellationToken.None);
        return pending.Result.Task;
    }

    private async Task DispatchAsync(CancellationToken ct)
    {
        List<Pending> batch;
        try
        {
            await Task.Delay(GatherWindow, ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException) { }
        lock (_gate)
        {
            batch = _gathering!;
            _gathering = null;
        }
        // One order per distinct event; a burst sends the same event N times.
        var groups = batch.GroupBy(p => p.Payload.ToJsonString()).ToList();
        await Task.WhenAll(groups.Select(g => RunGroupAsync(g.ToList(), ct))).ConfigureAwait(false);
    }

    private async Task RunGroupAsync(List<Pending> group, CancellationToken ct)
    {
        var byNumber = group.ToDictionary(p => p.Number);
        try
        {
            var work = new FanOutWork(_url(), _timeoutSeconds, group[0].Payload, group.Select(p => p.Number).ToArray(), group.Count);
            // Lone calls go round the hosts: the split gives a one-invocation batch to the first host listed.
            var rotation = Interlocked.Increment(ref _rotation);
            await foreach (var r in _fanOut.RunAsync(work, rotate: rotation, ct: ct).ConfigureAwait(false))
                if (byNumber.Remove(r.Invocation, out var p)) p.Result.TrySetResult(r);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            foreach (var p in byNumber.Values) p.Result.TrySetCanceled(ct);
            return;
        }
        catch (Exception ex)
        {
            foreach (var p in byNumber.Values) p.Result.TrySetException(ex);
            return;
        }
        // Invocations in flight on a host that dropped out: measured by nobody, reported as failed samples.
        foreach (var p in byNumber.Values)
            p.Result.TrySetResult(new ExecutionResult
            {
                Stats = { Failure = true },
                Trigger = "http",
                ErrorMessage = "Lost: the load host sending this invocation dropped out while it was in flight.",
            });
    }

    private sealed record Pending(int Number, JsonObject Payload, CancellationToken Token)
    {
        public TaskCompletionSource<ExecutionResult> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
