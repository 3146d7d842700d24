using System.Globalization;
using Sebs.Core.Results;

namespace Sebs.Platforms.Aws;

/// <summary>One Lambda REPORT log line (SeBS §7.4): times in ms, memory in MB.</summary>
public sealed record LambdaReport(string RequestId, double DurationMs, long BilledMs, int MemorySizeMB, int MaxMemoryUsedMB, double? InitDurationMs)
{
    /// <summary>Parses "REPORT RequestId: id\tDuration: 1.23 ms\tBilled Duration: 2 ms\tMemory Size: 128 MB\tMax Memory Used: 40 MB\t[Init Duration: 100.5 ms]".</summary>
    public static LambdaReport? Parse(string line)
    {
        var start = line.IndexOf("REPORT RequestId:", StringComparison.Ordinal);
        if (start < 0) return null;
        string? id = null;
        double duration = 0;
        long billed = 0;
        int memory = 0, used = 0;
        double? init = null;
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
            }
        }
        return id is null ? null : new LambdaReport(id, duration, billed, memory, used, init);
    }

    private static double Number(string s) => double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : 0;

    /// <summary>Fills provider times, memory and billing the way SeBS's parse_aws_report does.</summary>
    public void ApplyTo(ExecutionResult result)
    {
        result.ProviderTimes.ExecutionMicroseconds = (long)(DurationMs * 1000);
        if (InitDurationMs is { } init) result.ProviderTimes.InitializationMicroseconds = (long)(init * 1000);
        result.Stats.MemoryUsedMB = MaxMemoryUsedMB;
        result.Billing.BilledTimeMilliseconds = BilledMs;
        result.Billing.MemoryMB = MemorySizeMB;
        result.Billing.Recompute();
    }

    /// <summary>Every REPORT line of a log text (the tail of an Invoke, or log events).</summary>
    public static IEnumerable<LambdaReport> ParseAll(string log) =>
        log.Split('\n').Select(Parse).Where(r => r is not null).Select(r => r!);
}
