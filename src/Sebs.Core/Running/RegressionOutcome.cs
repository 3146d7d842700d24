namespace Sebs.Core.Running;

/// <summary>How a regression case ended.</summary>
public enum RegressionOutcome
{
    /// <summary>Deployed, invoked, and the output was not found invalid.</summary>
    Passed,
    /// <summary>Something about the benchmark, the platform code or the output is wrong.</summary>
    Failed,
    /// <summary>This machine cannot run the case (missing input data, a dependency or runtime that is not available, an unreachable setting); the reason says which.</summary>
    Skipped,
}
