using System.Collections;
using System.Management.Automation;
using Sebs.Cmdlets.Infrastructure;
using Sebs.Core;
using Sebs.Core.Platforms;
using Sebs.Core.Results;
using Sebs.Core.Running;

namespace Sebs.Cmdlets.Commands;

[Cmdlet(VerbsLifecycle.Invoke, "SebsBenchmark", SupportsShouldProcess = true)]
[OutputType(typeof(ExecutionResult))]
public sealed class InvokeSebsBenchmarkCommand : SebsPlatformCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(BenchmarkNameCompleter))]
    [Alias("Benchmark")]
    public string Name { get; set; } = "";

    [Parameter(Position = 1)]
    [ValidateSet("test", "small", "large", IgnoreCase = true)]
    public string Size { get; set; } = "test";

    [Parameter]
    [ValidateSet("python", "nodejs", IgnoreCase = true)]
    public string? Language { get; set; }

    [Parameter]
    public string? LanguageVersion { get; set; }

    [Parameter]
    [ValidateRange(1, 1_000_000)]
    public int Repetitions { get; set; } = 5;

    [Parameter]
    [ValidateRange(1, 10_000)]
    public int Concurrency { get; set; } = 1;

    [Parameter]
    [ValidateSet("Http", "Library", IgnoreCase = true)]
    public string Trigger { get; set; } = "Http";

    /// <summary>Function memory in MB (default: the benchmark's).</summary>
    [Parameter]
    [ValidateRange(64, 32768)]
    public int Memory { get; set; }

    /// <summary>Function timeout in seconds (default: the benchmark's).</summary>
    [Parameter]
    [ValidateRange(1, 3600)]
    public int Timeout { get; set; }

    /// <summary>The event to send instead of the generated input: a hashtable, an object or a JSON string.</summary>
    [Parameter]
    public object? Payload { get; set; }

    [Parameter] public SwitchParameter UpdateCode { get; set; }
    [Parameter] public SwitchParameter UpdateStorage { get; set; }
    /// <summary>Make every invocation a cold start (a fresh sandbox locally; an environment change in the cloud).</summary>
    [Parameter] public SwitchParameter ColdStart { get; set; }
    [Parameter] public string? FunctionName { get; set; }
    /// <summary>Values for input placeholders {{setting:NAME}} (e.g. the URL 120.uploader downloads).</summary>
    [Parameter] public Hashtable? Setting { get; set; }
    /// <summary>Root of the SeBS benchmark data (default: $env:SEBS_BENCHMARK_DATA).</summary>
    [Parameter] public string? DataPath { get; set; }
    /// <summary>Extra benchmark folders.</summary>
    [Parameter] public string[]? BenchmarkPath { get; set; }
    /// <summary>
    /// JSON-lines file every result is appended to as it arrives (default: results/&lt;time&gt;-&lt;benchmark&gt;-&lt;language&gt;.jsonl
    /// in the cache). Import-SebsResult reads it; Export-SebsResult turns it into SeBS's experiments.json.
    /// </summary>
    [Parameter] public string? ResultsPath { get; set; }
    /// <summary>Check each output as SeBS's validate_output does; sets Valid and ValidationMessage.</summary>
    [Parameter] public SwitchParameter Validate { get; set; }

    protected override void ProcessRecord()
    {
        var catalog = Catalog(BenchmarkPath);
        InvokeRequest request;
        try
        {
            var benchmark = catalog.Get(Name);
            var (language, version) = ResolveRuntime(Language, LanguageVersion);
            request = new InvokeRequest
            {
                Benchmark = benchmark,
                Size = Size.ToLowerInvariant(),
                Language = language,
                LanguageVersion = version,
                Architecture = Config.Architecture,
                Repetitions = Repetitions,
                Concurrency = Concurrency,
                Trigger = Enum.Parse<TriggerType>(Trigger, ignoreCase: true),
                MemoryMB = Memory > 0 ? Memory : null,
                TimeoutSeconds = Timeout > 0 ? Timeout : null,
                Payload = Payload is null ? null : JsonConversion.ToJsonObject(Payload),
                UpdateCode = UpdateCode || Config.UpdateCode,
                UpdateStorage = UpdateStorage || Config.UpdateStorage,
                ColdStart = ColdStart,
                FunctionName = FunctionName,
                Settings = Setting?.Cast<DictionaryEntry>().ToDictionary(e => e.Key.ToString()!, e => e.Value?.ToString() ?? "") ?? new Dictionary<string, string>(),
                Validate = Validate,
                DataRoot = DataPath is not null ? GetUnresolvedProviderPathFromPSPath(DataPath) : Environment.GetEnvironmentVariable("SEBS_BENCHMARK_DATA"),
            };
        }
        catch (Exception ex) when (ex is SebsException or ArgumentException or System.Text.Json.JsonException)
        {
            WriteError(ToErrorRecord(ex is SebsException ? ex : new SebsException("Sebs.InvalidPayload", SebsErrorKind.InvalidArgument, ex.Message, ex), Name));
            return;
        }

        if (!ShouldProcess($"{request.Benchmark.Name} ({request.Language}) on {PlatformName}", $"Deploy and invoke {Repetitions} time(s)"))
            return;

        var journalPath = ResultsPath is not null
            ? GetUnresolvedProviderPathFromPSPath(ResultsPath)
            : Path.Combine(Cache.Root, "results", $"{DateTime.Now:yyyyMMdd-HHmmss}-{request.Benchmark.Name}-{request.Language}.jsonl");
        RunForItem(Name, async (queue, ct) =>
        {
            var platform = OpenPlatform(queue);
            var runner = SebsSession.Runner(platform, Cache, queue);
            ResultsJournal? journal = null;
            try
            {
                await foreach (var batch in runner.RunBatchesAsync(request, queue, ct).ConfigureAwait(false))
                {
                    // On disk before it reaches the pipeline: Ctrl+C or a crash loses nothing already measured.
                    journal ??= ResultsJournal.Open(journalPath, append: true, queue);
                    journal.AppendRange(batch);
                    foreach (var result in batch)
                    {
                        if (result.Failed)
                            queue.Warning($"Invocation {result.Invocation} of {result.FunctionName} failed: {result.ErrorMessage}");
                        queue.WriteObject(result);
                    }
                }
            }
            finally
            {
                if (journal is not null)
                {
                    queue.Verbose($"{journal.Count} result(s) written to {journal.Path}.");
                    journal.Dispose();
                }
            }
        });
    }
}
