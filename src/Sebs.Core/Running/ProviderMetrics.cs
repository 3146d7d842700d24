using Sebs.Core.Diagnostics;
using Sebs.Core.Platforms;
using Sebs.Core.Results;

namespace Sebs.Core.Running;

/// <summary>
/// SeBS's download_metrics after a run: fills provider times, memory and billing into results that lack them. Cloud
/// logs arrive seconds late, so a cloud platform is asked again (a few times) while results are still missing.
/// </summary>
public static class ProviderMetrics
{
    public static Task EnrichAsync(IPlatform platform, SebsFunction function, IReadOnlyList<ExecutionResult> results, ISebsLog log,
        CancellationToken ct, int attempts = 4, TimeSpan? wait = null) =>
        EnrichAsync(platform, function.Name, results, log, ct, attempts, wait);

    /// <summary>The same from results alone: their function name, region and time span say what to look for.</summary>
    public static async Task EnrichAsync(IPlatform platform, string functionName, IReadOnlyList<ExecutionResult> results, ISebsLog log,
        CancellationToken ct, int attempts = 4, TimeSpan? wait = null)
    {
        var region = results.Select(r => r.Region).FirstOrDefault(r => !string.IsNullOrEmpty(r)) ?? platform.Region;
        if (platform.Metrics is not { } metrics || results.Count == 0) return;
        var begin = results.Min(r => r.Times.ClientBegin);
        var end = results.Max(r => r.Times.ClientEnd);
        // Local memory describes every result and is there at once; cloud logs lag and are read again for those still missing.
        var local = platform.Descriptor.MetricsAreImmediate;
        for (var attempt = 1; ; attempt++)
        {
            var missing = results.Where(r => !r.Failed && r.ProviderTimes.ExecutionMicroseconds == 0).ToList();
            if (missing.Count == 0 && !local) return;
            try
            {
                await metrics.EnrichAsync(new MetricsQuery(functionName, region, begin, end), local ? results : missing, ct).ConfigureAwait(false);
            }
            catch (SebsException ex)
            {
                log.Warning($"Provider metrics of {functionName} could not be read: {ex.Message}");
                return;
            }
            if (local) return;
            var left = results.Count(r => !r.Failed && r.ProviderTimes.ExecutionMicroseconds == 0);
            if (left == 0) return;
            if (attempt >= attempts)
            {
                log.Warning($"Provider metrics of {functionName}: {left} of {results.Count} results have none after {attempt} reads of the logs.");
                return;
            }
            log.Verbose($"Provider metrics of {functionName}: {left} results still without, reading the logs again.");
            await Task.Delay(wait ?? TimeSpan.FromSeconds(5), ct).ConfigureAwait(false);
        }
    }
}
