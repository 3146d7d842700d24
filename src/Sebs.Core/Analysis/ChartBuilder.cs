using System.Globalization;
using Sebs.Core.Results;

namespace Sebs.Core.Analysis;

/// <summary>What to chart and from which properties. Unset names take the defaults of the kind (see <see cref="ChartBuilder"/>).</summary>
public sealed class ChartOptions
{
    public ChartKind Kind { get; init; }
    public ChartFormat Format { get; init; } = ChartFormat.Png;
    public int Width { get; init; } = 900;
    public int Height { get; init; } = 540;
    public string? Title { get; init; }
    /// <summary>ColdWarm and Histogram: the values to plot (default ClientMs and BenchmarkMs; Histogram ClientMs).</summary>
    public IReadOnlyList<string>? Property { get; init; }
    /// <summary>ColdWarm: what makes one box (default FunctionName); PerfCost/InvocationOverhead: one curve per group (default none).</summary>
    public IReadOnlyList<string>? GroupBy { get; init; }
    /// <summary>PerfCost: FunctionMemoryMB by default; InvocationOverhead: the payload size (required).</summary>
    public string? X { get; init; }
    /// <summary>PerfCost and InvocationOverhead: the metric (default ClientMs).</summary>
    public string? Y { get; init; }
    /// <summary>PerfCost: the cost per invocation (default GBSeconds; estimated from BenchmarkMs and memory when all are 0).</summary>
    public string Cost { get; init; } = "GBSeconds";
    /// <summary>PerfCost: USD per GB-second, to draw cost per 1M invocations in USD; null draws GB-seconds.</summary>
    public double? PricePerGBSecond { get; init; }
    /// <summary>PerfCost: USD per million requests, added to the duration cost when <see cref="PricePerGBSecond"/> is set.</summary>
    public double PricePerMillionRequests { get; init; }
    /// <summary>ColdWarm: a logarithmic Y axis (null: when the boxes' medians differ by more than 100 times).</summary>
    public bool? LogY { get; init; }
    /// <summary>The boolean that splits cold from warm; objects without it are drawn as "all".</summary>
    public string ColdProperty { get; init; } = "IsCold";
    public int Bins { get; init; } = 30;
    /// <summary>Keep objects whose Failed property is true (left out by default: their times measure the failure).</summary>
    public bool IncludeFailed { get; init; }
}

/// <summary>One input object as the named values the chart needs (the cmdlet reads them through PowerShell's view).</summary>
public sealed class ChartRecord
{
    private readonly IReadOnlyDictionary<string, object?> _values;
    public ChartRecord(IReadOnlyDictionary<string, object?> values) => _values = values;
    public object? this[string name] => _values.TryGetValue(name, out var v) ? v : null;
}

/// <summary>
/// Turns records into a <see cref="ChartRequest"/>: grouping, cold/warm split, quartiles, means and Student-t 95 %
/// intervals (the statistics of Measure-SebsResult). No drawing happens here.
/// </summary>
public static class ChartBuilder
{
    public const int ColdColor = 0, WarmColor = 1, AllColor = 2;

    /// <summary>The names the cmdlet must read from each object.</summary>
    public static IReadOnlyList<string> Fields(ChartOptions o)
    {
        var names = new List<string> { o.ColdProperty, "Failed" };
        switch (o.Kind)
        {
            case ChartKind.ColdWarm:
                names.AddRange(Properties(o));
                names.AddRange(o.GroupBy ?? new[] { "FunctionName" });
                break;
            case ChartKind.Histogram:
                names.AddRange(Properties(o));
                break;
            case ChartKind.PerfCost:
                names.AddRange(new[] { o.X ?? "FunctionMemoryMB", o.Y ?? "ClientMs", o.Cost, "BenchmarkMs", "ExperimentType" });
                names.AddRange(o.GroupBy ?? Array.Empty<string>());
                break;
            case ChartKind.InvocationOverhead:
                names.AddRange(new[] { RequireX(o), o.Y ?? "ClientMs" });
                names.AddRange(o.GroupBy ?? Array.Empty<string>());
                break;
        }
        return names.Distinct(StringComparer.OrdinalIgnoreCase).ToList();
    }

    public static ChartRequest Build(ChartOptions o, IReadOnlyList<ChartRecord> records)
    {
        var kept = o.IncludeFailed ? records : records.Where(r => ToBool(r["Failed"]) != true).ToList();
        if (kept.Count == 0)
            throw new SebsException("Sebs.NoChartData", SebsErrorKind.InvalidData,
                records.Count == 0 ? "There is nothing to chart: no input objects." : $"There is nothing to chart: all {records.Count} input objects failed (use -IncludeFailed to chart them).");
        return o.Kind switch
        {
            ChartKind.ColdWarm => ColdWarm(o, kept),
            ChartKind.Histogram => Histogram(o, kept),
            ChartKind.PerfCost => PerfCost(o, kept),
            ChartKind.InvocationOverhead => Overhead(o, kept),
            _ => throw new ArgumentOutOfRangeException(nameof(o), o.Kind, "unknown chart kind"),
        };
    }

    private static IReadOnlyList<string> Properties(ChartOptions o) =>
        o.Property is { Count: > 0 } p ? p : o.Kind == ChartKind.ColdWarm ? new[] { "ClientMs", "BenchmarkMs" } : new[] { "ClientMs" };

    private static string RequireX(ChartOptions o) => o.X ?? throw new SebsException("Sebs.InvalidChartOptions", SebsErrorKind.InvalidArgument,
        "An InvocationOverhead chart needs -X, the property holding the payload size.");

    private static string Temperature(ChartRecord r, ChartOptions o) => ToBool(r[o.ColdProperty]) switch
    {
        true => "cold",
        false => "warm",
        null => "all",
    };

    private static int ColorOf(string temperature) => temperature switch { "cold" => ColdColor, "warm" => WarmColor, _ => AllColor };

    private static readonly string[] TemperatureOrder = { "cold", "warm", "all" };

    private static ChartRequest ColdWarm(ChartOptions o, IReadOnlyList<ChartRecord> records)
    {
        var properties = Properties(o);
        var groupBy = o.GroupBy ?? new[] { "FunctionName" };
        var boxes = new List<BoxSeries>();
        var categories = new List<string>();
        var groups = records.GroupBy(r => string.Join(", ", groupBy.Select(g => Format(r[g]))), StringComparer.OrdinalIgnoreCase).ToList();
        var cells = new List<(string Group, string Property, string Temperature, double[] Values)>();
        foreach (var group in groups)
            foreach (var property in properties)
                foreach (var temperature in TemperatureOrder)
                {
                    var values = group.Where(r => Temperature(r, o) == temperature).Select(r => ToDouble(r[property])).Where(double.IsFinite).ToArray();
                    if (values.Length > 0) cells.Add((group.Key, property, temperature, values));
                }
        // Up to RotateAbove boxes: two-line labels (the group wrapped at dashes). More: the renderer rotates the labels,
        // which stay on one line and drop what every group name shares ("sebs-local-").
        var rotated = cells.Count > RotateAbove;
        var common = rotated ? CommonPrefix(groups.Select(g => g.Key).ToList()) : "";
        foreach (var (group, property, temperature, values) in cells)
        {
            var name = group[common.Length..];
            var label = rotated ? $"{name} {property} {temperature}".Trim() : $"{Wrap(group)}\n{property} {temperature}";
            boxes.Add(Box(label, categories.Count, values, ColorOf(temperature)));
            categories.Add(label);
        }
        if (boxes.Count == 0) throw NoValues(properties);
        var legend = boxes.Select(b => b.ColorIndex).Distinct().Order()
            .Select(c => (TemperatureOrder[c], c)).ToList();
        // Cold starts can be 100x warm ones: a linear axis would flatten the warm boxes into a line.
        var medians = boxes.Select(b => b.Median).ToArray();
        var positive = boxes.All(b => b.Values.All(v => v > 0));
        var logY = positive && (o.LogY ?? (medians.Min() > 0 && medians.Max() / medians.Min() > 100));
        return new ChartRequest
        {
            Kind = o.Kind, Format = o.Format, Width = o.Width, Height = o.Height,
            Title = o.Title ?? "Cold and warm invocations",
            XLabel = string.Join(", ", groupBy),
            YLabel = (properties.Count == 1 ? AxisTitle(properties[0]) : "Time (ms)") + (logY ? ", log scale" : ""),
            Categories = categories, Boxes = boxes, Legend = legend, LogY = logY, YFromZero = !logY,
        };
    }

    /// <summary>Quartiles (numpy's linear method) and 1.5 IQR whiskers.</summary>
    public static BoxSeries Box(string label, double position, double[] values, int color)
    {
        var sorted = values.Order().ToArray();
        var q1 = Statistics.Percentile(sorted, 0.25);
        var q3 = Statistics.Percentile(sorted, 0.75);
        var iqr = q3 - q1;
        return new BoxSeries
        {
            Label = label, Position = position, Values = values, ColorIndex = color,
            Min = sorted[0], Max = sorted[^1], Q1 = q1, Q3 = q3, Median = Statistics.Percentile(sorted, 0.5),
            WhiskerLow = sorted.First(v => v >= q1 - 1.5 * iqr),
            WhiskerHigh = sorted.Last(v => v <= q3 + 1.5 * iqr),
        };
    }

    private static ChartRequest Histogram(ChartOptions o, IReadOnlyList<ChartRecord> records)
    {
        var property = Properties(o)[0];
        var byTemperature = TemperatureOrder
            .Select(t => (t, Values: records.Where(r => Temperature(r, o) == t).Select(r => ToDouble(r[property])).Where(double.IsFinite).ToArray()))
            .Where(x => x.Values.Length > 0).ToList();
        if (byTemperature.Count == 0) throw NoValues(new[] { property });
        var all = byTemperature.SelectMany(x => x.Values).ToArray();
        var (min, max) = (all.Min(), all.Max());
        var bins = Math.Max(1, o.Bins);
        var width = max > min ? (max - min) / bins : 1;
        var series = new List<XYSeries>();
        foreach (var (t, values) in byTemperature)
        {
            var counts = new double[bins];
            foreach (var v in values)
                counts[Math.Min(bins - 1, (int)((v - min) / width))]++;
            series.Add(new XYSeries
            {
                Label = $"{t} (n={values.Length})", Style = SeriesStyle.Bars, BarWidth = width, ColorIndex = ColorOf(t),
                X = Enumerable.Range(0, bins).Select(i => min + (i + 0.5) * width).ToArray(), Y = counts,
            });
        }
        return new ChartRequest
        {
            Kind = o.Kind, Format = o.Format, Width = o.Width, Height = o.Height,
            Title = o.Title ?? $"Distribution of {AxisTitle(property, withUnit: false)}", XLabel = AxisTitle(property), YLabel = "Invocations", Series = series,
        };
    }

    private static ChartRequest PerfCost(ChartOptions o, IReadOnlyList<ChartRecord> records)
    {
        var xName = o.X ?? "FunctionMemoryMB";
        var yName = o.Y ?? "ClientMs";
        // Local results carry no billing; then cost is estimated as SeBS bills it: handler seconds × memory GB.
        var billed = records.Any(r => ToDouble(r[o.Cost]) is var c && double.IsFinite(c) && c > 0);
        double GBSeconds(ChartRecord r) => billed ? ToDouble(r[o.Cost]) : ToDouble(r["BenchmarkMs"]) / 1000 * ToDouble(r[xName]) / 1024;
        // Per million invocations: GB-s × price + the request price, so the axis reads in dollars rather than 1e-7s.
        double Cost(ChartRecord r) => o.PricePerGBSecond is { } price ? GBSeconds(r) * price * 1e6 + o.PricePerMillionRequests : GBSeconds(r);
        var series = new List<XYSeries>();
        var color = 0;
        // One curve per perf-cost type (cold, warm, burst, sequential) when the results say it; else per cold/warm.
        foreach (var (label, members) in PerfCostCurves(o, records))
        {
            var time = MeanCurve(members, r => ToDouble(r[xName]), r => ToDouble(r[yName]));
            if (time.X.Length > 0)
                series.Add(WithStyle(time, $"{AxisTitle(yName, withUnit: false)}, {label}", PerfCostColor + color, secondary: false));
            var cost = MeanCurve(members, r => ToDouble(r[xName]), Cost);
            if (cost.X.Length > 0)
                series.Add(WithStyle(cost, $"cost, {label}", PerfCostColor + color, secondary: true));
            color++;
        }
        if (series.Count == 0) throw NoValues(new[] { xName, yName });
        var ticks = series.SelectMany(s => s.X).Distinct().Order().ToList();
        var costTitle = o.PricePerGBSecond is not null
            ? $"Cost per 1M invocations (USD{(billed ? "" : ", estimated")})"
            : billed ? $"{o.Cost} per invocation (GB-s)" : "GB-s per invocation (estimated)";
        return new ChartRequest
        {
            Kind = o.Kind, Format = o.Format, Width = o.Width, Height = o.Height,
            Title = o.Title ?? "Time and cost against memory (mean, 95 % CI)",
            XLabel = AxisTitle(xName), YLabel = AxisTitle(yName), Y2Label = costTitle, Series = series,
            XTicks = ticks.Count is > 0 and <= 24 ? ticks : null, YFromZero = true,
        };
    }

    /// <summary>Colour indexes from here on are the renderer's distinct palette (not the cold/warm/all colours).</summary>
    public const int PerfCostColor = 100;

    private static readonly string[] PerfCostTypes = { "cold", "warm", "burst", "sequential" };

    private static IEnumerable<(string Label, List<ChartRecord> Members)> PerfCostCurves(ChartOptions o, IReadOnlyList<ChartRecord> records)
    {
        var typed = records.Where(r => PerfCostTypes.Contains(Format(r["ExperimentType"]), StringComparer.OrdinalIgnoreCase)).ToList();
        if (typed.Count == 0 || o.GroupBy is { Count: > 0 })
        {
            foreach (var (label, _, members) in Curves(o, records)) yield return (label, members);
            yield break;
        }
        foreach (var type in PerfCostTypes)
        {
            var members = typed.Where(r => string.Equals(Format(r["ExperimentType"]), type, StringComparison.OrdinalIgnoreCase)).ToList();
            if (members.Count > 0) yield return (type, members);
        }
    }

    /// <summary>Axis titles with units for the properties Sebs objects have; other names are shown as they are.</summary>
    public static string AxisTitle(string property, bool withUnit = true)
    {
        var (title, unit) = property switch
        {
            "ClientMs" => ("Client time", "ms"),
            "BenchmarkMs" => ("Benchmark time", "ms"),
            "ProviderMs" => ("Provider time", "ms"),
            "InitMs" => ("Initialization time", "ms"),
            "ExecMs" => ("Execution time", "ms"),
            "ConnectionMs" => ("Connection time", "ms"),
            "RttMs" => ("Round trip", "ms"),
            "BilledMs" => ("Billed time", "ms"),
            "FunctionMemoryMB" => ("Function memory", "MB"),
            "MemoryMB" => ("Memory used", "MB"),
            "MemoryUsedMB" => ("Memory used", "MB"),
            "GBSeconds" => ("Cost", "GB-s"),
            "PayloadSize" => ("Payload size", "bytes"),
            _ => (property, ""),
        };
        return withUnit && unit.Length > 0 ? $"{title} ({unit})" : title;
    }

    /// <summary>Above this many boxes the category labels are rotated (the renderer does the same test).</summary>
    public const int RotateAbove = 4;

    /// <summary>The prefix, ending at a dash, that every name shares (empty for one name or none shared).</summary>
    private static string CommonPrefix(IReadOnlyList<string> names)
    {
        if (names.Count < 2) return "";
        var prefix = names[0];
        foreach (var n in names.Skip(1))
        {
            var i = 0;
            while (i < prefix.Length && i < n.Length && prefix[i] == n[i]) i++;
            prefix = prefix[..i];
        }
        var dash = prefix.LastIndexOf('-');
        return dash < 0 ? "" : prefix[..(dash + 1)];
    }

    /// <summary>Long group names (function names) broken at dashes so a category label stays narrow.</summary>
    private static string Wrap(string text, int width = 22)
    {
        if (text.Length <= width) return text;
        var lines = new List<string>();
        var line = "";
        foreach (var part in System.Text.RegularExpressions.Regex.Split(text, "(?<=[-, ])"))
        {
            if (line.Length > 0 && line.Length + part.Length > width) { lines.Add(line); line = ""; }
            line += part;
        }
        if (line.Length > 0) lines.Add(line);
        return string.Join("\n", lines);
    }

    private static ChartRequest Overhead(ChartOptions o, IReadOnlyList<ChartRecord> records)
    {
        var xName = RequireX(o);
        var yName = o.Y ?? "ClientMs";
        var series = new List<XYSeries>();
        foreach (var (label, color, members) in Curves(o, records))
        {
            var curve = MeanCurve(members, r => ToDouble(r[xName]), r => ToDouble(r[yName]));
            if (curve.X.Length > 0) series.Add(WithStyle(curve, label, color, secondary: false));
        }
        if (series.Count == 0) throw NoValues(new[] { xName, yName });
        return new ChartRequest
        {
            Kind = o.Kind, Format = o.Format, Width = o.Width, Height = o.Height,
            Title = o.Title ?? $"{AxisTitle(yName, withUnit: false)} against {AxisTitle(xName, withUnit: false)} (mean, 95 % CI)",
            XLabel = AxisTitle(xName), YLabel = AxisTitle(yName), Series = series, YFromZero = true,
        };
    }

    /// <summary>One curve per group × temperature, in a stable order.</summary>
    private static IEnumerable<(string Label, int Color, List<ChartRecord> Members)> Curves(ChartOptions o, IReadOnlyList<ChartRecord> records)
    {
        var groupBy = o.GroupBy ?? Array.Empty<string>();
        var index = 0;
        foreach (var group in records.GroupBy(r => string.Join(", ", groupBy.Select(g => Format(r[g]))), StringComparer.OrdinalIgnoreCase))
        {
            foreach (var t in TemperatureOrder)
            {
                var members = group.Where(r => Temperature(r, o) == t).ToList();
                if (members.Count == 0) continue;
                var label = group.Key.Length == 0 ? t : $"{group.Key} {t}";
                yield return (label, groupBy.Count == 0 ? ColorOf(t) : 3 + index * 3 + ColorOf(t), members);
            }
            index++;
        }
    }

    private static XYSeries WithStyle(XYSeries s, string label, int color, bool secondary) => new()
    {
        Label = label, X = s.X, Y = s.Y, Low = s.Low, High = s.High, Style = SeriesStyle.Line, ColorIndex = color, SecondaryAxis = secondary,
    };

    /// <summary>Per distinct x (ascending): the mean of y and its Student-t 95 % interval (the mean itself for a single value).</summary>
    public static XYSeries MeanCurve(IEnumerable<ChartRecord> records, Func<ChartRecord, double> x, Func<ChartRecord, double> y)
    {
        var points = records.Select(r => (X: x(r), Y: y(r))).Where(p => double.IsFinite(p.X) && double.IsFinite(p.Y))
            .GroupBy(p => p.X).OrderBy(g => g.Key).ToList();
        var xs = new double[points.Count];
        var means = new double[points.Count];
        var lows = new double[points.Count];
        var highs = new double[points.Count];
        for (var i = 0; i < points.Count; i++)
        {
            var values = points[i].Select(p => p.Y).ToArray();
            var mean = Statistics.Mean(values);
            var ci = Statistics.StudentTInterval(mean, Statistics.SampleStdDev(values, mean), values.Length, 0.95);
            xs[i] = points[i].Key;
            means[i] = mean;
            lows[i] = ci?.Low ?? mean;
            highs[i] = ci?.High ?? mean;
        }
        return new XYSeries { X = xs, Y = means, Low = lows, High = highs };
    }

    private static SebsException NoValues(IEnumerable<string> names) => new("Sebs.NoChartData", SebsErrorKind.InvalidData,
        $"The input objects have no numeric values for {string.Join(", ", names)}.");

    private static string Format(object? value) => value switch
    {
        null => "",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    /// <summary>Numbers as they are, numeric strings (Import-Csv) parsed invariantly, anything else NaN.</summary>
    public static double ToDouble(object? value) => value switch
    {
        double d => d,
        float f => f,
        int i => i,
        long l => l,
        decimal m => (double)m,
        short s => s,
        byte b => b,
        uint u => u,
        ulong ul => ul,
        string s when double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) => parsed,
        _ => double.NaN,
    };

    public static bool? ToBool(object? value) => value switch
    {
        bool b => b,
        string s when bool.TryParse(s, out var parsed) => parsed,
        _ => null,
    };
}
