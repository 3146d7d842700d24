using System.Management.Automation;
using Sebs.Cmdlets.Infrastructure;
using Sebs.Core;
using Sebs.Core.Results;

namespace Sebs.Cmdlets.Commands;

/// <summary>Streams ExecutionResults from experiments.json/results.json, our JSON lines, or a results CSV.</summary>
[Cmdlet(VerbsData.Import, "SebsResult", DefaultParameterSetName = PathSet)]
[OutputType(typeof(ExecutionResult))]
public sealed class ImportSebsResultCommand : SebsCmdlet
{
    private const string PathSet = "Path";
    private const string LiteralPathSet = "LiteralPath";

    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ParameterSetName = PathSet)]
    [SupportsWildcards]
    public string[] Path { get; set; } = Array.Empty<string>();

    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = LiteralPathSet)]
    [Alias("PSPath", "LP")]
    public string[] LiteralPath { get; set; } = Array.Empty<string>();

    protected override void ProcessRecord()
    {
        foreach (var file in ResolveFiles())
        {
            try
            {
                WriteVerbose($"Reading results from {file} ({ResultFile.Detect(file)})");
                foreach (var result in ResultFile.Read(file, DirectLog))
                    WriteObject(result);
            }
            catch (SebsException ex) { ThrowSebsError(ex, file); }
            catch (IOException ex) { WriteSebsError(ex, file); }
            catch (UnauthorizedAccessException ex) { WriteSebsError(ex, file); }
        }
    }

    private IEnumerable<string> ResolveFiles()
    {
        var literal = ParameterSetName == LiteralPathSet;
        foreach (var path in literal ? LiteralPath : Path)
        {
            List<string> files;
            try
            {
                files = literal
                    ? new List<string> { GetUnresolvedProviderPathFromPSPath(path) }
                    : GetResolvedProviderPathFromPSPath(path, out _).ToList();
            }
            catch (ItemNotFoundException ex)
            {
                WriteSebsError(NotFound(path, ex), path);
                continue;
            }
            foreach (var file in files)
            {
                if (File.Exists(file)) yield return file;
                else WriteSebsError(NotFound(file, null), file);
            }
        }
    }

    private static SebsException NotFound(string path, Exception? inner) =>
        new(SebsErrorIds.ResultFileNotFound, SebsErrorKind.ObjectNotFound, $"Results file '{path}' does not exist.", inner, path);
}
