namespace Sebs.Core.Results;

/// <summary>
/// Statistics of one numeric property over one group of results (e.g. ClientMs of the cold invocations of one function).
/// Values that cannot be computed for the group's size are null: StdDev, CV and the Student-t intervals need n ≥ 2;
/// the non-parametric intervals need their Le Boudec ranks inside 1..n (n ≥ 8 at 95 %, n ≥ 11 at 99 %).
/// </summary>
public sealed class ResultSummary
{
    /// <summary>The names the results were grouped by.</summary>
    public IReadOnlyList<string> GroupBy { get; init; } = Array.Empty<string>();

    /// <summary>This group's values of the <see cref="GroupBy"/> properties, in the same order.</summary>
    public IReadOnlyList<object?> Group { get; init; } = Array.Empty<object?>();

    /// <summary>The group values joined with ", ", for tables.</summary>
    public string Name => string.Join(", ", Group.Select(v => v?.ToString() ?? ""));

    /// <summary>The property the statistics are about.</summary>
    public string Property { get; init; } = "";

    public int Count { get; init; }
    public double Mean { get; init; }
    public double Median { get; init; }
    /// <summary>Sample standard deviation (n - 1 in the denominator; SeBS uses the population one).</summary>
    public double? StdDev { get; init; }
    /// <summary>Coefficient of variation, percent: StdDev / Mean × 100.</summary>
    public double? CV { get; init; }
    public double Min { get; init; }
    public double Max { get; init; }

    // Percentiles by linear interpolation between closest ranks (numpy's default).
    public double P50 { get; init; }
    public double P90 { get; init; }
    public double P95 { get; init; }
    public double P99 { get; init; }

    // Student-t confidence intervals of the mean.
    public double? CI95Low { get; init; }
    public double? CI95High { get; init; }
    public double? CI99Low { get; init; }
    public double? CI99High { get; init; }

    // Le Boudec's distribution-free confidence intervals of the median.
    public double? NonParametricCI95Low { get; init; }
    public double? NonParametricCI95High { get; init; }
    public double? NonParametricCI99Low { get; init; }
    public double? NonParametricCI99High { get; init; }

    public override string ToString() => $"{Name} {Property}: n={Count} mean={Mean:0.###} median={Median:0.###}";
}
