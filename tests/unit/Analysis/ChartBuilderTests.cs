using Sebs.Core;
using Sebs.Core.Analysis;
using Xunit;

namespace Sebs.Tests.Analysis;

public class ChartBuilderTests
{
    private static ChartRecord R(params (string Name, object? Value)[] values) =>
        new(values.ToDictionary(v => v.Name, v => v.Value, StringComparer.OrdinalIgnoreCase));

    private static List<ChartRecord> Results()
    {
        var list = new List<ChartRecord>();
        foreach (var memory in new[] { 128, 256 })
            for (var i = 0; i < 6; i++)
                list.Add(R(("FunctionName", "f"), ("IsCold", i == 0), ("Failed", false), ("ClientMs", 10.0 + i + memory / 128),
                    ("BenchmarkMs", 5.0 + i), ("FunctionMemoryMB", memory), ("GBSeconds", 0.0)));
        list.Add(R(("FunctionName", "f"), ("IsCold", false), ("Failed", true), ("ClientMs", 9999.0), ("BenchmarkMs", 0.0), ("FunctionMemoryMB", 128)));
        return list;
    }

    [Fact]
    public void Box_has_numpy_quartiles_and_whiskers_within_one_and_a_half_iqr()
    {
        var box = ChartBuilder.Box("x", 0, new double[] { 1, 2, 3, 4, 5, 6, 7, 8, 100 }, 0);
        Assert.Equal(3, box.Q1);
        Assert.Equal(5, box.Median);
        Assert.Equal(7, box.Q3);
        Assert.Equal(1, box.WhiskerLow);
        Assert.Equal(8, box.WhiskerHigh); // 100 lies beyond 7 + 1.5 · 4
        Assert.Equal(100, box.Max);
    }

    [Fact]
    public void Mean_curve_has_one_point_per_x_with_student_t_intervals()
    {
        var records = new[] { 1.0, 2, 3 }.Select(v => R(("x", 10), ("y", v))).Append(R(("x", 5), ("y", 7.0))).ToList();
        var curve = ChartBuilder.MeanCurve(records, r => ChartBuilder.ToDouble(r["x"]), r => ChartBuilder.ToDouble(r["y"]));
        Assert.Equal(new double[] { 5, 10 }, curve.X);
        Assert.Equal(new double[] { 7, 2 }, curve.Y);
        Assert.Equal(7, curve.Low![0]);                       // one value: no interval
        Assert.Equal(2 - 4.302653 / Math.Sqrt(3), curve.Low[1], 5); // t(0.975, 2) · s / √n with s = 1
    }

    [Fact]
    public void Cold_warm_boxes_split_by_function_property_and_temperature_and_skip_failures()
    {
        var chart = ChartBuilder.Build(new ChartOptions { Kind = ChartKind.ColdWarm }, Results());
        Assert.Equal(4, chart.Boxes.Count); // ClientMs cold/warm, BenchmarkMs cold/warm
        Assert.Equal(new[] { "f\nClientMs cold", "f\nClientMs warm", "f\nBenchmarkMs cold", "f\nBenchmarkMs warm" }, chart.Categories);
        Assert.DoesNotContain(chart.Boxes, b => b.Values.Contains(9999));
        Assert.Equal(2, chart.Boxes[0].Values.Length);
        Assert.Equal(ChartBuilder.WarmColor, chart.Boxes[1].ColorIndex);
    }

    [Fact]
    public void Perf_cost_draws_time_and_estimated_cost_per_memory_size()
    {
        var chart = ChartBuilder.Build(new ChartOptions { Kind = ChartKind.PerfCost }, Results());
        var time = chart.Series.Single(s => s.Label == "Client time, warm");
        Assert.Equal(new double[] { 128, 256 }, time.X);
        Assert.Equal(new[] { 14.0, 15.0 }, time.Y);             // warm: 10 + mean(1..5) + memory/128
        var cost = chart.Series.Single(s => s.Label == "cost, cold");
        Assert.True(cost.SecondaryAxis);
        Assert.Equal(5.0 / 1000 * 128 / 1024, cost.Y[0], 12);    // no billing: BenchmarkMs × GB
        Assert.Contains("estimated", chart.Y2Label);
    }

    [Fact]
    public void Perf_cost_has_one_series_per_experiment_type_ticks_at_the_memory_sizes_and_axes_with_units()
    {
        var records = new List<ChartRecord>();
        foreach (var type in new[] { "cold", "warm", "burst", "sequential" })
            foreach (var memory in new[] { 128, 512, 1024 })
                for (var i = 0; i < 3; i++)
                    records.Add(R(("ExperimentType", type), ("IsCold", type == "cold"), ("Failed", false), ("ClientMs", 1.0 + i),
                        ("BenchmarkMs", 1.0), ("FunctionMemoryMB", memory), ("GBSeconds", 0.0)));
        var chart = ChartBuilder.Build(new ChartOptions { Kind = ChartKind.PerfCost, PricePerGBSecond = 0.0000166667, PricePerMillionRequests = 0.2 }, records);

        Assert.Equal(new[] { "Client time, cold", "cost, cold", "Client time, warm", "cost, warm", "Client time, burst", "cost, burst",
            "Client time, sequential", "cost, sequential" }, chart.Series.Select(s => s.Label));
        Assert.Equal(4, chart.Series.Select(s => s.ColorIndex).Distinct().Count()); // one colour per type, time and cost share it
        Assert.Equal(new double[] { 128, 512, 1024 }, chart.XTicks);
        Assert.True(chart.YFromZero);
        Assert.Equal("Client time (ms)", chart.YLabel);
        Assert.Equal("Function memory (MB)", chart.XLabel);
        Assert.Equal("Cost per 1M invocations (USD, estimated)", chart.Y2Label);
        // 1 ms at 128 MB: 0.001 s × 0.125 GB × price × 1e6 + 0.20 per million requests.
        Assert.Equal(0.001 * 0.125 * 0.0000166667 * 1e6 + 0.2, chart.Series[1].Y[0], 9);
    }

    [Fact]
    public void Cold_warm_uses_a_log_axis_when_medians_differ_a_hundredfold_and_wraps_long_names()
    {
        var records = new List<ChartRecord>();
        for (var i = 0; i < 5; i++)
        {
            records.Add(R(("FunctionName", "sebs-local-110.dynamic-html-python-3.11"), ("IsCold", true), ("Failed", false), ("ClientMs", 500.0 + i)));
            records.Add(R(("FunctionName", "sebs-local-110.dynamic-html-python-3.11"), ("IsCold", false), ("Failed", false), ("ClientMs", 1.0 + i / 10.0)));
        }
        var chart = ChartBuilder.Build(new ChartOptions { Kind = ChartKind.ColdWarm, Property = new[] { "ClientMs" } }, records);
        Assert.True(chart.LogY);
        Assert.False(chart.YFromZero);
        Assert.Equal("Client time (ms), log scale", chart.YLabel);
        Assert.All(chart.Categories!, c => Assert.All(c.Split('\n'), line => Assert.True(line.Length <= 24, line)));

        var linear = ChartBuilder.Build(new ChartOptions { Kind = ChartKind.ColdWarm, Property = new[] { "ClientMs" }, LogY = false }, records);
        Assert.False(linear.LogY);
        Assert.True(linear.YFromZero);
    }

    [Fact]
    public void Invocation_overhead_needs_x_and_reads_csv_strings()
    {
        Assert.Throws<SebsException>(() => ChartBuilder.Fields(new ChartOptions { Kind = ChartKind.InvocationOverhead }));
        var rows = new[] { ("1000", "5.5", "True"), ("1000", "6.5", "True"), ("2000", "7", "False") }
            .Select(t => R(("size", t.Item1), ("ms", t.Item2), ("IsCold", t.Item3))).ToList();
        var chart = ChartBuilder.Build(new ChartOptions { Kind = ChartKind.InvocationOverhead, X = "size", Y = "ms" }, rows);
        Assert.Equal(new[] { "cold", "warm" }, chart.Series.Select(s => s.Label));
        Assert.Equal(6.0, chart.Series[0].Y[0]);
    }

    [Fact]
    public void Histogram_counts_every_value_once()
    {
        var chart = ChartBuilder.Build(new ChartOptions { Kind = ChartKind.Histogram, Bins = 4 }, Results());
        Assert.All(chart.Series, s => Assert.Equal(SeriesStyle.Bars, s.Style));
        Assert.Equal(12, chart.Series.Sum(s => s.Y.Sum()));
    }

    [Fact]
    public void No_data_is_an_error_with_a_stable_id()
    {
        var ex = Assert.Throws<SebsException>(() => ChartBuilder.Build(new ChartOptions { Kind = ChartKind.Histogram }, new List<ChartRecord>()));
        Assert.Equal("Sebs.NoChartData", ex.ErrorId);
    }
}
