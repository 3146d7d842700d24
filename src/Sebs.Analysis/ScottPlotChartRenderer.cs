using System.Text;
using ScottPlot;
using Sebs.Core.Analysis;

namespace Sebs.Analysis;

/// <summary>Draws a <see cref="ChartRequest"/> with ScottPlot (SkiaSharp underneath); works headless.</summary>
public sealed class ScottPlotChartRenderer : IChartRenderer
{
    private static readonly IPalette Palette = new ScottPlot.Palettes.Category10();

    // Cold red-ish, warm blue-ish, "all" grey; further groups take the palette in turn. PerfCost series take the
    // palette from its start, one colour per series (cold, warm, burst, sequential), skipping grey.
    private static readonly int[] Distinct = { 3, 0, 2, 1, 4, 5, 6, 8, 9 };

    private static Color ColorOf(int index) => index switch
    {
        ChartBuilder.ColdColor => Palette.GetColor(3),
        ChartBuilder.WarmColor => Palette.GetColor(0),
        ChartBuilder.AllColor => Palette.GetColor(7),
        >= ChartBuilder.PerfCostColor => Palette.GetColor(Distinct[(index - ChartBuilder.PerfCostColor) % Distinct.Length]),
        _ => Palette.GetColor(index),
    };

    private static double Y(ChartRequest request, double value) => request.LogY ? Math.Log10(Math.Max(value, 1e-9)) : value;

    public byte[] Render(ChartRequest request)
    {
        var plot = new Plot();
        plot.Title(request.Title);
        plot.XLabel(request.XLabel);
        plot.YLabel(request.YLabel);

        if (request.Boxes.Count > 0) DrawBoxes(plot, request);
        foreach (var s in request.Series) DrawSeries(plot, s);

        if (request.Categories is { Count: > 0 } categories)
        {
            plot.Axes.Bottom.SetTicks(Enumerable.Range(0, categories.Count).Select(i => (double)i).ToArray(), categories.ToArray());
            // Many categories: rotated so neighbours do not overlap, with room below for the longest label.
            var rotate = categories.Count > ChartBuilder.RotateAbove;
            const double angle = 40;
            plot.Axes.Bottom.TickLabelStyle.Rotation = rotate ? (float)angle : 0;
            plot.Axes.Bottom.TickLabelStyle.Alignment = rotate ? Alignment.MiddleLeft : Alignment.UpperCenter;
            var lines = categories.Max(c => c.Split('\n').Length);
            var longest = categories.SelectMany(c => c.Split('\n')).Max(l => l.Length);
            if (rotate) plot.Axes.Bottom.TickLabelStyle.FontSize = 11;
            // Room below for the longest rotated label, and on the right for the last one, which runs past the plot.
            plot.Axes.Bottom.MinimumSize = rotate ? (float)Math.Min(request.Height * 0.42, 30 + longest * 6.8 * Math.Sin(angle * Math.PI / 180)) : 18 * lines + 24;
            if (rotate) plot.Axes.Right.MinimumSize = (float)Math.Min(request.Width * 0.25, longest * 6.8 * Math.Cos(angle * Math.PI / 180) * 0.9);
        }
        if (request.XTicks is { Count: > 0 } ticks)
            plot.Axes.Bottom.SetTicks(ticks.ToArray(), ticks.Select(t => t.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture)).ToArray());
        if (request.LogY)
        {
            // Values are drawn as log10; ticks at the decades with minor ticks between, labelled with the real values.
            var ticksGen = new ScottPlot.TickGenerators.NumericAutomatic
            {
                MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
                IntegerTicksOnly = true,
                LabelFormatter = y => Math.Pow(10, y).ToString("0.###", System.Globalization.CultureInfo.InvariantCulture),
            };
            plot.Axes.Left.TickGenerator = ticksGen;
            plot.Axes.Left.MinorTickStyle.Length = 4;
        }
        if (request.Y2Label is not null) plot.Axes.Right.Label.Text = request.Y2Label;
        foreach (var (label, color) in request.Legend)
            plot.Legend.ManualItems.Add(new LegendItem { LabelText = label, FillColor = ColorOf(color).WithAlpha(.5), LineColor = ColorOf(color) });
        if (request.Legend.Count > 0 || request.Series.Any(s => !string.IsNullOrEmpty(s.Label)))
        {
            plot.ShowLegend(Edge.Bottom);
        }
        if (request.Kind == ChartKind.Histogram)
        {
            plot.Axes.Margins(bottom: 0);
            // Times are never negative: no tick at -1 to the left of the first bin.
            plot.Axes.AutoScale();
            if (plot.Axes.Bottom.Range.Min < 0 && request.Series.All(s => s.X.All(x => x - s.BarWidth / 2 >= -1e-9)))
                plot.Axes.Bottom.Range.Set(0, plot.Axes.Bottom.Range.Max);
        }
        if (request.YFromZero)
        {
            // Times and costs are never negative: the axis starts at 0 even where a confidence interval would reach below.
            plot.Axes.AutoScale();
            foreach (var axis in new IYAxis[] { plot.Axes.Left, plot.Axes.Right })
                if (axis.Range.Max > 0) axis.Range.Set(0, axis.Range.Max);
        }

        return request.Format == ChartFormat.Svg
            ? Encoding.UTF8.GetBytes(plot.GetSvgXml(request.Width, request.Height))
            : plot.GetImageBytes(request.Width, request.Height, ImageFormat.Png);
    }

    private static void DrawBoxes(Plot plot, ChartRequest request)
    {
        var random = new Random(17);
        foreach (var b in request.Boxes)
        {
            var color = ColorOf(b.ColorIndex);
            var box = new Box
            {
                Position = b.Position,
                BoxMin = Y(request, b.Q1),
                BoxMax = Y(request, b.Q3),
                BoxMiddle = Y(request, b.Median),
                WhiskerMin = Y(request, b.WhiskerLow),
                WhiskerMax = Y(request, b.WhiskerHigh),
                Width = 0.5,
            };
            // The plottable's colours win over the box's own style.
            var boxPlot = plot.Add.Box(box);
            boxPlot.FillColor = color.WithAlpha(.35);
            boxPlot.LineColor = color;
            // The points themselves, jittered sideways (fixed seed: the same input draws the same figure).
            var xs = b.Values.Select(_ => b.Position + (random.NextDouble() - 0.5) * 0.35).ToArray();
            var points = plot.Add.ScatterPoints(xs, b.Values.Select(v => Y(request, v)).ToArray(), color.WithAlpha(.8));
            points.MarkerSize = 4;
        }
    }

    private static void DrawSeries(Plot plot, XYSeries s)
    {
        // The right-hand axis's series (PerfCost's cost) in a lighter shade of its type's colour, with square markers.
        var color = s.SecondaryAxis ? ColorOf(s.ColorIndex).Lighten(0.35) : ColorOf(s.ColorIndex);
        IYAxis? axis = s.SecondaryAxis ? plot.Axes.Right : null;
        switch (s.Style)
        {
            case SeriesStyle.Bars:
            {
                var bars = plot.Add.Bars(s.X, s.Y);
                foreach (var bar in bars.Bars)
                {
                    bar.Size = s.BarWidth;
                    bar.FillColor = color.WithAlpha(.5);
                    bar.LineColor = color;
                }
                bars.LegendText = s.Label;
                if (axis is not null) bars.Axes.YAxis = axis;
                break;
            }
            default:
            {
                var scatter = plot.Add.Scatter(s.X, s.Y, color);
                scatter.LegendText = s.Label;
                scatter.MarkerSize = 7;
                scatter.LineWidth = s.Style == SeriesStyle.Markers ? 0 : 2;
                // Square markers, not a dashed line, tell the right-hand axis apart: Skia's SVG canvas cannot write dash
                // effects and prints "Unsupported path effect" on stdout for each one.
                if (s.SecondaryAxis) scatter.MarkerShape = MarkerShape.FilledSquare;
                if (axis is not null) scatter.Axes.YAxis = axis;
                if (s.Low is not null && s.High is not null)
                {
                    var half = s.Y.Select((y, i) => Math.Max(s.High[i] - y, y - s.Low[i])).ToArray();
                    var errors = plot.Add.ErrorBar(s.X, s.Y, half);
                    errors.Color = color;
                    if (axis is not null) errors.Axes.YAxis = axis;
                }
                break;
            }
        }
    }
}
