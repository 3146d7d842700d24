using System.Collections;
using System.Management.Automation;
using Sebs.Cmdlets.Infrastructure;
using Sebs.Core;
using Sebs.Core.Running;

namespace Sebs.Cmdlets.Commands;

/// <summary>
/// SeBS's regression suite: every selected benchmark × language deployed, invoked once with the test input and validated,
/// in parallel. The work is <see cref="RegressionSuite"/>'s; this only maps parameters and streams.
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "SebsRegression", SupportsShouldProcess = true)]
[OutputType(typeof(RegressionResult), typeof(RegressionSummary))]
public sealed class InvokeSebsRegressionCommand : SebsPlatformCmdlet
{
    public const string FailedErrorId = "Sebs.RegressionFailed";

    /// <summary>Benchmark names; wildcards allowed. Default: the whole catalog.</summary>
    [Parameter(Position = 0)]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(BenchmarkNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string[] Benchmark { get; set; } = { "*" };

    [Parameter]
    [ValidateSet("python", "nodejs", IgnoreCase = true)]
    public string[]? Language { get; set; }

    [Parameter]
    public string? LanguageVersion { get; set; }

    [Parameter]
    [ValidateRange(1, 64)]
    public int ThrottleLimit { get; set; } = 2;

    /// <summary>Folder for regression_&lt;platform&gt;_&lt;benchmark&gt;_&lt;language&gt;.json (default: the current folder).</summary>
    [Parameter]
    public string OutputPath { get; set; } = ".";

    [Parameter] public string[]? BenchmarkPath { get; set; }
    [Parameter] public string? DataPath { get; set; }
    [Parameter] public Hashtable? Setting { get; set; }
    [Parameter] public SwitchParameter UpdateCode { get; set; }
    [Parameter] public SwitchParameter UpdateStorage { get; set; }
    /// <summary>Write a RegressionSummary (counts per outcome, time) after the last case.</summary>
    [Parameter] public SwitchParameter Summary { get; set; }

    protected override void EndProcessing()
    {
        var catalog = Catalog(BenchmarkPath);
        var patterns = Benchmark.Select(b => new WildcardPattern(b, WildcardOptions.IgnoreCase)).ToArray();
        var cases = RegressionSuite.SelectCases(catalog.Benchmarks, name => patterns.Any(p => p.IsMatch(name)), Language);
        foreach (var name in Benchmark.Where(b => !WildcardPattern.ContainsWildcardCharacters(b)))
            if (!cases.Any(c => string.Equals(c.Benchmark.Name, name, StringComparison.OrdinalIgnoreCase)))
            {
                try { catalog.Get(name); WriteWarning($"{name} has none of the selected languages."); }
                catch (SebsException ex) { WriteSebsError(ex, name); }
            }
        foreach (var broken in catalog.Errors.Where(e => patterns.Any(p => p.IsMatch(e.Name))))
            WriteError(ToErrorRecord(new SebsException(SebsErrorIds.InvalidBenchmarkConfig, SebsErrorKind.InvalidData,
                $"Benchmark '{broken.Name}' cannot be used: {broken.ConfigPath}: {broken.Reason}", target: broken.Name)));
        if (cases.Count == 0)
        {
            WriteWarning("No benchmark matches the selection; nothing to run.");
            base.EndProcessing();
            return;
        }
        if (!ShouldProcess($"{cases.Count} case(s) on {PlatformName}: {string.Join(", ", cases)}", "Deploy, invoke and validate"))
        {
            base.EndProcessing();
            return;
        }

        var options = new RegressionOptions
        {
            OutputPath = GetUnresolvedProviderPathFromPSPath(OutputPath),
            ThrottleLimit = ThrottleLimit,
            LanguageVersion = LanguageVersion,
            DataRoot = DataPath is not null ? GetUnresolvedProviderPathFromPSPath(DataPath) : Environment.GetEnvironmentVariable("SEBS_BENCHMARK_DATA"),
            UpdateCode = UpdateCode || Config.UpdateCode,
            UpdateStorage = UpdateStorage || Config.UpdateStorage,
            Settings = Setting?.Cast<DictionaryEntry>().ToDictionary(e => e.Key.ToString()!, e => e.Value?.ToString() ?? "") ?? new Dictionary<string, string>(),
        };
        try
        {
            RunAsync(async (queue, ct) =>
            {
                var platform = OpenPlatform(queue);
                var suite = new RegressionSuite(SebsSession.Runner(platform, Cache, queue), options, queue);
                var clock = System.Diagnostics.Stopwatch.StartNew();
                var results = new List<RegressionResult>();
                await foreach (var result in suite.RunAsync(cases, queue, ct).ConfigureAwait(false))
                {
                    results.Add(result);
                    queue.WriteObject(result);
                    // Only a failure is an error ($? false); a skipped case is the machine's, and says why.
                    if (result.Outcome == RegressionOutcome.Failed)
                        queue.WriteError(new ErrorRecord(
                            new SebsException(FailedErrorId, SebsErrorKind.InvalidOperation,
                                $"Regression case {result.Benchmark} ({result.Language}) on {result.Platform} failed: {result.Error}"),
                            FailedErrorId, ErrorCategory.InvalidResult, $"{result.Benchmark} ({result.Language})"));
                    else if (result.Outcome == RegressionOutcome.Skipped)
                        queue.Warning($"Skipped {result.Benchmark} ({result.Language}): {result.SkipReason}");
                }
                var summary = RegressionSummary.From(platform.Name.ToString(), results, clock.Elapsed);
                queue.Verbose($"Regression: {summary}.");
                if (Summary) queue.WriteObject(summary);
            });
        }
        catch (PipelineStoppedException) { throw; }
        catch (Exception ex)
        {
            WriteError(ToErrorRecord(ex));
        }
        base.EndProcessing();
    }
}
