using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Sebs.Core;
using Sebs.Core.Diagnostics;
using Sebs.Core.Http;
using Sebs.Core.Platforms;
using Sebs.Core.Results;

namespace Sebs.Platforms.Azure;

/// <summary>
/// Provider execution times from Application Insights request telemetry (SeBS §7.4: the requests table, matched on
/// customDimensions.InvocationId = the wrapper's request_id, µs = ms × 1000), read through the query API with an Entra
/// token (API keys stopped working on 31 Mar 2026; facts A4). Telemetry arrives minutes late: the query is repeated
/// until every result has its row or <see cref="AzureSettings.MetricsTimeout"/> passes; results without one are named.
/// </summary>
public sealed class AppInsightsMetrics : IMetricsSource, IDisposable
{
    private readonly ControlPlaneClient _http;
    private readonly AzureSettings _settings;
    private readonly ISebsLog _log;
    private readonly Func<CancellationToken, Task<string>> _appId;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, DateTime> _deadlines = new();

    public AppInsightsMetrics(AzureSettings settings, AzureTokens tokens, Func<CancellationToken, Task<string>> appId, ISebsLog log, HttpMessageHandler? handler = null)
    {
        _settings = settings;
        _log = log;
        _appId = appId;
        _http = new ControlPlaneClient(new ControlPlaneOptions { Service = "Application Insights" },
            new BearerTokenAuthenticator(ct => tokens.GetAsync(settings.AppInsightsAudience, ct)), log, handler);
    }

    /// <summary>SeBS's KQL, limited to the one app (several apps share Sebs's component).</summary>
    internal static string Query(string app) =>
        "requests | where cloud_RoleName =~ '" + app.Replace("'", "", StringComparison.Ordinal) + "' " +
        "| project timestamp, operation_Name, success, resultCode, duration, cloud_RoleName, " +
        "invocationId=customDimensions['InvocationId'], functionTime=customDimensions['FunctionExecutionTimeMs']";

    public async Task EnrichAsync(MetricsQuery query, IReadOnlyList<ExecutionResult> results, CancellationToken ct)
    {
        var pending = results.Where(r => !string.IsNullOrEmpty(r.RequestId) && r.ProviderTimes.ExecutionMicroseconds == 0)
            .GroupBy(r => r.RequestId, StringComparer.OrdinalIgnoreCase).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.OrdinalIgnoreCase);
        if (pending.Count == 0) return;
        var appId = await _appId(ct).ConfigureAwait(false);
        // Core reads again a few times for results still missing; the minutes-long wait for lagging telemetry happens
        // once per query, and later reads of the same query are single looks.
        var deadline = _deadlines.GetOrAdd($"{query.FunctionName}|{query.Begin:O}|{query.End:O}", _ => DateTime.UtcNow + _settings.MetricsTimeout);
        var budget = deadline - DateTime.UtcNow;
        // SeBS: [begin, end + 1 s]; telemetry timestamps are the request's start.
        var span = $"{query.Begin.ToUniversalTime().AddSeconds(-5):yyyy-MM-ddTHH:mm:ss.fffZ}/{query.End.ToUniversalTime().AddSeconds(5):yyyy-MM-ddTHH:mm:ss.fffZ}";
        async Task<bool> ReadOnceAsync(CancellationToken token)
        {
            foreach (var (id, ms) in await RowsAsync(appId, Query(query.FunctionName), span, token).ConfigureAwait(false))
                if (pending.Remove(id, out var matched))
                    foreach (var r in matched) r.ProviderTimes.ExecutionMicroseconds = (long)Math.Round(ms * 1000);
            return pending.Count == 0;
        }
        if (budget <= TimeSpan.Zero)
        {
            await ReadOnceAsync(ct).ConfigureAwait(false);
            return;
        }
        try
        {
            await OperationPoller.PollAsync(async token => await ReadOnceAsync(token).ConfigureAwait(false)
                    ? PollStep<bool>.Finished(true) : PollStep<bool>.Running($"{pending.Count} invocations without telemetry"),
                new PollOptions(_settings.PollInterval * 5, budget, "Application Insights telemetry") { BackOff = true, MaxInterval = TimeSpan.FromSeconds(30) },
                ct).ConfigureAwait(false);
        }
        catch (SebsException ex) when (ex.Kind == SebsErrorKind.OperationTimeout)
        {
            // Flex Consumption records no request telemetry for cold starts (azure-functions-host#11167; facts A4).
            _log.Warning($"Application Insights has no request telemetry for {pending.Count} invocation(s) of {query.FunctionName} after {_settings.MetricsTimeout.TotalSeconds:0} s; " +
                $"their ProviderMs stays 0: {string.Join(", ", pending.Keys.Take(20))}{(pending.Count > 20 ? ", ..." : "")}");
        }
    }

    /// <summary>(invocation id, milliseconds) rows: FunctionExecutionTimeMs where present, else the request duration.</summary>
    internal async Task<List<(string Id, double Ms)>> RowsAsync(string appId, string kql, string timespan, CancellationToken ct)
    {
        var body = new JsonObject { ["query"] = kql, ["timespan"] = timespan };
        var r = await _http.SendAsync(() => new HttpRequestMessage(HttpMethod.Post, new Uri(_settings.AppInsightsEndpoint, $"v1/apps/{Uri.EscapeDataString(appId)}/query"))
        {
            Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"),
        }, new ControlPlaneCall("query"), ct).ConfigureAwait(false);
        var rows = new List<(string, double)>();
        if (r.Json()["tables"] is not JsonArray { Count: > 0 } tables || tables[0] is not JsonObject table) return rows;
        var columns = (table["columns"] as JsonArray ?? new JsonArray()).Select(c => c?["name"]?.GetValue<string>() ?? "").ToList();
        int idIndex = columns.IndexOf("invocationId"), functionIndex = columns.IndexOf("functionTime"), durationIndex = columns.IndexOf("duration");
        if (idIndex < 0) return rows;
        foreach (var row in table["rows"] as JsonArray ?? new JsonArray())
        {
            if (row is not JsonArray cells || cells[idIndex]?.ToString() is not { Length: > 0 } id) continue;
            var ms = Number(functionIndex >= 0 ? cells[functionIndex] : null) ?? Number(durationIndex >= 0 ? cells[durationIndex] : null);
            if (ms is { } value) rows.Add((id, value));
        }
        return rows;
    }

    private static double? Number(JsonNode? node) => node switch
    {
        JsonValue v when v.TryGetValue<double>(out var d) => d,
        JsonValue v when v.TryGetValue<string>(out var s) && double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var p) => p,
        _ => null,
    };

    public void Dispose() => _http.Dispose();
}
