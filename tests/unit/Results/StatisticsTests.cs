using Sebs.Core.Results;
using Xunit;

namespace Sebs.Tests.Results;

public class StatisticsTests
{
    private static readonly double[] OneToTen = { 7, 3, 10, 1, 5, 2, 9, 4, 8, 6 };

    [Theory]
    // Published two-sided Student-t quantiles.
    [InlineData(0.95, 9, 2.262157)]
    [InlineData(0.99, 4, 4.604095)]
    [InlineData(0.95, 1, 12.706205)]
    [InlineData(0.99, 29, 2.756386)]
    public void Student_t_quantiles_match_the_tables(double confidence, int df, double expected)
    {
        Assert.Equal(expected, Statistics.StudentTQuantile(confidence, df), 1e-6);
    }

    [Fact]
    public void Summarises_one_to_ten_as_computed_by_hand()
    {
        var s = Statistics.Summarize((double[])OneToTen.Clone(), 10, "ClientMs");

        Assert.Equal(10, s.Count);
        Assert.Equal(5.5, s.Mean, 12);
        Assert.Equal(5.5, s.Median, 12);
        Assert.Equal(Math.Sqrt(82.5 / 9), s.StdDev!.Value, 12);          // Σ(x-5.5)² = 82.5, n-1 = 9
        Assert.Equal(Math.Sqrt(82.5 / 9) / 5.5 * 100, s.CV!.Value, 10);
        Assert.Equal((1.0, 10.0), (s.Min, s.Max));
        // numpy linear: h = 9p → P90 = x[8.1] = 9.1, P95 = 9.55, P99 = 9.91.
        Assert.Equal(5.5, s.P50, 12);
        Assert.Equal(9.1, s.P90, 12);
        Assert.Equal(9.55, s.P95, 12);
        Assert.Equal(9.91, s.P99, 12);
        // 5.5 ± 2.262157 · 3.027650 / √10 = 5.5 ± 2.165851
        Assert.Equal(3.334149, s.CI95Low!.Value, 1e-5);
        Assert.Equal(7.665851, s.CI95High!.Value, 1e-5);
        // 99 %: t(0.995, 9) = 3.249836 → ± 3.111481
        Assert.Equal(2.388519, s.CI99Low!.Value, 1e-5);
        Assert.Equal(8.611481, s.CI99High!.Value, 1e-5);
        // Le Boudec 95 % ranks for n = 10 are 1 and 10 (1-based).
        Assert.Equal((1.0, 10.0), (s.NonParametricCI95Low!.Value, s.NonParametricCI95High!.Value));
        Assert.Null(s.NonParametricCI99Low);
        Assert.Null(s.NonParametricCI99High);
    }

    [Theory]
    // floor(0.5n - z√(0.25n)), ceil(0.5n + 1 + z√(0.25n)), 1-based; n = 100 matches Le Boudec's table (40, 61).
    [InlineData(10, 0.95, 1, 10)]
    [InlineData(100, 0.95, 40, 61)]
    [InlineData(100, 0.99, 37, 64)]
    [InlineData(8, 0.95, 1, 8)]
    [InlineData(11, 0.99, 1, 11)]
    public void Le_Boudec_ranks(int n, double confidence, int low, int high)
    {
        Assert.Equal((low, high), Statistics.LeBoudecRanks(n, confidence));
    }

    [Theory]
    [InlineData(7, 0.95)]
    [InlineData(10, 0.99)]
    [InlineData(1, 0.95)]
    public void Le_Boudec_ranks_outside_the_sample_give_no_interval(int n, double confidence)
    {
        Assert.Null(Statistics.LeBoudecRanks(n, confidence));
    }

    [Fact]
    public void Le_Boudec_interval_takes_the_ranked_values_1_based()
    {
        var sorted = Enumerable.Range(1, 100).Select(i => i * 10.0).ToArray();
        // Ranks 40 and 61 are the values 400 and 610; SeBS's 0-based use would return 410 and 620.
        Assert.Equal((400.0, 610.0), Statistics.LeBoudecInterval(sorted, 0.95));
    }

    [Fact]
    public void A_single_value_has_no_spread_or_intervals()
    {
        var s = Statistics.Summarize(new[] { 42.0 }, 1, "ClientMs");
        Assert.Equal((1, 42.0, 42.0, 42.0, 42.0), (s.Count, s.Mean, s.Median, s.P99, s.Min));
        Assert.Null(s.StdDev);
        Assert.Null(s.CV);
        Assert.Null(s.CI95Low);
        Assert.Null(s.CI99High);
        Assert.Null(s.NonParametricCI95Low);
    }

    [Fact]
    public void Two_values_interpolate_and_have_a_t_interval()
    {
        var s = Statistics.Summarize(new[] { 4.0, 2.0 }, 2, "x");
        Assert.Equal(3.0, s.Median);
        Assert.Equal(3.8, s.P90, 12);   // h = 0.9 → 2 + 0.9 · 2
        Assert.Equal(Math.Sqrt(2), s.StdDev!.Value, 12);
        // 3 ± 12.706205 · √2 / √2
        Assert.Equal(3 - 12.706205, s.CI95Low!.Value, 1e-5);
    }

    [Fact]
    public void Groups_case_insensitively_in_order_of_appearance_and_ignores_NaN()
    {
        var stats = new GroupedStatistics(new[] { "FunctionName", "IsCold" }, new[] { "ClientMs", "MemoryMB" });
        stats.GetGroup(new object?[] { "fn", false }).Add(0, 10);
        stats.GetGroup(new object?[] { "fn", true }).Add(0, 100);
        var warm = stats.GetGroup(new object?[] { "FN", false });
        warm.Add(0, 20);
        warm.Add(0, double.NaN);
        warm.Add(1, 64);

        var summaries = stats.Summarize().ToList();

        Assert.Equal(new[] { ("fn, False", "ClientMs", 2), ("fn, False", "MemoryMB", 1), ("fn, True", "ClientMs", 1) },
            summaries.Select(s => (s.Name, s.Property, s.Count)));
        Assert.Equal(15, summaries[0].Mean);
        Assert.Equal(new[] { "FunctionName", "IsCold" }, summaries[0].GroupBy);
    }

    [Fact]
    public void Compiled_accessors_read_flat_nested_and_nullable_members()
    {
        var r = new ExecutionResult { FunctionName = "f" };
        r.Times.ClientMicroseconds = 1500;
        var type = typeof(ExecutionResult);

        Assert.Equal(1.5, MemberAccessor.ForNumber(type, "ClientMs")!(r));
        Assert.Equal(1500, MemberAccessor.ForNumber(type, "times.clientmicroseconds")!(r));
        Assert.True(double.IsNaN(MemberAccessor.ForNumber(type, "MemoryMB")!(r)));
        Assert.Equal("f", MemberAccessor.ForObject(type, "FunctionName")!(r));
        Assert.Equal(false, MemberAccessor.ForObject(type, "IsCold")!(r));
        Assert.Null(MemberAccessor.ForObject(type, "Output.Count")!(r));
        Assert.Null(MemberAccessor.ForNumber(type, "FunctionName"));
        Assert.Null(MemberAccessor.ForObject(type, "NoSuchProperty"));
    }
}
