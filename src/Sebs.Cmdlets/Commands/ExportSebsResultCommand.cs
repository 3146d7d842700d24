using System.Management.Automation;
using System.Text;
using Sebs.Cmdlets.Infrastructure;
using Sebs.Core.Results;

namespace Sebs.Cmdlets.Commands;

/// <summary>
/// Writes piped ExecutionResults to a file: SeBS's experiments.json shape, JSON lines (one result per line, flushed as
/// it arrives) or CSV (streamed as well). The format follows -Format, else the extension (.jsonl/.ndjson, .csv, else Json).
/// </summary>
[Cmdlet(VerbsData.Export, "SebsResult", SupportsShouldProcess = true)]
[OutputType(typeof(ExecutionResult))]
public sealed class ExportSebsResultCommand : SebsCmdlet, IDisposable
{
    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    public ExecutionResult InputObject { get; set; } = null!;

    [Parameter(Mandatory = true, Position = 0)]
    public string Path { get; set; } = "";

    [Parameter]
    public ResultFileFormat? Format { get; set; }

    /// <summary>Add to an existing file instead of replacing it (Json: the file's invocations, metrics and config are kept).</summary>
    [Parameter]
    public SwitchParameter Append { get; set; }

    /// <summary>Also write each result to the pipeline.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    private string _file = "";
    private ResultFileFormat _format;
    private bool _write;
    private ResultsJournal? _journal;
    private StreamWriter? _csv;
    private ExperimentResult? _experiment;

    protected override void BeginProcessing()
    {
        _file = GetUnresolvedProviderPathFromPSPath(Path);
        _format = Format ?? FormatFromExtension(_file);
        _write = ShouldProcess(_file, $"Write results ({_format})");
        if (!_write) return;
        try
        {
            switch (_format)
            {
                case ResultFileFormat.JsonLines:
                    _journal = ResultsJournal.Open(_file, Append, DirectLog);
                    break;
                case ResultFileFormat.Csv:
                    var hasHeader = Append && File.Exists(_file) && new FileInfo(_file).Length > 0;
                    _csv = new StreamWriter(SecureFile.Create(_file, Append), new UTF8Encoding(false));
                    if (!hasHeader) ResultCsv.Write(Array.Empty<ExecutionResult>(), _csv);
                    break;
                default:
                    _experiment = Append && File.Exists(_file) ? ExperimentResultJson.Read(_file) : new ExperimentResult();
                    break;
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or Core.SebsException)
        {
            ThrowSebsError(ex, _file);
        }
    }

    protected override void ProcessRecord()
    {
        if (_write)
        {
            try
            {
                if (_journal is not null) _journal.Append(InputObject);
                else if (_csv is not null) ResultCsv.WriteRow(InputObject, _csv);
                else _experiment!.Add(InputObject);
            }
            catch (IOException ex) { ThrowSebsError(ex, _file); }
        }
        if (PassThru) WriteObject(InputObject);
    }

    protected override void EndProcessing()
    {
        try
        {
            if (_experiment is not null)
            {
                _experiment.InferTimesFromResults();
                ExperimentResultJson.Write(_experiment, _file);
            }
            if (_write) WriteVerbose($"Wrote results to {_file} ({_format})");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            ThrowSebsError(ex, _file);
        }
        finally
        {
            Dispose();
            base.EndProcessing();
        }
    }

    public void Dispose()
    {
        _journal?.Dispose();
        _journal = null;
        _csv?.Dispose();
        _csv = null;
    }

    private static ResultFileFormat FormatFromExtension(string path) =>
        System.IO.Path.GetExtension(path).ToLowerInvariant() switch
        {
            ".jsonl" or ".ndjson" => ResultFileFormat.JsonLines,
            ".csv" => ResultFileFormat.Csv,
            _ => ResultFileFormat.Json,
        };
}
