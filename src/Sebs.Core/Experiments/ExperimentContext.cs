using System.Text.Json.Nodes;
using Sebs.Core.Benchmarks;
using Sebs.Core.Configuration;
using Sebs.Core.Diagnostics;
using Sebs.Core.Platforms;
using Sebs.Core.Results;
using Sebs.Core.Running;

namespace Sebs.Core.Experiments;

/// <summary>What every experiment run gets: the runner, where to write, and where results and messages go.</summary>
public sealed class ExperimentContext
{
    public required BenchmarkRunner Runner { get; init; }
    public required BenchmarkCatalog Catalog { get; init; }
    public required SebsConfig Config { get; init; }
    /// <summary>The experiment's output folder (SeBS's <c>--output-dir</c>); files go under <c>&lt;name&gt;/</c> below it.</summary>
    public required string OutputPath { get; init; }
    public string Language { get; init; } = "python";
    public string? LanguageVersion { get; init; }
    public string Architecture { get; init; } = "x64";
    public bool UpdateCode { get; init; }
    public bool UpdateStorage { get; init; }
    public ISebsLog Log { get; init; } = NullSebsLog.Instance;
    public IProgress<SebsProgress>? Progress { get; init; }
    /// <summary>Receives each result (and row) as it is measured; called from worker threads, one call at a time per run.</summary>
    public Action<object> Emit { get; init; } = _ => { };
    /// <summary>Sleeps between steps (tests replace it).</summary>
    public Func<TimeSpan, CancellationToken, Task> Delay { get; init; } = Task.Delay;

    public IPlatform Platform => Runner.Platform;

    public InvokeRequest Request(Benchmark benchmark, string size, int? memory = null, string? functionName = null,
        IReadOnlyDictionary<string, string>? settings = null) => new()
    {
        Settings = settings ?? new Dictionary<string, string>(),
        Benchmark = benchmark,
        Size = size,
        Language = Language,
        LanguageVersion = LanguageVersion,
        Architecture = Architecture,
        MemoryMB = memory,
        FunctionName = functionName,
        UpdateCode = UpdateCode,
        UpdateStorage = UpdateStorage,
    };

    /// <summary>The experiment folder <c>&lt;output&gt;/&lt;sub&gt;</c>, created owner-only.</summary>
    public string Folder(params string[] parts)
    {
        var path = Path.Combine(new[] { OutputPath }.Concat(parts).ToArray());
        Directory.CreateDirectory(path);
        return path;
    }

    /// <summary>SeBS's <c>config</c> block: the deployment and experiments sections, secrets redacted.</summary>
    public JsonObject ConfigJson(string experiment, JsonObject settings)
    {
        var json = Config.ToJson();
        var exp = (JsonObject)json["experiments"]!;
        exp[experiment] = settings;
        exp["runtime"] ??= new JsonObject { ["language"] = Language, ["version"] = LanguageVersion ?? "", ["language-variant"] = "default" };
        return json;
    }
}

/// <summary>A SeBS experiment: run writes the result files under the output folder and streams results as they come.</summary>
public interface IExperiment
{
    string Name { get; }
    Task RunAsync(ExperimentContext context, CancellationToken cancellationToken);
}

/// <summary>Resolves the address the function must reach the client at (SeBS fetched it from a fixed external service).</summary>
public static class ClientAddress
{
    public static Task<string> ResolveAsync(ServerSettings settings, ExperimentContext context, CancellationToken ct) =>
        ResolveAsync(settings, context.Platform, context.Log, ct);

    /// <summary>The same for callers without an experiment (the regression suite starts these servers too).</summary>
    public static async Task<string> ResolveAsync(ServerSettings settings, IPlatform platform, ISebsLog log, CancellationToken ct)
    {
        if (!string.IsNullOrWhiteSpace(settings.ServerAddress)) return settings.ServerAddress!;
        if (!string.IsNullOrWhiteSpace(settings.AddressUrl))
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
            var text = (await http.GetStringAsync(settings.AddressUrl, ct).ConfigureAwait(false)).Trim();
            if (!System.Net.IPAddress.TryParse(text, out _))
                throw new SebsException(SebsErrorIds.InvalidConfig, SebsErrorKind.InvalidData,
                    $"{settings.AddressUrl} answered '{Truncate(text)}', not an IP address.", target: settings.AddressUrl);
            log.Verbose($"Client address from {settings.AddressUrl}: {text}.");
            return text;
        }
        if (platform.Descriptor.FunctionsRunLocally) return "127.0.0.1";
        throw new SebsException(SebsErrorIds.InvalidConfig, SebsErrorKind.InvalidArgument,
            $"The functions on {platform.Name} must reach a server on this machine: give its public address (-ServerAddress) " +
            "or a URL that answers with it (-AddressUrl). Inbound UDP/TCP to the server port must be open.");
    }

    private static string Truncate(string s) => s.Length > 60 ? s[..60] + "..." : s;
}
