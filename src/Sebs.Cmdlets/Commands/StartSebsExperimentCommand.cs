using System.Management.Automation;
using System.Text.Json.Nodes;
using Sebs.Cmdlets.Infrastructure;
using Sebs.Core;
using Sebs.Core.Experiments;
using Sebs.Core.Results;

namespace Sebs.Cmdlets.Commands;

/// <summary>Runs one of SeBS's experiments; settings come from parameters, else the config file, else SeBS's defaults.</summary>
[Cmdlet(VerbsLifecycle.Start, "SebsExperiment", SupportsShouldProcess = true)]
[OutputType(typeof(ExecutionResult), typeof(SebsExperimentJob))]
public sealed class StartSebsExperimentCommand : SebsPlatformCmdlet
{
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateSet(ExperimentNames.PerfCost, ExperimentNames.NetworkPingPong, ExperimentNames.InvocationOverhead, ExperimentNames.EvictionModel)]
    [Alias("Experiment")]
    public string Name { get; set; } = "";

    /// <summary>Folder for the result files (default: experiments/&lt;time&gt;-&lt;name&gt; in the cache).</summary>
    [Parameter] public string? OutputPath { get; set; }

    [Parameter][ValidateSet("python", "nodejs", IgnoreCase = true)] public string? Language { get; set; }
    [Parameter] public string? LanguageVersion { get; set; }
    [Parameter] public SwitchParameter UpdateCode { get; set; }
    [Parameter] public SwitchParameter UpdateStorage { get; set; }
    [Parameter] public string[]? BenchmarkPath { get; set; }
    [Parameter] public SwitchParameter AsJob { get; set; }

    // perf-cost
    [Parameter][ArgumentCompleter(typeof(BenchmarkNameCompleter))] public string? Benchmark { get; set; }
    [Parameter][ValidateSet("test", "small", "large", IgnoreCase = true)] public string? Size { get; set; }
    [Parameter][ValidateRange(1, 1_000_000)] public int Repetitions { get; set; }
    [Parameter][Alias("ConcurrentInvocations")][ValidateRange(1, 10_000)] public int Concurrency { get; set; }
    [Parameter][Alias("MemorySize")][ValidateRange(64, 32768)] public int[]? Memory { get; set; }
    [Parameter][ValidateSet("cold", "warm", "burst", "sequential")] public string[]? Experiments { get; set; }
    [Parameter][ValidateRange(0.0, 3600.0)] public double BatchPause { get; set; }
    [Parameter][ValidateRange(1, 1_000_000)] public int MaxBatches { get; set; }

    // network-ping-pong, eviction-model
    [Parameter][ValidateRange(1, 100_000)] public int Invocations { get; set; }
    [Parameter][ValidateRange(1, 1000)] public int Threads { get; set; }

    // invocation-overhead
    [Parameter][ValidateRange(1, 100_000)] public int N { get; set; }
    [Parameter][ValidateSet("payload", "code")] public string? Type { get; set; }
    [Parameter][ValidateRange(0L, long.MaxValue)] public long PayloadBegin { get; set; }
    [Parameter][ValidateRange(0L, long.MaxValue)] public long PayloadEnd { get; set; }
    [Parameter][ValidateRange(1, 10_000)] public int PayloadPoints { get; set; }
    [Parameter][ValidateRange(0L, long.MaxValue)] public long CodeBegin { get; set; }
    [Parameter][ValidateRange(0L, long.MaxValue)] public long CodeEnd { get; set; }
    [Parameter][ValidateRange(1, 10_000)] public int CodePoints { get; set; }
    [Parameter][ValidateRange(1, 1000)] public int MaxAttempts { get; set; }

    // eviction-model
    [Parameter][ValidateRange(0, 86_400)] public int Sleep { get; set; }
    [Parameter][ValidateRange(0, 86_400)] public int[]? Times { get; set; }
    [Parameter][ValidateRange(0, 10_000)] public int FunctionCopyIndex { get; set; }
    [Parameter][ValidateRange(1, 10_000)] public int CopiesPerTime { get; set; }

    // client-side servers
    [Parameter] public string? ServerAddress { get; set; }
    [Parameter] public string? BindAddress { get; set; }
    [Parameter] public string? AddressUrl { get; set; }
    [Parameter][ValidateRange(0, 65535)] public int ServerPort { get; set; }

    /// <summary>Parameter name → SeBS settings key; bound parameters override the config file.</summary>
    private static readonly (string Parameter, string Key)[] Keys =
    {
        ("Benchmark", "benchmark"), ("Size", "input-size"), ("Repetitions", "repetitions"), ("Concurrency", "concurrent-invocations"),
        ("Memory", "memory-sizes"), ("Experiments", "experiments"), ("BatchPause", "batch-pause"), ("MaxBatches", "max-batches"),
        ("Invocations", "invocations"), ("Threads", "threads"),
        ("N", "N"), ("Type", "type"), ("PayloadBegin", "payload_begin"), ("PayloadEnd", "payload_end"), ("PayloadPoints", "payload_points"),
        ("CodeBegin", "code_package_begin"), ("CodeEnd", "code_package_end"), ("CodePoints", "code_package_points"), ("MaxAttempts", "max-attempts"),
        ("Sleep", "sleep"), ("Times", "times"), ("FunctionCopyIndex", "function_copy_idx"), ("CopiesPerTime", "function_copies_per_time"),
        ("ServerAddress", "server-address"), ("BindAddress", "bind-address"), ("AddressUrl", "address-url"), ("ServerPort", "server-port"),
    };

    protected override void EndProcessing()
    {
        IExperiment experiment;
        JsonObject settings;
        try
        {
            settings = Config.Experiments.TryGetValue(Name, out var fromConfig) ? (JsonObject)fromConfig.DeepClone() : new JsonObject();
            foreach (var (parameter, key) in Keys)
            {
                if (!MyInvocation.BoundParameters.TryGetValue(parameter, out var value) || value is null) continue;
                // The config may spell it another way (client-port, code_begin, ...): the parameter wins over all spellings.
                foreach (var alias in Aliases(key)) settings.Remove(alias);
                settings[key] = ToNode(value is PSObject pso ? pso.BaseObject : value);
            }
            experiment = ExperimentFactory.Create(Name, settings);
        }
        catch (SebsException ex)
        {
            ThrowSebsError(ex, Name);
            return;
        }

        var output = OutputPath is not null
            ? GetUnresolvedProviderPathFromPSPath(OutputPath)
            : Path.Combine(Cache.Root, "experiments", $"{DateTime.Now:yyyyMMdd-HHmmss}-{Name}");
        if (!ShouldProcess($"{Name} on {PlatformName}", $"Run the experiment, writing to {output}"))
        {
            base.EndProcessing();
            return;
        }
        Directory.CreateDirectory(output);
        var catalog = Catalog(BenchmarkPath);
        var (language, version) = ResolveRuntime(Language, LanguageVersion);

        Func<IRunSink, CancellationToken, Task> work = async (sink, ct) =>
        {
            var platform = OpenPlatform(sink);
            var context = new ExperimentContext
            {
                Runner = SebsSession.Runner(platform, Cache, sink),
                Catalog = catalog,
                Config = Config,
                OutputPath = output,
                Language = language,
                LanguageVersion = string.IsNullOrEmpty(version) ? null : version,
                Architecture = Config.Architecture,
                UpdateCode = UpdateCode || Config.UpdateCode,
                UpdateStorage = UpdateStorage || Config.UpdateStorage,
                Log = sink,
                Progress = sink,
                Emit = o =>
                {
                    if (o is ExecutionResult { Failed: true } r)
                        sink.Warning($"Invocation {r.Invocation} of {r.FunctionName} ({r.ExperimentType}) failed: {r.ErrorMessage}");
                    sink.WriteObject(o);
                },
            };
            sink.Verbose($"{Name}: results go to {output}.");
            try
            {
                await experiment.RunAsync(context, ct).ConfigureAwait(false);
            }
            finally
            {
                sink.Report(new Core.Diagnostics.SebsProgress($"Start-SebsExperiment {Name}", "Done", 1, 1));
                sink.Verbose($"{Name}: files in {output}.");
            }
        };

        if (AsJob)
        {
            var job = new SebsExperimentJob(MyInvocation.Line.Trim(), $"SebsExperiment-{Name}", Name, output);
            JobRepository.Add(job);
            job.Start(work);
            WriteObject(job);
        }
        else
        {
            RunForItem(Name, (queue, ct) => work(queue, ct));
        }
        base.EndProcessing();
    }

    private static IEnumerable<string> Aliases(string key) => key switch
    {
        "server-port" => new[] { "server-port", "server_port", "client-port", "client_port", "port" },
        "server-address" => new[] { "server-address", "server_address", "ip-address" },
        "code_package_begin" => new[] { "code_package_begin", "code_begin", "code-package-begin", "code-begin" },
        "code_package_end" => new[] { "code_package_end", "code_end", "code-package-end", "code-end" },
        "code_package_points" => new[] { "code_package_points", "code_points", "code-package-points", "code-points" },
        "input-size" => new[] { "input-size", "input_size", "size" },
        "concurrent-invocations" => new[] { "concurrent-invocations", "concurrent_invocations" },
        "memory-sizes" => new[] { "memory-sizes", "memory_sizes" },
        _ => new[] { key, key.Replace('-', '_'), key.Replace('_', '-') },
    };

    private static JsonNode? ToNode(object value) => value switch
    {
        string s => JsonValue.Create(s),
        int i => JsonValue.Create(i),
        long l => JsonValue.Create(l),
        double d => JsonValue.Create(d),
        int[] a => new JsonArray(a.Select(x => (JsonNode)x).ToArray()),
        string[] a => new JsonArray(a.Select(x => (JsonNode)x.ToLowerInvariant()).ToArray()),
        _ => JsonValue.Create(value.ToString()),
    };
}
