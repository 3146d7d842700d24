using System.Management.Automation;
using Sebs.Cmdlets.Infrastructure;
using Sebs.Core;
using Sebs.Core.Experiments;

namespace Sebs.Cmdlets.Commands;

/// <summary>SeBS's <c>experiment process</c>: an experiment's output folder as rows, and SeBS's CSV next to the files.</summary>
[Cmdlet(VerbsCommon.Get, "SebsExperimentResult")]
[OutputType(typeof(PerfCostRow), typeof(PingPongRow), typeof(InvocationOverheadRow), typeof(EvictionModelRow))]
public sealed class GetSebsExperimentResultCommand : SebsCmdlet
{
    /// <summary>The experiment's output folder (Start-SebsExperiment -OutputPath), or its &lt;experiment&gt; subfolder.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("OutputPath", "FullName")]
    public string Path { get; set; } = "";

    /// <summary>Which experiment's files to read (default: every experiment folder found).</summary>
    [Parameter(Position = 1)]
    [ValidateSet(ExperimentNames.PerfCost, ExperimentNames.NetworkPingPong, ExperimentNames.InvocationOverhead, ExperimentNames.EvictionModel)]
    public string? Experiment { get; set; }

    /// <summary>Also write the rows to this CSV file (default: SeBS's CSV in the experiment folder).</summary>
    [Parameter] public string? CsvPath { get; set; }

    /// <summary>Do not write any CSV file.</summary>
    [Parameter] public SwitchParameter NoCsv { get; set; }

    protected override void ProcessRecord()
    {
        var root = GetUnresolvedProviderPathFromPSPath(Path);
        if (!Directory.Exists(root))
        {
            WriteSebsError(new SebsException("Sebs.ResultFileNotFound", SebsErrorKind.ObjectNotFound, $"No experiment output folder '{root}'.", target: root), root);
            return;
        }
        // Accept the experiment subfolder itself.
        var leaf = System.IO.Path.GetFileName(root.TrimEnd(System.IO.Path.DirectorySeparatorChar));
        if (ExperimentNames.All.Contains(leaf) || Directory.GetParent(root)?.Name == ExperimentNames.InvocationOverhead && leaf is "payload" or "code")
        {
            var name = ExperimentNames.All.Contains(leaf) ? leaf : ExperimentNames.InvocationOverhead;
            root = name == leaf ? Directory.GetParent(root)!.FullName : Directory.GetParent(root)!.Parent!.FullName;
            Experiment ??= name;
        }
        var names = Experiment is not null ? new[] { Experiment }
            : ExperimentNames.All.Where(n => Directory.Exists(System.IO.Path.Combine(root, n))).ToArray();
        if (names.Length == 0)
        {
            WriteSebsError(new SebsException("Sebs.ResultFileNotFound", SebsErrorKind.ObjectNotFound,
                $"'{root}' has no experiment folder ({string.Join(", ", ExperimentNames.All)}).", target: root), root);
            return;
        }
        var csvOverride = CsvPath is null ? null : GetUnresolvedProviderPathFromPSPath(CsvPath);
        foreach (var name in names)
        {
            var folder = System.IO.Path.Combine(root, name);
            try
            {
                switch (name)
                {
                    case ExperimentNames.PerfCost:
                        Emit(PerfCostProcessor.Read(folder).ToList(), rows => PerfCostProcessor.WriteCsv(rows, csvOverride ?? System.IO.Path.Combine(folder, "result.csv")));
                        break;
                    case ExperimentNames.NetworkPingPong:
                        Emit(PingPongMath.ReadFolder(folder).ToList(), rows => PingPongMath.WriteCsv(rows, csvOverride ?? System.IO.Path.Combine(folder, "result.csv")));
                        break;
                    case ExperimentNames.InvocationOverhead:
                        foreach (var type in new[] { "payload", "code" })
                        {
                            var sub = System.IO.Path.Combine(folder, type);
                            if (!Directory.Exists(sub)) continue;
                            Emit(InvocationOverheadProcessor.Process(sub).ToList(),
                                rows => InvocationOverheadProcessor.WriteCsv(rows, csvOverride ?? System.IO.Path.Combine(sub, "result-processed.csv")));
                        }
                        break;
                    case ExperimentNames.EvictionModel:
                        Emit(EvictionModelProcessor.Read(folder).ToList(), rows => EvictionModelProcessor.WriteCsv(rows, csvOverride ?? System.IO.Path.Combine(folder, "result.csv")));
                        break;
                }
            }
            catch (Exception ex) when (ex is SebsException or IOException or FormatException or System.Text.Json.JsonException)
            {
                WriteSebsError(ex, folder);
            }
        }
    }

    private void Emit<T>(List<T> rows, Action<List<T>> writeCsv)
    {
        if (!NoCsv) writeCsv(rows);
        foreach (var row in rows) WriteObject(row);
    }
}
