using System.Text.Json.Nodes;
using Sebs.Core.Platforms;
using Sebs.Core.Results;

namespace Sebs.Platforms.Loopback;

/// <summary>Provider times from the gateway's log, matched by request id within the results' window (as cloud log readers do).</summary>
internal sealed class GatewayLogMetrics(string logPath) : IMetricsSource
{
    public async Task EnrichAsync(MetricsQuery query, IReadOnlyList<ExecutionResult> results, CancellationToken ct)
    {
        if (!File.Exists(logPath)) return;
        var byId = results.Where(r => r.RequestId.Length > 0).GroupBy(r => r.RequestId).ToDictionary(g => g.Key, g => g.ToList());
        foreach (var line in await File.ReadAllLinesAsync(logPath, ct).ConfigureAwait(false))
        {
            if (JsonNode.Parse(line) is not JsonObject entry || entry["function"]?.GetValue<string>() != query.FunctionName) continue;
            var time = DateTime.Parse(entry["time"]!.GetValue<string>(), null, System.Globalization.DateTimeStyles.RoundtripKind);
            if (time < query.Begin.ToUniversalTime().AddSeconds(-1) || time > query.End.ToUniversalTime().AddSeconds(1)) continue;
            if (byId.TryGetValue(entry["request_id"]!.GetValue<string>(), out var matched))
                foreach (var r in matched) r.ProviderTimes.ExecutionMicroseconds = entry["duration_us"]!.GetValue<long>();
        }
    }
}
