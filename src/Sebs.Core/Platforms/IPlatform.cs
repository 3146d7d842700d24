using System.Text.Json.Nodes;
using Sebs.Core.Benchmarks;
using Sebs.Core.Packaging;
using Sebs.Core.Results;

namespace Sebs.Core.Platforms;

/// <summary>
/// One FaaS platform: deploys code packages as functions and hands out triggers. Each platform project
/// (Local, Aws, Azure, Gcp, or one of a user's own) implements this with its own SDK/REST client; SeBS's
/// faas.System is the model (sebs-reference §6).
/// </summary>
public interface IPlatform : IAsyncDisposable
{
    PlatformDescriptor Descriptor { get; }
    PlatformName Name => Descriptor.Name;
    string Region { get; }

    /// <summary>
    /// SeBS's System.initialize: finds or creates what every function of this platform needs (resource id, buckets,
    /// roles, resource groups), once per session, recording them in the cache. Idempotent and cheap when done.
    /// </summary>
    Task InitializeAsync(CancellationToken cancellationToken);

    /// <summary>Installs dependencies the way this platform's runtime needs them (its description goes into the package hash).</summary>
    Task<IDependencyInstaller> DependencyInstallerAsync(string language, string languageVersion, CancellationToken cancellationToken);

    /// <summary>How this platform lays out a code package (its wrappers and any files the provider needs).</summary>
    IPackageLayout PackageLayout { get; }

    /// <summary>The default function name for a benchmark and runtime (SeBS §6.3, without its typos).</summary>
    string DefaultFunctionName(Benchmark benchmark, string language, string languageVersion);

    /// <summary>Restores a function this platform serialised into the cache, as its own function type.</summary>
    SebsFunction RestoreFunction(JsonObject cached);

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

    /// <summary>
    /// SeBS's cleanup_resources, made complete: everything Sebs created on this platform (functions and their URLs or
    /// APIs, log groups, buckets, tables, roles, resource groups), found from the provider and the cache.
    /// </summary>
    IAsyncEnumerable<PlatformResource> ListResourcesAsync(CancellationToken cancellationToken);

    /// <summary>Deletes one resource <see cref="ListResourcesAsync"/> returned (and forgets it in the cache).</summary>
    Task DeleteResourceAsync(PlatformResource resource, CancellationToken cancellationToken);
}

/// <summary>Invokes one function one way (HTTP or the provider SDK).</summary>
public interface IFunctionTrigger
{
    TriggerType Type { get; }
    /// <summary>
    /// Invokes once. A failed invocation comes back as a failed result, not an exception; it is never retried here,
    /// since a retried call does not measure one invocation (a throttled one is a failed result marked Throttled).
    /// </summary>
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

/// <summary>Which invocations of which function to find provider metrics for: what the results themselves say.</summary>
public sealed record MetricsQuery(string FunctionName, string Region, DateTime Begin, DateTime End);

/// <summary>Provider-side times, billing and memory for invocations in a time window.</summary>
public interface IMetricsSource
{
    /// <summary>Fills provider times/billing/memory into the results (matched by request id) in place.</summary>
    Task EnrichAsync(MetricsQuery query, IReadOnlyList<ExecutionResult> results, CancellationToken cancellationToken);
}

/// <summary>What a platform factory gets to build a platform instance.</summary>
/// <param name="Log">Forwards to whichever operation runs now (see <see cref="Diagnostics.OperationLog"/>), never to one fixed cmdlet.</param>
/// <param name="Options">Platform-specific options (<c>-PlatformOption @{...}</c>), by name without case.</param>
public sealed record PlatformContext(Configuration.SebsConfig Config, Caching.SebsCache Cache, string ModuleRoot,
    Diagnostics.ISebsLog Log, IReadOnlyDictionary<string, object?> Options, string? Region = null);

/// <summary>Implemented once per platform assembly; found by reflection when the assembly is loaded.</summary>
public interface IPlatformFactory
{
    PlatformDescriptor Descriptor { get; }
    IPlatform Create(PlatformContext context);
    /// <summary>Restores a function this platform serialised into the cache (SeBS's Function.deserialize), without credentials.</summary>
    SebsFunction RestoreFunction(JsonObject cached);
}
