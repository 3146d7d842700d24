using MathNet.Numerics.Distributions;

namespace Sebs.Core.Results;

/// <summary>
/// Descriptive statistics and confidence intervals as SeBS's perf-cost reports them (reference §10),
/// with the sample standard deviation and Le Boudec's ranks used 1-based as published (SeBS uses them 0-based, §13).
/// </summary>
public static class Statistics
{
    /// <summary>Summarises values[0..count); sorts that range in place.</summary>
    public static ResultSummary Summarize(double[] values, int count, string property,
        IReadOnlyList<string>? groupBy = null, IReadOnlyList<object?>? group = null)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (count <= 0 || count > values.Length) throw new ArgumentOutOfRangeException(nameof(count), count, "need 1..values.Length values");
        Array.Sort(values, 0, count);
        var sorted = new ReadOnlySpan<double>(values, 0, count);

        var mean = Mean(sorted);
        var sd = SampleStdDev(sorted, mean);
        var t95 = StudentTInterval(mean, sd, count, 0.95);
        var t99 = StudentTInterval(mean, sd, count, 0.99);
        var np95 = LeBoudecInterval(sorted, 0.95);
        var np99 = LeBoudecInterval(sorted, 0.99);
        return new ResultSummary
        {
            GroupBy = groupBy ?? Array.Empty<string>(),
            Group = group ?? Array.Empty<object?>(),
            Property = property,
            Count = count,
            Mean = mean,
            Median = Percentile(sorted, 0.5),
            StdDev = sd,
            CV = sd is { } s && mean != 0 ? s / mean * 100 : null,
            Min = sorted[0],
            Max = sorted[^1],
            P50 = Percentile(sorted, 0.50),
            P90 = Percentile(sorted, 0.90),
            P95 = Percentile(sorted, 0.95),
            P99 = Percentile(sorted, 0.99),
            CI95Low = t95?.Low, CI95High = t95?.High,
            CI99Low = t99?.Low, CI99High = t99?.High,
            NonParametricCI95Low = np95?.Low, NonParametricCI95High = np95?.High,
            NonParametricCI99Low = np99?.Low, NonParametricCI99High = np99?.High,
        };
    }

    public static double Mean(ReadOnlySpan<double> values)
    {
        var sum = 0.0;
        foreach (var v in values) sum += v;
        return sum / values.Length;
    }

    /// <summary>Sample standard deviation (n - 1); null for fewer than two values.</summary>
    public static double? SampleStdDev(ReadOnlySpan<double> values, double mean)
    {
        if (values.Length < 2) return null;
        // Two passes (mean first) avoid the cancellation of the sum-of-squares formula on large, close values.
        var squares = 0.0;
        foreach (var v in values) squares += (v - mean) * (v - mean);
        return Math.Sqrt(squares / (values.Length - 1));
    }

    /// <summary>
    /// The p-quantile (0..1) of sorted values by linear interpolation between closest ranks:
    /// position h = (n - 1)·p, value = x[⌊h⌋] + (h - ⌊h⌋)·(x[⌊h⌋+1] - x[⌊h⌋]). This is numpy's default ("linear", Hyndman-Fan 7).
    /// </summary>
    public static double Percentile(ReadOnlySpan<double> sorted, double p)
    {
        if (sorted.IsEmpty) throw new ArgumentException("no values", nameof(sorted));
        if (p is < 0 or > 1) throw new ArgumentOutOfRangeException(nameof(p), p, "between 0 and 1");
        var h = (sorted.Length - 1) * p;
        var lo = (int)Math.Floor(h);
        if (lo >= sorted.Length - 1) return sorted[^1];
        return sorted[lo] + (h - lo) * (sorted[lo + 1] - sorted[lo]);
    }

    /// <summary>Two-sided Student-t quantile t((1 + confidence) / 2, df).</summary>
    public static double StudentTQuantile(double confidence, int degreesOfFreedom) =>
        StudentT.InvCDF(0, 1, degreesOfFreedom, (1 + confidence) / 2);

    /// <summary>Confidence interval of the mean: mean ± t · s / √n; null for fewer than two values.</summary>
    public static (double Low, double High)? StudentTInterval(double mean, double? sampleStdDev, int count, double confidence)
    {
        if (count < 2 || sampleStdDev is not { } sd) return null;
        var half = StudentTQuantile(confidence, count - 1) * sd / Math.Sqrt(count);
        return (mean - half, mean + half);
    }

    /// <summary>
    /// Le Boudec's 1-based ranks of the median's confidence interval: ⌊0.5n − z·√(0.25n)⌋ and ⌈0.5n + 1 + z·√(0.25n)⌉,
    /// z = 1.96 (95 %) or 2.576 (99 %). Null when either rank falls outside 1..n (too few values for that confidence).
    /// </summary>
    public static (int Low, int High)? LeBoudecRanks(int count, double confidence)
    {
        var z = confidence switch
        {
            0.95 => 1.96,
            0.99 => 2.576,
            _ => throw new ArgumentOutOfRangeException(nameof(confidence), confidence, "Le Boudec's table covers 0.95 and 0.99"),
        };
        var spread = z * Math.Sqrt(0.25 * count);
        var low = (int)Math.Floor(0.5 * count - spread);
        var high = (int)Math.Ceiling(0.5 * count + 1 + spread);
        return low >= 1 && high <= count ? (low, high) : null;
    }

    /// <summary>The median's distribution-free confidence interval over sorted values; null when n is too small (see <see cref="LeBoudecRanks"/>).</summary>
    public static (double Low, double High)? LeBoudecInterval(ReadOnlySpan<double> sorted, double confidence)
    {
        if (LeBoudecRanks(sorted.Length, confidence) is not { } ranks) return null;
        return (sorted[ranks.Low - 1], sorted[ranks.High - 1]);
    }
}
