namespace Sebs.Core.Analysis;

/// <summary>The figures Export-SebsChart draws.</summary>
public enum ChartKind
{
    /// <summary>Distribution of a time per function, cold and warm side by side (box plot with the points).</summary>
    ColdWarm,
    /// <summary>Time and cost (GB-s) against function memory: means with 95 % confidence intervals (SeBS perf-cost).</summary>
    PerfCost,
    /// <summary>A metric against payload size, one curve for cold and one for warm (SeBS invocation-overhead).</summary>
    InvocationOverhead,
    /// <summary>Histogram of a value, cold and warm overlaid.</summary>
    Histogram,
}

public enum ChartFormat { Png, Svg }

public enum SeriesStyle
{
    /// <summary>Points joined by lines, with error bars when given.</summary>
    Line,
    /// <summary>Points only.</summary>
    Markers,
    /// <summary>Bars centred at X with width <see cref="XYSeries.BarWidth"/>.</summary>
    Bars,
}

/// <summary>A series of points (x, y), optionally with an interval [low, high] per point.</summary>
public sealed class XYSeries
{
    public string Label { get; init; } = "";
    public double[] X { get; init; } = Array.Empty<double>();
    public double[] Y { get; init; } = Array.Empty<double>();
    /// <summary>Lower ends of the error bars (absolute values), or null.</summary>
    public double[]? Low { get; init; }
    /// <summary>Upper ends of the error bars (absolute values), or null.</summary>
    public double[]? High { get; init; }
    public SeriesStyle Style { get; init; } = SeriesStyle.Line;
    public double BarWidth { get; init; } = 1;
    /// <summary>Plot against the right-hand axis (<see cref="ChartRequest.Y2Label"/>).</summary>
    public bool SecondaryAxis { get; init; }
    /// <summary>Index into the renderer's palette, so cold and warm keep their colours across series.</summary>
    public int ColorIndex { get; init; }
}

/// <summary>The values of one box: drawn at <see cref="Position"/> on a categorical X axis, with the points jittered beside it.</summary>
public sealed class BoxSeries
{
    public string Label { get; init; } = "";
    public double Position { get; init; }
    public double[] Values { get; init; } = Array.Empty<double>();
    public double Min { get; init; }
    public double Q1 { get; init; }
    public double Median { get; init; }
    public double Q3 { get; init; }
    public double Max { get; init; }
    /// <summary>Whisker ends: the most extreme values within 1.5 IQR of the box.</summary>
    public double WhiskerLow { get; init; }
    public double WhiskerHigh { get; init; }
    public int ColorIndex { get; init; }
}

/// <summary>A chart as plain data: what to draw, never how. Core builds it; a renderer (Sebs.Analysis) draws it.</summary>
public sealed class ChartRequest
{
    public ChartKind Kind { get; init; }
    public ChartFormat Format { get; init; } = ChartFormat.Png;
    public int Width { get; init; } = 900;
    public int Height { get; init; } = 540;
    public string Title { get; init; } = "";
    public string XLabel { get; init; } = "";
    public string YLabel { get; init; } = "";
    /// <summary>Label of the right-hand axis; null when no series uses it.</summary>
    public string? Y2Label { get; init; }
    /// <summary>Tick labels at X = 0, 1, 2, ... for categorical charts (ColdWarm); null for numeric X.</summary>
    public IReadOnlyList<string>? Categories { get; init; }
    public IReadOnlyList<XYSeries> Series { get; init; } = Array.Empty<XYSeries>();
    public IReadOnlyList<BoxSeries> Boxes { get; init; } = Array.Empty<BoxSeries>();
    /// <summary>Legend entries (label, colour index) for the boxes.</summary>
    public IReadOnlyList<(string Label, int ColorIndex)> Legend { get; init; } = Array.Empty<(string, int)>();
    /// <summary>X tick positions (and their labels): the values measured, e.g. the memory sizes; null for automatic ticks.</summary>
    public IReadOnlyList<double>? XTicks { get; init; }
    /// <summary>Y axes start at zero (times and costs are never negative, so an interval below zero is not drawn).</summary>
    public bool YFromZero { get; init; }
    /// <summary>A logarithmic Y axis: the values span orders of magnitude (all values are positive).</summary>
    public bool LogY { get; init; }
}

/// <summary>Draws a chart into PNG or SVG bytes. Implemented in Sebs.Analysis, which is loaded in its own context.</summary>
public interface IChartRenderer
{
    byte[] Render(ChartRequest request);
}
