using System.Management.Automation;
using Sebs.Cmdlets.Infrastructure;
using Sebs.Core.Platforms;
using Sebs.Core.Results;
using Sebs.Core.Running;

namespace Sebs.Cmdlets.Commands;

/// <summary>
/// With -InputObject: fills provider-side times, billing and memory into results (SeBS's "benchmark process") and
/// passes them on. Without: the platform's own measurements (local: memory per sandbox).
/// </summary>
[Cmdlet(VerbsCommon.Get, "SebsMetrics", DefaultParameterSetName = "Platform")]
[OutputType(typeof(ExecutionResult), ParameterSetName = new[] { "Results" })]
[OutputType(typeof(MemoryStatistics), ParameterSetName = new[] { "Platform" })]
public sealed class GetSebsMetricsCommand : SebsPlatformCmdlet
{
    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = "Results")]
    public ExecutionResult[] InputObject { get; set; } = Array.Empty<ExecutionResult>();

    /// <summary>Only sandboxes of this function (wildcards allowed).</summary>
    [Parameter(ParameterSetName = "Platform")]
    [SupportsWildcards]
    public string FunctionName { get; set; } = "*";

    private readonly List<ExecutionResult> _results = new();

    protected override void ProcessRecord()
    {
        if (ParameterSetName == "Results") _results.AddRange(InputObject);
    }

    protected override void EndProcessing()
    {
        try
        {
            if (ParameterSetName == "Platform") WritePlatformMetrics();
            else EnrichResults();
        }
        catch (PipelineStoppedException) { throw; }
        catch (Exception ex) { WriteError(ToErrorRecord(ex)); }
        base.EndProcessing();
    }

    private void WritePlatformMetrics()
    {
        var pattern = new WildcardPattern(FunctionName, WildcardOptions.IgnoreCase);
        var platform = OpenPlatform(DirectLog);
        if (platform is not IMemoryStatisticsSource source)
        {
            WriteWarning($"{PlatformName} measures no memory itself; pipe results in to fetch provider metrics.");
            return;
        }
        foreach (var stats in source.MemoryStatistics().Where(s => pattern.IsMatch(s.FunctionName)))
            WriteObject(stats);
    }

    private void EnrichResults()
    {
        // Results may come from several platforms and functions; each function's window is its own results' span.
        foreach (var group in _results.GroupBy(r => (r.Platform, r.FunctionName)))
        {
            var descriptor = PlatformLoader.Factory(group.Key.Platform).Descriptor;
            var list = group.ToList();
            RunAsync(async (queue, ct) =>
            {
                var platform = OpenPlatform(descriptor, queue);
                // Cloud logs lag behind the invocations: asked again while results still lack provider times.
                if (platform.Metrics is not null)
                    await ProviderMetrics.EnrichAsync(platform, group.Key.FunctionName, list, queue, ct).ConfigureAwait(false);
                foreach (var r in list) queue.WriteObject(r);
            });
        }
    }
}
