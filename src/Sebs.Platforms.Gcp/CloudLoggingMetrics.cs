using System.Globalization;
using System.Text.Json.Nodes;
using Sebs.Core.Platforms;
using Sebs.Core.Results;

namespace Sebs.Platforms.Gcp;

/// <summary>
/// Provider times from Cloud Run's request log (facts B2, SeBS gen2): entries:list over the results' window, paged,
/// matched to results by the trace id the wrapper returns as request_id; <c>httpRequest.latency</c> ("0.1234s") becomes
/// the provider execution time. Quota errors (429 RESOURCE_EXHAUSTED) back off (SeBS: 30 s); Core reads again while
/// entries are still missing, since request logs lag.
/// </summary>
public sealed class CloudLoggingMetrics(GoogleApi logging, string project, Func<string, string> serviceOf) : IMetricsSource
{
    /// <summary>Entries per page (the API's maximum is 1000).</summary>
    public int PageSize { get; init; } = 1000;
    public int MaxPages { get; init; } = 100;

    public async Task EnrichAsync(MetricsQuery query, IReadOnlyList<ExecutionResult> results, CancellationToken ct)
    {
        var byTrace = results.Where(r => !string.IsNullOrEmpty(r.RequestId)).GroupBy(r => TraceId(r.RequestId)).ToDictionary(g => g.Key, g => g.ToList());
        if (byTrace.Count == 0) return;
        await foreach (var (trace, latencyUs) in RequestsAsync(serviceOf(query.FunctionName), query.Begin, query.End, ct).ConfigureAwait(false))
        {
            if (!byTrace.Remove(trace, out var matched)) continue;
            foreach (var r in matched) r.ProviderTimes.ExecutionMicroseconds = latencyUs;
            if (byTrace.Count == 0) return;
        }
    }

    /// <summary>(trace id, latency µs) of the service's request entries between begin − 1 s and end + 5 s (SeBS's window).</summary>
    public async IAsyncEnumerable<(string Trace, long LatencyMicroseconds)> RequestsAsync(string service, DateTime begin, DateTime end,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        var filter = string.Join('\n',
            "resource.type = \"cloud_run_revision\"",
            $"logName = \"projects/{project}/logs/run.googleapis.com%2Frequests\"",
            $"resource.labels.service_name = \"{service}\"",
            $"timestamp >= \"{Rfc3339(begin.ToUniversalTime().AddSeconds(-1))}\"",
            $"timestamp <= \"{Rfc3339(end.ToUniversalTime().AddSeconds(5))}\"");
        string? token = null;
        for (var page = 0; page < MaxPages; page++)
        {
            var body = new JsonObject
            {
                ["resourceNames"] = new JsonArray($"projects/{project}"),
                ["filter"] = filter,
                ["orderBy"] = "timestamp asc",
                ["pageSize"] = PageSize,
            };
            if (token is not null) body["pageToken"] = token;
            var answer = await logging.JsonAsync(HttpMethod.Post, "v2/entries:list", body, "entries.list", ct).ConfigureAwait(false) ?? new JsonObject();
            foreach (var entry in (answer["entries"] as JsonArray ?? new JsonArray()).OfType<JsonObject>())
                if (entry["trace"]?.GetValue<string>() is { } trace && entry["httpRequest"]?["latency"]?.GetValue<string>() is { } latency
                    && ParseLatency(latency) is { } us)
                    yield return (TraceId(trace), us);
            token = answer["nextPageToken"]?.GetValue<string>() is { Length: > 0 } t ? t : null;
            if (token is null) yield break;
        }
    }

    /// <summary>"projects/P/traces/ID" or "ID/SPAN;o=1" or "ID": the trace id.</summary>
    public static string TraceId(string value)
    {
        var i = value.IndexOf("/traces/", StringComparison.Ordinal);
        if (i >= 0) value = value[(i + 8)..];
        var slash = value.IndexOf('/');
        return slash >= 0 ? value[..slash] : value;
    }

    /// <summary>A protobuf Duration in JSON ("0.123456789s") in µs.</summary>
    public static long? ParseLatency(string latency) =>
        latency.EndsWith('s') && decimal.TryParse(latency[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var s)
            ? (long)Math.Round(s * 1_000_000m) : null;

    private static string Rfc3339(DateTime utc) => utc.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);
}
