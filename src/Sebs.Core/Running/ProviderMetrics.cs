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
        if (platform.Metrics is not { } metrics || results.Count == 0) return;
        var region = results.Select(r => r.Region).FirstOrDefault(r => !string.IsNullOrEmpty(r)) ?? platform.Region;
        var query = new MetricsQuery(functionName, region, results.Min(r => r.Times.ClientBegin), results.Max(r => r.Times.ClientEnd));
        List<ExecutionResult> Missing() => results.Where(r => !r.Failed && r.ProviderTimes.ExecutionMicroseconds == 0).ToList();
        // Local memory describes every result and is there at once; cloud logs lag and are read again for those still missing.
        if (platform.Descriptor.MetricsAreImmediate)
        {
            await ReadAsync(results).ConfigureAwait(false);
            return;
        }
        var read = 0;
        var left = await Http.OperationPoller.PollAsync(async t =>
        {
            var missing = Missing();
            if (missing.Count > 0 && !await ReadAsync(missing).ConfigureAwait(false)) return Http.PollStep<List<ExecutionResult>>.Finished(new());
            read++;
            var still = Missing();
            if (still.Count > 0 && read < attempts)
                log.Verbose($"Provider metrics of {functionName}: {still.Count} results still without, reading the logs again.");
            return still.Count == 0 ? Http.PollStep<List<ExecutionResult>>.Finished(still)
                : Http.PollStep<List<ExecutionResult>>.Running($"{still.Count} without metrics", value: still);
        }, new Http.PollOptions(wait ?? TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(30), $"Reading the provider metrics of {functionName}") { MaxAttempts = attempts },
            ct).ConfigureAwait(false);
        if (left is { Count: > 0 })
            log.Warning($"Provider metrics of {functionName}: {left.Count} of {results.Count} results have none after {read} reads of the logs " +
                $"(invocations {string.Join(", ", left.Select(r => r.Invocation).Take(20))}{(left.Count > 20 ? ", ..." : "")}).");

        async Task<bool> ReadAsync(IReadOnlyList<ExecutionResult> which)
        {
            try
            {
                await metrics.EnrichAsync(query, which, ct).ConfigureAwait(false);
                return true;
            }
            catch (SebsException ex)
            {
                log.Warning($"Provider metrics of {functionName} could not be read: {ex.Message}");
                return false;
            }
        }
    }
}
