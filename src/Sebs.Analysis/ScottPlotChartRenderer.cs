using System.Text;
using ScottPlot;
using Sebs.Core.Analysis;

namespace Sebs.Analysis;

/// <summary>Draws a <see cref="ChartRequest"/> with ScottPlot (SkiaSharp underneath); works headless.</summary>
public sealed class ScottPlotChartRenderer : IChartRenderer
{
    private static readonly IPalette Palette = new ScottPlot.Palettes.Category10();

    // Cold red-ish, warm blue-ish, "all" grey; further groups take the palette in turn.
    private static Color ColorOf(int index) => index switch
    {
        ChartBuilder.ColdColor => Palette.GetColor(3),
        ChartBuilder.WarmColor => Palette.GetColor(0),
        ChartBuilder.AllColor => Palette.GetColor(7),
        _ => Palette.GetColor(index),
    };

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
            plot.Axes.Bottom.TickLabelStyle.Rotation = categories.Count > 4 ? 20 : 0;
            plot.Axes.Bottom.TickLabelStyle.Alignment = categories.Count > 4 ? Alignment.MiddleLeft : Alignment.UpperCenter;
        }
        if (request.Y2Label is not null) plot.Axes.Right.Label.Text = request.Y2Label;
        foreach (var (label, color) in request.Legend)
            plot.Legend.ManualItems.Add(new LegendItem { LabelText = label, FillColor = ColorOf(color).WithAlpha(.5), LineColor = ColorOf(color) });
        if (request.Legend.Count > 0 || request.Series.Any(s => !string.IsNullOrEmpty(s.Label)))
        {
            plot.ShowLegend(Edge.Bottom);
        }
        if (request.Kind == ChartKind.Histogram) plot.Axes.Margins(bottom: 0);

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
                BoxMin = b.Q1,
                BoxMax = b.Q3,
                BoxMiddle = b.Median,
                WhiskerMin = b.WhiskerLow,
                WhiskerMax = b.WhiskerHigh,
                Width = 0.5,
            };
            // The plottable's colours win over the box's own style.
            var boxPlot = plot.Add.Box(box);
            boxPlot.FillColor = color.WithAlpha(.35);
            boxPlot.LineColor = color;
            // The points themselves, jittered sideways (fixed seed: the same input draws the same figure).
            var xs = b.Values.Select(_ => b.Position + (random.NextDouble() - 0.5) * 0.35).ToArray();
            var points = plot.Add.ScatterPoints(xs, b.Values, color.WithAlpha(.8));
            points.MarkerSize = 4;
        }
    }

    private static void DrawSeries(Plot plot, XYSeries s)
    {
        var color = ColorOf(s.ColorIndex);
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
