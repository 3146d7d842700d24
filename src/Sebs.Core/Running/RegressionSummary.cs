namespace Sebs.Core.Running;

/// <summary>The counts of one regression run (SeBS prints "Succesfully executed X out of Y functions" and the failures).</summary>
public sealed class RegressionSummary
{
    public string Platform { get; init; } = "";
    public int Total { get; init; }
    public int Passed { get; init; }
    public int Failed { get; init; }
    public int Skipped { get; init; }
    /// <summary>Wall time of the whole run (cases overlap up to the throttle limit).</summary>
    public TimeSpan Duration { get; init; }
    /// <summary>"benchmark (language)" of every failed case, in the order they ended.</summary>
    public IReadOnlyList<string> FailedCases { get; init; } = Array.Empty<string>();
    /// <summary>"benchmark (language): reason" of every skipped case, in the order they ended.</summary>
    public IReadOnlyList<string> SkippedCases { get; init; } = Array.Empty<string>();

    public static RegressionSummary From(string platform, IReadOnlyCollection<RegressionResult> results, TimeSpan duration) => new()
    {
        Platform = platform,
        Total = results.Count,
        Passed = results.Count(r => r.Outcome == RegressionOutcome.Passed),
        Failed = results.Count(r => r.Outcome == RegressionOutcome.Failed),
        Skipped = results.Count(r => r.Outcome == RegressionOutcome.Skipped),
        Duration = duration,
        FailedCases = results.Where(r => r.Outcome == RegressionOutcome.Failed).Select(r => $"{r.Benchmark} ({r.Language})").ToList(),
        SkippedCases = results.Where(r => r.Outcome == RegressionOutcome.Skipped).Select(r => $"{r.Benchmark} ({r.Language}): {r.SkipReason}").ToList(),
    };

    public override string ToString() =>
        $"{Platform}: {Passed} passed, {Failed} failed, {Skipped} skipped of {Total} in {Duration.TotalSeconds:0.#} s";
}
