using System.Text.Json.Nodes;
using Sebs.Core.Platforms;
using Sebs.Core.Results;

namespace Sebs.Platforms.Aws;

/// <summary>
/// Provider metrics from the function's log group: the REPORT line of each invocation (FilterLogEvents, paged),
/// matched to results by request id. SeBS used Logs Insights; FilterLogEvents needs no query polling.
/// </summary>
public sealed class CloudWatchLogsMetrics(AwsApiClient api) : IMetricsSource
{
    public async Task EnrichAsync(MetricsQuery query, IReadOnlyList<ExecutionResult> results, CancellationToken ct)
    {
        var byId = results.Where(r => !string.IsNullOrEmpty(r.RequestId)).GroupBy(r => r.RequestId).ToDictionary(g => g.Key, g => g.ToList());
        if (byId.Count == 0) return;
        await foreach (var report in ReportsAsync(query.FunctionName, query.Begin, query.End, ct).ConfigureAwait(false))
        {
            if (!byId.Remove(report.RequestId, out var matched)) continue;
            foreach (var r in matched) report.ApplyTo(r);
            if (byId.Count == 0) return;   // every result has its line: no need to scan further
        }
    }

    /// <summary>At most this many pages per read; FilterLogEvents may return empty pages with a token while it scans.</summary>
    public int MaxPages { get; init; } = 200;

    /// <summary>REPORT lines of /aws/lambda/&lt;name&gt; between begin and end (+1 s, as SeBS, since log times are rounded).</summary>
    public async IAsyncEnumerable<LambdaReport> ReportsAsync(string functionName, DateTime begin, DateTime end,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        string? token = null;
        var pages = 0;
        do
        {
            var request = new JsonObject
            {
                ["logGroupName"] = "/aws/lambda/" + functionName,
                ["startTime"] = new DateTimeOffset(begin.ToUniversalTime()).ToUnixTimeMilliseconds() - 1000,
                ["endTime"] = new DateTimeOffset(end.ToUniversalTime()).ToUnixTimeMilliseconds() + 1000,
                ["filterPattern"] = LambdaReport.FilterPattern,
            };
            if (token is not null) request["nextToken"] = token;
            if (++pages > MaxPages) yield break;
            JsonObject page;
            try
            {
                page = await api.JsonTargetAsync("logs", "Logs_20140328.FilterLogEvents", request, ct).ConfigureAwait(false);
            }
            catch (Sebs.Core.Http.CloudRequestException ex) when (ex.Code == "ResourceNotFoundException")
            {
                yield break;   // the log group appears with the first invocation's logs: nothing yet
            }
            foreach (var e in page["events"] as JsonArray ?? new JsonArray())
                if (e?["message"]?.GetValue<string>() is { } message && LambdaReport.Parse(message) is { } report)
                    yield return report;
            token = page["nextToken"]?.GetValue<string>();
        }
        while (token is not null);
    }
}
