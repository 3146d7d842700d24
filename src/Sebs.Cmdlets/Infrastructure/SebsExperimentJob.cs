using System.Management.Automation;
using Sebs.Core;
using Sebs.Core.Diagnostics;

namespace Sebs.Cmdlets.Infrastructure;

/// <summary>
/// A PowerShell job running an experiment on a background thread (Start-SebsExperiment -AsJob). Results, errors,
/// verbose lines, warnings and progress go to the job's own streams; Stop-Job cancels the run, waits for it to write
/// what it measured, and the job ends Stopped. Get-Job, Receive-Job, Wait-Job and Remove-Job work as for any job.
/// </summary>
public sealed class SebsExperimentJob : Job
{
    private readonly CancellationTokenSource _cts = new();
    private readonly object _gate = new();
    private Task? _task;
    private string _status = "Not started";

    public SebsExperimentJob(string command, string name, string experiment, string outputPath) : base(command, name)
    {
        PSJobTypeName = "SebsExperimentJob";
        Experiment = experiment;
        OutputPath = outputPath;
    }

    /// <summary>The experiment this job runs.</summary>
    public string Experiment { get; }

    /// <summary>The folder the experiment writes its files to.</summary>
    public string OutputPath { get; }

    public override string StatusMessage => _status;

    public override bool HasMoreData =>
        Output.Count > 0 || Error.Count > 0 || Warning.Count > 0 || Verbose.Count > 0 || Debug.Count > 0 || Progress.Count > 0;

    public override string Location => Environment.MachineName;

    internal void Start(Func<IRunSink, CancellationToken, Task> work)
    {
        SetJobState(JobState.Running);
        _status = "Running";
        var sink = new JobSink(this);
        _task = Task.Run(async () =>
        {
            JobState final;
            // The platform is the session's, but its messages from this run belong to this job only.
            using var scope = Sebs.Core.Diagnostics.OperationLog.Use(sink);
            try
            {
                await work(sink, _cts.Token).ConfigureAwait(false);
                final = _cts.IsCancellationRequested ? JobState.Stopped : JobState.Completed;
            }
            catch (Exception ex) when (_cts.IsCancellationRequested && ex is OperationCanceledException or AggregateException)
            {
                final = JobState.Stopped;
            }
            catch (Exception ex)
            {
                Error.Add(SebsCmdlet.ToErrorRecord(ex, Experiment));
                final = JobState.Failed;
            }
            _status = final.ToString();
            SetJobState(final);
        });
    }

    public override void StopJob()
    {
        lock (_gate)
        {
            if (IsFinished(JobStateInfo.State)) return;
            _status = "Stopping";
            _cts.Cancel();
        }
        // Wait for the run to write what it measured (journals are already on disk) so Stop-Job returns a finished job.
        try { _task?.Wait(TimeSpan.FromSeconds(60)); } catch (AggregateException) { }
    }

    private static bool IsFinished(JobState s) => s is JobState.Completed or JobState.Failed or JobState.Stopped;

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            if (_task is { IsCompleted: false }) _cts.Cancel();
            else _cts.Dispose();
        }
        base.Dispose(disposing);
    }

    private sealed class JobSink(SebsExperimentJob job) : IRunSink
    {
        private readonly Dictionary<string, int> _activityIds = new();

        public void WriteObject(object value) => job.Output.Add(PSObject.AsPSObject(value));
        public void WriteError(ErrorRecord record) => job.Error.Add(record);
        public void Verbose(string message) => job.Verbose.Add(new VerboseRecord(message));
        public void Warning(string message) => job.Warning.Add(new WarningRecord(message));
        public void Debug(string message) => job.Debug.Add(new DebugRecord(message));

        public void Report(SebsProgress value)
        {
            int id;
            lock (_activityIds)
            {
                if (!_activityIds.TryGetValue(value.Activity, out id)) _activityIds[value.Activity] = id = _activityIds.Count + 1;
            }
            var record = new ProgressRecord(id, value.Activity, string.IsNullOrEmpty(value.Status) ? "Working" : value.Status)
            {
                PercentComplete = value.PercentComplete,
                SecondsRemaining = value.Remaining is { } r ? (int)Math.Ceiling(r.TotalSeconds) : -1,
            };
            job.Progress.Add(record);
        }
    }
}
