using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Text.Json.Nodes;
using Sebs.Cmdlets.Infrastructure;
using Sebs.Core;
using Sebs.Core.Remoting;
using Sebs.Core.Results;
using Sebs.Core.Running;

namespace Sebs.Cmdlets.Remoting;

/// <summary>The cmdlet side of a fanned-out run: hosts connected and checked, results journaled here before they are emitted.</summary>
internal static class RemoteRun
{
    /// <summary>Reads the load-host parameters a cmdlet was given; null when the run stays on this machine.</summary>
    public static LoadHostOptions? Options(PSCmdlet cmdlet, string[]? computerName, PSSession[]? session, string? userName, string? keyFilePath,
        Hashtable? sshOption, string? remoteModulePath)
    {
        var version = cmdlet.MyInvocation.MyCommand.Module?.Version ?? typeof(RemoteRun).Assembly.GetName().Version ?? new Version(0, 0);
        return LoadHostOptions.From(computerName, session, userName,
            keyFilePath is null ? null : cmdlet.GetUnresolvedProviderPathFromPSPath(keyFilePath), sshOption, remoteModulePath, version);
    }

    /// <summary>Invoke-SebsBenchmark -ComputerName/-Session.</summary>
    public static async Task InvokeBenchmarkAsync(LoadHostOptions options, BenchmarkRunner runner, InvokeRequest request, string journalPath,
        IRunSink sink, CancellationToken ct)
    {
        RemoteBenchmarkRun.Check(request);
        using var pool = await LoadHostPool.OpenAsync(options, sink, ct).ConfigureAwait(false);
        var fanOut = new FanOut(pool.Hosts, sink);
        ResultsJournal? journal = null;
        try
        {
            await foreach (var result in RemoteBenchmarkRun.RunAsync(runner, request, fanOut, sink, sink, ct).ConfigureAwait(false))
            {
                // On disk before it reaches the pipeline: a host dropping out or Ctrl+C loses nothing already measured.
                journal ??= ResultsJournal.Open(journalPath, append: true, sink);
                journal.Append(result);
                if (result.Failed)
                    sink.Warning($"Invocation {result.Invocation} of {result.FunctionName} from {result.ClientHost} failed: {result.ErrorMessage}");
                sink.WriteObject(result);
            }
        }
        finally
        {
            if (journal is not null)
            {
                sink.Verbose($"{journal.Count} result(s) written to {journal.Path}.");
                journal.Dispose();
            }
            Report(fanOut, Path.ChangeExtension(journalPath, null) + ".hosts.json", sink);
        }
    }

    /// <summary>Experiments whose invocations fan out: their samples are about the invocation, not about this machine's network.</summary>
    public static readonly string[] Experiments = { Core.Experiments.ExperimentNames.PerfCost, Core.Experiments.ExperimentNames.InvocationOverhead };

    /// <summary>
    /// Start-SebsExperiment -ComputerName/-Session: hosts connected and checked and their clocks measured; the experiment
    /// then sends its HTTP invocations through <see cref="RemoteExperimentHosts.Trigger"/> (from the hosts), and its files
    /// are those of a run on one machine, plus ClientHost.
    /// </summary>
    public static async Task<RemoteExperimentHosts> OpenExperimentAsync(LoadHostOptions options, string experiment, Core.Platforms.IPlatform platform,
        string output, IRunSink sink, CancellationToken ct)
    {
        if (!Experiments.Contains(experiment))
            throw new SebsException(SebsErrorIds.InvalidConfig, SebsErrorKind.InvalidArgument,
                $"{experiment} runs from this machine only: it measures the network or sandboxes as seen from the client that runs it. " +
                $"-ComputerName/-Session fan out {string.Join(" and ", Experiments)}.", target: experiment);
        var pool = await LoadHostPool.OpenAsync(options, sink, ct).ConfigureAwait(false);
        try
        {
            var fanOut = new FanOut(pool.Hosts, sink);
            await fanOut.StartAsync(ct).ConfigureAwait(false);
            return new RemoteExperimentHosts(pool, fanOut, platform, Path.Combine(output, experiment, "hosts.json"), sink);
        }
        catch
        {
            pool.Dispose();
            throw;
        }
    }

    /// <summary>
    /// What each host did, next to the results (<c>&lt;journal&gt;.hosts.json</c>, an experiment's <c>&lt;name&gt;/hosts.json</c>), and an error naming each host that
    /// dropped out with how many invocations it finished, so a script sees it in $Error, not only in a warning.
    /// </summary>
    public static void Report(FanOut fanOut, string file, IRunSink sink)
    {
        var reports = fanOut.Reports;
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(file))!);
            File.WriteAllText(file, new JsonArray(reports.Select(ToJson).ToArray()).ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
            sink.Verbose($"Load hosts' shares and clock offsets written to {file}.");
        }
        catch (IOException ex)
        {
            sink.Warning($"Could not write {file}: {ex.Message}");
        }
        foreach (var r in reports.Where(r => r.Failed))
            sink.WriteError(SebsCmdlet.ToErrorRecord(new SebsException(SebsErrorIds.RemoteHostFailed, SebsErrorKind.ConnectionError,
                $"Load host {r.Host} dropped out after {r.Completed} of {r.Assigned} invocation(s); {r.Lost} in flight were lost and " +
                $"{r.Reassigned} ran on the other host(s). Cause: {r.Error}", target: r.Host), r.Host));
    }

    private static JsonNode ToJson(LoadHostReport r) => new JsonObject
    {
        ["host"] = r.Host,
        ["assigned"] = r.Assigned,
        ["completed"] = r.Completed,
        ["lost"] = r.Lost,
        ["reassigned"] = r.Reassigned,
        ["failed"] = r.Failed,
        ["error"] = r.Error,
        ["clock_start"] = Clock(r.ClockAtStart),
        ["clock_end"] = Clock(r.ClockAtEnd),
    };

    private static JsonNode? Clock(ClockOffset? c) => c is null ? null : new JsonObject
    {
        ["offset_ms"] = c.OffsetMs,
        ["uncertainty_ms"] = c.UncertaintyMs,
        ["samples"] = c.Samples,
    };
}

/// <summary>The load hosts of one experiment run; disposing measures the clocks again, writes the hosts' report and closes what was opened.</summary>
internal sealed class RemoteExperimentHosts(LoadHostPool pool, FanOut fanOut, Core.Platforms.IPlatform platform, string reportPath, IRunSink sink)
    : IAsyncDisposable
{
    public Core.Platforms.IFunctionTrigger Trigger(Core.Platforms.SebsFunction function) =>
        new FanOutTrigger(fanOut, () => RemoteBenchmarkRun.TriggerUrl(platform, function), function.TimeoutSeconds + 30);

    public async ValueTask DisposeAsync()
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await fanOut.FinishAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) { sink.Warning("Load hosts: the clocks could not be read again within 60 s after the experiment."); }
        finally
        {
            RemoteRun.Report(fanOut, reportPath, sink);
            pool.Dispose();
        }
    }
}
