using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Sebs.Core.Diagnostics;
using Sebs.Core.Results;

namespace Sebs.Core.Remoting;

/// <summary>Invocations to spread over the hosts: the trigger URL, timeout, event, numbers and total concurrency.</summary>
public sealed record FanOutWork(string Url, double TimeoutSeconds, JsonObject Payload, IReadOnlyList<int> Invocations, int Concurrency);

/// <summary>
/// Spreads invocations of an HTTP trigger over load hosts and merges what they send back into one stream of results on
/// the caller's clock. Each host's clock offset is measured by round trips before the first run and after the last.
/// A host that drops out loses only the invocations it had in flight: what it finished has already been streamed
/// (and journaled by the caller); what it had not started is run by the remaining hosts in a further round.
/// </summary>
public sealed class FanOut
{
    private readonly IReadOnlyList<ILoadHost> _hosts;
    private readonly Dictionary<string, LoadHostReport> _reports;
    private readonly HashSet<string> _failed = new(StringComparer.Ordinal);
    private readonly ISebsLog _log;
    private readonly int _clockSamples;

    public FanOut(IReadOnlyList<ILoadHost> hosts, ISebsLog? log = null, int clockSamples = 8)
    {
        if (hosts.Count == 0) throw new ArgumentException("At least one load host is needed.", nameof(hosts));
        var duplicate = hosts.GroupBy(h => h.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            throw new SebsException(SebsErrorIds.InvalidConfig, SebsErrorKind.InvalidArgument, $"Load host {duplicate.Key} is given more than once.", target: duplicate.Key);
        _hosts = hosts;
        _reports = hosts.ToDictionary(h => h.Name, h => new LoadHostReport(h.Name), StringComparer.Ordinal);
        _log = log ?? NullSebsLog.Instance;
        _clockSamples = Math.Max(1, clockSamples);
    }

    public IReadOnlyList<LoadHostReport> Reports => _hosts.Select(h => _reports[h.Name]).ToList();

    public IReadOnlyList<string> Alive
    {
        get { lock (_failed) return _hosts.Where(h => !_failed.Contains(h.Name)).Select(h => h.Name).ToList(); }
    }

    /// <summary>Measures every host's clock offset before the run (results are placed on the caller's clock with it).</summary>
    public async Task StartAsync(CancellationToken ct)
    {
        await Task.WhenAll(_hosts.Select(async h =>
        {
            var offset = await MeasureAsync(h, ct).ConfigureAwait(false);
            _reports[h.Name].ClockAtStart = offset;
            _log.Verbose($"Load host {h.Name}: clock offset {offset}.");
        })).ConfigureAwait(false);
    }

    /// <summary>Measures the offsets again after the run and says when a clock drifted by more than the uncertainty.</summary>
    public async Task FinishAsync(CancellationToken ct)
    {
        var alive = Alive;
        await Task.WhenAll(_hosts.Where(h => alive.Contains(h.Name)).Select(async h =>
        {
            var report = _reports[h.Name];
            try
            {
                report.ClockAtEnd = await MeasureAsync(h, ct).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                _log.Warning($"Load host {h.Name}: its clock could not be read after the run: {ex.Message}");
                return;
            }
            if (report.ClockAtStart is { } start && report.ClockAtEnd.DiffersFrom(start))
                _log.Warning($"Load host {h.Name}: its clock drifted during the run (offset {start} at start, {report.ClockAtEnd} at end); " +
                    "results carry the offset measured at the start.");
        })).ConfigureAwait(false);
        foreach (var report in Reports) _log.Verbose($"Load host {report}");
    }

    /// <summary>Runs the work over the hosts still alive; results stream in the order they arrive from any host.</summary>
    /// <param name="rotate">Starts the split at another host (callers sending many small batches spread them this way).</param>
    public async IAsyncEnumerable<ExecutionResult> RunAsync(FanOutWork work, Action<ExecutionResult>? stamp = null, int rotate = 0,
        [EnumeratorCancellation] CancellationToken ct = default)
    {
        var channel = Channel.CreateUnbounded<ExecutionResult>(new UnboundedChannelOptions { SingleReader = true });
        var producer = Task.Run(async () =>
        {
            try
            {
                await ProduceAsync(work, stamp, rotate, channel.Writer, ct).ConfigureAwait(false);
                channel.Writer.TryComplete();
            }
            catch (Exception ex)
            {
                channel.Writer.TryComplete(ex);
            }
        }, CancellationToken.None);
        await foreach (var r in channel.Reader.ReadAllAsync(CancellationToken.None).ConfigureAwait(false))
            yield return r;
        await producer.ConfigureAwait(false);
    }

    private async Task ProduceAsync(FanOutWork work, Action<ExecutionResult>? stamp, int rotate, ChannelWriter<ExecutionResult> writer, CancellationToken ct)
    {
        IReadOnlyList<int> pending = work.Invocations;
        var round = 0;
        while (pending.Count > 0)
        {
            var alive = Alive;
            if (alive.Count > 0 && rotate != 0)
            {
                var k = ((rotate % alive.Count) + alive.Count) % alive.Count;
                alive = alive.Skip(k).Concat(alive.Take(k)).ToList();
            }
            if (alive.Count == 0)
                throw new SebsException(SebsErrorIds.RemoteHostFailed, SebsErrorKind.InvalidOperation,
                    $"Every load host dropped out; {pending.Count} invocation(s) were not run. {string.Join("; ", Reports.Select(r => r.ToString()))}");
            var shares = WorkSplit.Split(alive, pending, work.Concurrency);
            foreach (var share in shares)
                _log.Verbose($"{(round == 0 ? "Share" : $"Round {round + 1} (work of a failed host)")}: {share}");
            var redo = new List<int>();
            await Task.WhenAll(shares.Where(s => s.Count > 0).Select(share => RunShareAsync(share, work, stamp, writer, redo, ct))).ConfigureAwait(false);
            ct.ThrowIfCancellationRequested();
            pending = redo.Order().ToList();
            round++;
        }
    }

    private async Task RunShareAsync(HostShare share, FanOutWork work, Action<ExecutionResult>? stamp, ChannelWriter<ExecutionResult> writer,
        List<int> redo, CancellationToken ct)
    {
        var host = _hosts.First(h => h.Name == share.Host);
        var report = _reports[host.Name];
        var offset = report.ClockAtStart ?? throw new InvalidOperationException("StartAsync measures the clocks before RunAsync.");
        var received = new HashSet<int>();
        lock (report) report.Assigned += share.Count;
        var order = new RemoteOrder(work.Url, work.TimeoutSeconds, work.Payload, InvocationRange.From(share.Invocations), share.Concurrency);
        try
        {
            await host.RunAsync(order, line =>
            {
                var r = RemoteResult.Read(line, host.Name, offset);
                stamp?.Invoke(r);
                lock (report)
                {
                    received.Add(r.Invocation);
                    report.Completed++;
                }
                writer.TryWrite(r);
            }, ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            int[] missing;
            lock (report) missing = share.Invocations.Where(i => !received.Contains(i)).ToArray();
            // The host takes numbers in order, at most Concurrency at a time: the lowest missing ones were in flight
            // (or finished with their reply still in transit); the rest never started and go to the other hosts.
            var lost = Math.Min(share.Concurrency, missing.Length);
            lock (report)
            {
                report.Error = ex.Message;
                report.Lost += lost;
                report.Reassigned += missing.Length - lost;
            }
            lock (_failed) _failed.Add(host.Name);
            lock (redo) redo.AddRange(missing.Skip(lost));
            _log.Warning($"Load host {host.Name} dropped out after {report.Completed} invocation(s): {ex.Message}. " +
                $"{lost} in flight lost; {missing.Length - lost} not yet started go to the other host(s).");
        }
    }

    private async Task<ClockOffset> MeasureAsync(ILoadHost host, CancellationToken ct)
    {
        var samples = new List<ClockSample>(_clockSamples);
        for (var i = 0; i < _clockSamples; i++)
        {
            var sent = DateTime.UtcNow;
            var remote = await host.ReadClockAsync(ct).ConfigureAwait(false);
            samples.Add(new ClockSample(sent, remote, DateTime.UtcNow));
        }
        return ClockOffset.Estimate(samples);
    }
}
