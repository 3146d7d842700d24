using System.Text.Json;
using Sebs.Core.Results;

namespace Sebs.Core.Remoting;

/// <summary>Turns a host's result line back into an <see cref="ExecutionResult"/> on the caller's clock, marked with its host.</summary>
public static class RemoteResult
{
    public static ExecutionResult Read(string line, string host, ClockOffset offset)
    {
        using var doc = JsonDocument.Parse(line);
        var root = doc.RootElement;
        var r = InvocationJson.Read(root.GetProperty("result"));
        r.Invocation = root.GetProperty("invocation").GetInt32();
        r.Times.ClientBegin = offset.ToCallerLocal(new DateTime(root.GetProperty("begin_utc_ticks").GetInt64(), DateTimeKind.Utc));
        r.Times.ClientEnd = offset.ToCallerLocal(new DateTime(root.GetProperty("end_utc_ticks").GetInt64(), DateTimeKind.Utc));
        r.TimedOut = root.TryGetProperty("timed_out", out var timedOut) && timedOut.GetBoolean();
        r.Throttled = root.TryGetProperty("throttled", out var throttled) && throttled.GetBoolean();
        r.ClientHost = host;
        r.ClockOffsetMs = offset.OffsetMs;
        r.ClockUncertaintyMs = offset.UncertaintyMs;
        return r;
    }
}
