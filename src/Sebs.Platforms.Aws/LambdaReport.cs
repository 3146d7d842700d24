using System.Globalization;
using System.Text.Json.Nodes;
using Sebs.Core.Results;

namespace Sebs.Platforms.Aws;

/// <summary>
/// One Lambda invocation report (SeBS §7.4), from either log format: the text REPORT line or, with
/// LoggingConfig.LogFormat JSON, the <c>platform.report</c> record. Times in ms, memory in MB. SnapStart functions
/// report a restore instead of an init duration; a timed-out invocation says so (text "Status: timeout", JSON status).
/// </summary>
public sealed record LambdaReport(string RequestId, double DurationMs, long BilledMs, int MemorySizeMB, int MaxMemoryUsedMB, double? InitDurationMs)
{
    /// <summary>SnapStart's Restore Duration (the function resumed from a snapshot instead of initialising).</summary>
    public double? RestoreDurationMs { get; init; }
    /// <summary>The invocation ran into its timeout.</summary>
    public bool TimedOut { get; init; }

    /// <summary>The CloudWatch Logs filter that finds reports in both formats (?term means "any of").</summary>
    public const string FilterPattern = "?\"REPORT RequestId\" ?\"platform.report\"";

    /// <summary>
    /// Parses "REPORT RequestId: id\tDuration: 1.23 ms\tBilled Duration: 2 ms\tMemory Size: 128 MB\tMax Memory Used: 40 MB\t[Init Duration: 100.5 ms]"
    /// or {"time": ..., "type": "platform.report", "record": {"requestId", "metrics": {durationMs, billedDurationMs, memorySizeMB, maxMemoryUsedMB, initDurationMs?, restoreDurationMs?}, "status"}}.
    /// </summary>
    public static LambdaReport? Parse(string line)
    {
        var trimmed = line.TrimStart();
        if (trimmed.StartsWith('{')) return ParseJson(trimmed);
        var start = line.IndexOf("REPORT RequestId:", StringComparison.Ordinal);
        if (start < 0) return null;
        string? id = null;
        double duration = 0;
        long billed = 0;
        int memory = 0, used = 0;
        double? init = null, restore = null;
        var timedOut = false;
        foreach (var field in line[start..].Split('\t', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var colon = field.IndexOf(':');
            if (colon < 0) continue;
            var key = field[..colon].Trim();
            var value = field[(colon + 1)..].Trim().Split(' ')[0];
            switch (key)
            {
                case "REPORT RequestId": id = value; break;
                case "Duration": duration = Number(value); break;
                case "Billed Duration": billed = (long)Math.Ceiling(Number(value)); break;
                case "Memory Size": memory = (int)Number(value); break;
                case "Max Memory Used": used = (int)Number(value); break;
                case "Init Duration": init = Number(value); break;
                case "Restore Duration": restore = Number(value); break;
                case "Status": timedOut = value == "timeout"; break;
            }
        }
        return id is null ? null : new LambdaReport(id, duration, billed, memory, used, init) { RestoreDurationMs = restore, TimedOut = timedOut };
    }

    private static LambdaReport? ParseJson(string line)
    {
        JsonObject? o;
        try { o = JsonNode.Parse(line) as JsonObject; }
        catch (System.Text.Json.JsonException) { return null; }
        if (o?["type"]?.ToString() != "platform.report" || o["record"] is not JsonObject record) return null;
        if (record["requestId"]?.ToString() is not { Length: > 0 } id) return null;
        var m = record["metrics"] as JsonObject;
        double? Metric(string key) => m?[key] is JsonValue v && v.TryGetValue<double>(out var d) ? d : null;
        return new LambdaReport(id, Metric("durationMs") ?? 0, (long)Math.Ceiling(Metric("billedDurationMs") ?? 0),
            (int)(Metric("memorySizeMB") ?? 0), (int)(Metric("maxMemoryUsedMB") ?? 0), Metric("initDurationMs"))
        {
            RestoreDurationMs = Metric("restoreDurationMs"),
            TimedOut = record["status"]?.ToString() == "timeout",
        };
    }

    private static double Number(string s) => double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : 0;

    /// <summary>Fills provider times, memory and billing the way SeBS's parse_aws_report does (a restore counts as the start-up).</summary>
    public void ApplyTo(ExecutionResult result)
    {
        result.ProviderTimes.ExecutionMicroseconds = (long)(DurationMs * 1000);
        if ((InitDurationMs ?? RestoreDurationMs) is { } init) result.ProviderTimes.InitializationMicroseconds = (long)(init * 1000);
        result.Stats.MemoryUsedMB = MaxMemoryUsedMB;
        result.Billing.BilledTimeMilliseconds = BilledMs;
        result.Billing.MemoryMB = MemorySizeMB;
        result.Billing.Recompute();
        if (TimedOut) result.TimedOut = true;
    }

    /// <summary>Every report of a log text (the tail of an Invoke, or log events), in either format.</summary>
    public static IEnumerable<LambdaReport> ParseAll(string log) =>
        log.Split('\n').Select(Parse).Where(r => r is not null).Select(r => r!);
}
