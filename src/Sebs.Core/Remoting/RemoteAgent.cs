using System.Buffers;
using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Sebs.Core.Invocation;
using Sebs.Core.Results;

namespace Sebs.Core.Remoting;

/// <summary>
/// The load-host side of a fanned-out run, called from the remote PowerShell session: runs one order's invocations
/// through the module's own <see cref="HttpTrigger"/> (so each is a real <see cref="ExecutionResult"/>) and hands back
/// one JSON line per result as soon as it completes, which PowerShell remoting streams to the caller.
/// Holds nothing between orders and writes nothing to disk.
/// </summary>
public static class RemoteAgent
{
    /// <summary>
    /// Test hook: a host started with <c>SEBS_TEST_CLOCK_SKEW_MS</c> reads its clock that far ahead, as a machine with a
    /// wrong clock would, so tests on one machine can check that offsets are measured and applied.
    /// </summary>
    public const string ClockSkewVariable = "SEBS_TEST_CLOCK_SKEW_MS";

    private static readonly TimeSpan Skew = ReadSkew();

    /// <summary>This host's clock, UTC ticks (what the caller's round trips read).</summary>
    public static long UtcNowTicks() => (DateTime.UtcNow + Skew).Ticks;

    /// <summary>Runs the order; blocks while enumerated, yielding each result line as it completes (completion order).</summary>
    public static IEnumerable<string> Run(string orderJson)
    {
        var order = RemoteOrder.Parse(orderJson);
        // Cancelled when the caller stops reading (its pipeline was stopped): no invocations after that.
        using var stop = new CancellationTokenSource();
        using var lines = new BlockingCollection<string>();
        using var trigger = new HttpTrigger(order.Url, TimeSpan.FromSeconds(order.TimeoutSeconds), () => new ExecutionResult());
        var numbers = order.Numbers().ToArray();
        var next = -1;
        // A sliding window of Concurrency workers, taking numbers in order: each starts the next when its last one returned.
        var workers = Enumerable.Range(0, Math.Min(order.Concurrency, Math.Max(numbers.Length, 1))).Select(_ => Task.Run(async () =>
        {
            int slot;
            while (!stop.IsCancellationRequested && (slot = Interlocked.Increment(ref next)) < numbers.Length)
            {
                ExecutionResult result;
                try
                {
                    result = await trigger.InvokeAsync((System.Text.Json.Nodes.JsonObject)order.Payload.DeepClone(), stop.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) { return; }
                result.Invocation = numbers[slot];
                lines.Add(Line(result));
            }
        })).ToArray();
        _ = Task.WhenAll(workers).ContinueWith(_ => lines.CompleteAdding(), TaskScheduler.Default);
        try
        {
            foreach (var line in lines.GetConsumingEnumerable()) yield return line;
        }
        finally
        {
            stop.Cancel();
            // The workers end at their next step; wait so nothing touches the trigger or the queue after they are disposed.
            try { Task.WaitAll(workers); } catch (AggregateException) { }
        }
    }

    /// <summary>A result with its client times as this host's UTC ticks (host time zones and clocks differ from the caller's).</summary>
    private static string Line(ExecutionResult r)
    {
        var buffer = new ArrayBufferWriter<byte>(2048);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteNumber("invocation", r.Invocation);
            w.WriteNumber("begin_utc_ticks", (r.Times.ClientBegin.ToUniversalTime() + Skew).Ticks);
            w.WriteNumber("end_utc_ticks", (r.Times.ClientEnd.ToUniversalTime() + Skew).Ticks);
            // Not part of SeBS's invocation JSON, so carried beside it.
            w.WriteBoolean("timed_out", r.TimedOut);
            w.WriteBoolean("throttled", r.Throttled);
            w.WritePropertyName("result");
            InvocationJson.Write(w, r);
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static TimeSpan ReadSkew() =>
        double.TryParse(Environment.GetEnvironmentVariable(ClockSkewVariable), NumberStyles.Float, CultureInfo.InvariantCulture, out var ms)
            ? TimeSpan.FromMilliseconds(ms) : TimeSpan.Zero;
}
