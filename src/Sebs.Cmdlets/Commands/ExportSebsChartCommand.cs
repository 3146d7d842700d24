using System.Collections;
using System.Management.Automation;
using Sebs.Cmdlets.Infrastructure;
using Sebs.Core;
using Sebs.Core.Analysis;

namespace Sebs.Cmdlets.Commands;

/// <summary>
/// Draws results as a PNG or SVG figure. The cmdlet only reads the named values from each object; Core's
/// <see cref="ChartBuilder"/> computes what to draw and Sebs.Analysis (ScottPlot, in its own load context) draws it.
/// </summary>
[Cmdlet(VerbsData.Export, "SebsChart", SupportsShouldProcess = true)]
[OutputType(typeof(FileInfo))]
public sealed class ExportSebsChartCommand : SebsCmdlet
{
    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    [AllowNull]
    public PSObject? InputObject { get; set; }

    [Parameter(Mandatory = true, Position = 0)]
    public string Path { get; set; } = "";

    [Parameter(Mandatory = true)]
    public ChartKind Kind { get; set; }

    [Parameter]
    [ValidateSet("Png", "Svg", IgnoreCase = true)]
    public string? Format { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? Property { get; set; }

    [Parameter]
    [AllowEmptyCollection]
    public string[]? GroupBy { get; set; }

    [Parameter] public string? X { get; set; }
    [Parameter] public string? Y { get; set; }
    [Parameter] public string? Title { get; set; }

    [Parameter]
    [ValidateRange(200, 10000)]
    public int Width { get; set; } = 900;

    [Parameter]
    [ValidateRange(150, 10000)]
    public int Height { get; set; } = 540;

    [Parameter]
    [ValidateRange(1, 1000)]
    public int Bins { get; set; } = 30;

    [Parameter] public SwitchParameter IncludeFailed { get; set; }

    /// <summary>PerfCost: USD per GB-second; the cost axis then shows USD per 1M invocations (default: AWS Lambda's x86 list price, us-east-1).</summary>
    [Parameter]
    [ValidateRange(0.0, 1.0)]
    public double PricePerGBSecond { get; set; } = 0.0000166667;

    /// <summary>PerfCost: USD per million requests, added to the duration cost (default: AWS Lambda's 0.20).</summary>
    [Parameter]
    [ValidateRange(0.0, 1000.0)]
    public double PricePerMillionRequests { get; set; } = 0.20;

    /// <summary>PerfCost: draw the cost axis in GB-seconds per invocation instead of USD.</summary>
    [Parameter] public SwitchParameter GBSeconds { get; set; }

    /// <summary>ColdWarm: a logarithmic Y axis ($true/$false; default: when the boxes' medians differ more than 100 times).</summary>
    [Parameter] public bool LogScale { get; set; }

    private ChartOptions _options = null!;
    private IReadOnlyList<string> _fields = null!;
    private readonly List<ChartRecord> _records = new();

    protected override void BeginProcessing()
    {
        var format = Format is not null ? Enum.Parse<ChartFormat>(Format, ignoreCase: true)
            : System.IO.Path.GetExtension(Path).ToLowerInvariant() switch
            {
                ".png" => ChartFormat.Png,
                ".svg" => ChartFormat.Svg,
                _ => (ChartFormat?)null,
            } ?? throw new PSArgumentException($"Cannot tell the format of '{Path}': give it a .png or .svg extension, or use -Format.", nameof(Path));
        _options = new ChartOptions
        {
            Kind = Kind, Format = format, Width = Width, Height = Height, Title = Title, Property = Property, GroupBy = GroupBy,
            X = X, Y = Y, Bins = Bins, IncludeFailed = IncludeFailed,
            PricePerGBSecond = GBSeconds ? null : PricePerGBSecond, PricePerMillionRequests = PricePerMillionRequests,
            LogY = MyInvocation.BoundParameters.ContainsKey(nameof(LogScale)) ? LogScale : null,
        };
        try { _fields = ChartBuilder.Fields(_options); }
        catch (SebsException ex) { ThrowSebsError(ex); }
    }

    protected override void ProcessRecord()
    {
        if (InputObject is null) return;
        if (!MyInvocation.ExpectingInput && InputObject.BaseObject is IEnumerable items and not string and not IDictionary)
        {
            foreach (var item in items)
                if (item is not null) Add(PSObject.AsPSObject(item));
        }
        else Add(InputObject);
    }

    private void Add(PSObject item)
    {
        var values = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
        foreach (var f in _fields) values[f] = GetMember(item, f);
        _records.Add(new ChartRecord(values));
    }

    protected override void EndProcessing()
    {
        var path = GetUnresolvedProviderPathFromPSPath(Path);
        try
        {
            var request = ChartBuilder.Build(_options, _records);
            if (!ShouldProcess(path, $"Write a {Kind} chart ({_options.Format}) of {_records.Count} object(s)")) return;
            var bytes = AnalysisLoader.Renderer.Render(request);
            var dir = System.IO.Path.GetDirectoryName(path);
            if (!string.IsNullOrEmpty(dir)) Directory.CreateDirectory(dir);
            File.WriteAllBytes(path, bytes);
            WriteVerbose($"Wrote {bytes.Length} bytes to {path}.");
            // Through the provider, so the FileInfo carries PSPath and formats like Get-Item's.
            WriteObject(InvokeProvider.Item.Get(path), enumerateCollection: true);
        }
        catch (PipelineStoppedException) { throw; }
        catch (Exception ex)
        {
            WriteError(ToErrorRecord(ex, path));
        }
        finally { base.EndProcessing(); }
    }

    /// <summary>A (dotted) member through PowerShell's view: properties, note properties, hashtable keys.</summary>
    private static object? GetMember(PSObject item, string path)
    {
        object? current = item;
        foreach (var part in path.Split('.'))
        {
            current = current switch
            {
                null => null,
                PSObject { BaseObject: IDictionary dict } => dict.Contains(part) ? dict[part] : null,
                IDictionary dict => dict.Contains(part) ? dict[part] : null,
                PSObject o => o.Properties[part]?.Value,
                _ => PSObject.AsPSObject(current).Properties[part]?.Value,
            };
        }
        return current is PSObject pso ? pso.BaseObject : current;
    }
}
