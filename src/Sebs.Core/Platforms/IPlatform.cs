using System.Text.Json.Nodes;
using Sebs.Core.Benchmarks;
using Sebs.Core.Packaging;
using Sebs.Core.Results;

namespace Sebs.Core.Platforms;

/// <summary>
/// One FaaS platform: deploys code packages as functions and hands out triggers. Each platform project
/// (Local, Aws, Azure, Gcp) implements this with its own SDK/REST client; SeBS's faas.System is the model.
/// </summary>
public interface IPlatform : IAsyncDisposable
{
    PlatformName Name { get; }
    string Region { get; }

    /// <summary>Installs dependencies the way this platform's runtime needs them (its description goes into the package hash).</summary>
    Task<IDependencyInstaller> DependencyInstallerAsync(string language, string languageVersion, CancellationToken cancellationToken);

    /// <summary>The default function name for a benchmark and runtime (SeBS §6.3, without its typos).</summary>
    string DefaultFunctionName(Benchmark benchmark, string language, string languageVersion);

    /// <summary>Creates the function (or adopts an existing one of that name) running <paramref name="package"/>.</summary>
    Task<SebsFunction> CreateFunctionAsync(string name, CodePackage package, FunctionConfig config,
        IReadOnlyDictionary<string, string> environment, CancellationToken cancellationToken);

    /// <summary>Re-attaches to a function restored from the cache; false when it is gone and must be recreated.</summary>
    Task<bool> ReattachAsync(SebsFunction function, CancellationToken cancellationToken);

    /// <summary>Deploys new code to an existing function.</summary>
    Task UpdateCodeAsync(SebsFunction function, CodePackage package, IReadOnlyDictionary<string, string> environment, CancellationToken cancellationToken);

    /// <summary>Applies new memory/timeout/environment.</summary>
    Task UpdateConfigurationAsync(SebsFunction function, FunctionConfig config, IReadOnlyDictionary<string, string> environment, CancellationToken cancellationToken);

    /// <summary>
    /// Called after a failed invocation: brings the function back (e.g. restarts a sandbox that died or is stuck
    /// past its timeout) so the remaining invocations can run.
    /// </summary>
    Task RecoverAsync(SebsFunction function, ExecutionResult failed, CancellationToken cancellationToken);

    Task DeleteFunctionAsync(SebsFunction function, CancellationToken cancellationToken);

    /// <summary>Makes the next invocation of each function a cold start.</summary>
    Task EnforceColdStartAsync(IReadOnlyList<SebsFunction> functions, CancellationToken cancellationToken);

    /// <summary>A trigger to invoke the function through.</summary>
    IFunctionTrigger GetTrigger(SebsFunction function, TriggerType type);

    /// <summary>The object storage functions of this platform read input from and write output to.</summary>
    IObjectStorage Storage { get; }

    /// <summary>Environment variables functions need to reach storage and NoSQL (never written to results).</summary>
    IReadOnlyDictionary<string, string> FunctionEnvironment(Benchmark benchmark);

    /// <summary>Provider-side metrics, or null when the platform has none.</summary>
    IMetricsSource? Metrics { get; }
}

/// <summary>Invokes one function one way (HTTP or the provider SDK).</summary>
public interface IFunctionTrigger
{
    TriggerType Type { get; }
    /// <summary>Invokes once. A failed invocation comes back as a failed result, not an exception.</summary>
    Task<ExecutionResult> InvokeAsync(JsonObject payload, CancellationToken cancellationToken);
}

/// <summary>Object storage as benchmarks use it: buckets, prefixes, files.</summary>
public interface IObjectStorage
{
    /// <summary>The bucket that holds benchmark input and output prefixes (SeBS: <c>sebs-benchmarks-&lt;rid&gt;</c>).</summary>
    string BenchmarksBucket { get; }
    Task EnsureBucketAsync(string bucket, CancellationToken cancellationToken);
    Task UploadAsync(string bucket, string key, string filePath, CancellationToken cancellationToken);
    Task DownloadAsync(string bucket, string key, string filePath, CancellationToken cancellationToken);
    Task<IReadOnlyList<string>> ListAsync(string bucket, string prefix, CancellationToken cancellationToken);
}

/// <summary>Provider-side times, billing and memory for invocations in a time window.</summary>
public interface IMetricsSource
{
    /// <summary>Fills provider times/billing/memory into the results (matched by request id) in place.</summary>
    Task EnrichAsync(SebsFunction function, DateTime begin, DateTime end, IReadOnlyList<ExecutionResult> results, CancellationToken cancellationToken);
}

/// <summary>What a platform factory gets to build a platform instance.</summary>
public sealed record PlatformContext(Configuration.SebsConfig Config, Caching.SebsCache Cache, string ModuleRoot,
    Diagnostics.ISebsLog Log, IReadOnlyDictionary<string, object?> Options);

/// <summary>Implemented once per platform assembly; found by reflection when the assembly is loaded.</summary>
public interface IPlatformFactory
{
    PlatformName Name { get; }
    IPlatform Create(PlatformContext context);
}
