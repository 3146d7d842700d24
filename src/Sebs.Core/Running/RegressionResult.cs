namespace Sebs.Core.Running;

/// <summary>One benchmark × language case of a regression run (SeBS's regression test of one function).</summary>
public sealed class RegressionResult
{
    public string Benchmark { get; set; } = "";
    public string Language { get; set; } = "";
    public string LanguageVersion { get; set; } = "";
    public string Platform { get; set; } = "";
    /// <summary>Passed, Failed, or Skipped when this machine cannot run the case (<see cref="SkipReason"/> says why).</summary>
    public RegressionOutcome Outcome { get; set; } = RegressionOutcome.Failed;
    /// <summary>True when the function was deployed, the invocation succeeded and its output was not found invalid.</summary>
    public bool Passed => Outcome == RegressionOutcome.Passed;
    /// <summary>The validator's verdict: null when the invocation did not happen or the benchmark has no validator.</summary>
    public bool? Valid { get; set; }
    /// <summary>Why the case failed (build, deployment, input, invocation or validation), else null.</summary>
    public string? Error { get; set; }
    /// <summary>Why the case was skipped, in one line (missing data, a dependency, a runtime or a setting), else null.</summary>
    public string? SkipReason { get; set; }
    /// <summary>Client time of the one invocation, ms (null when there was none).</summary>
    public double? ClientMs { get; set; }
    /// <summary>Handler time of the one invocation, ms (null when there was none).</summary>
    public double? BenchmarkMs { get; set; }
    /// <summary>Whether the invocation was a cold start (null when there was none).</summary>
    public bool? ColdStart { get; set; }
    /// <summary>Wall time of the whole case: build, deployment, input, invocation, validation.</summary>
    public TimeSpan Duration { get; set; }
    /// <summary>The case's <c>regression_&lt;platform&gt;_&lt;benchmark&gt;_&lt;language&gt;.json</c>, when written.</summary>
    public string? ResultPath { get; set; }

    public override string ToString() => $"{Benchmark} {Language} on {Platform}: " + Outcome switch
    {
        RegressionOutcome.Passed => "passed",
        RegressionOutcome.Skipped => "skipped: " + SkipReason,
        _ => "FAILED: " + Error,
    };
}
