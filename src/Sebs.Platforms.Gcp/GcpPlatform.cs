using System.Collections.Concurrent;
using System.IO.Compression;
using System.Text.Json.Nodes;
using Sebs.Core;
using Sebs.Core.Benchmarks;
using Sebs.Core.Invocation;
using Sebs.Core.NoSql;
using Sebs.Core.Packaging;
using Sebs.Core.Platforms;
using Sebs.Core.Results;

namespace Sebs.Platforms.Gcp;

/// <summary>
/// Google Cloud Run functions, deployed through the Cloud Functions v2 API (SeBS §6.4, GCP column, gen2): source
/// uploaded through generateUploadUrl, functions created and patched with update masks, public through the invoker
/// binding on their Cloud Run service, invoked over HTTP; cold starts forced by an environment change and a wait until
/// the new revision serves; provider times from Cloud Run's request log; GCS storage and Datastore-mode NoSQL.
/// </summary>
public sealed class GcpPlatform : IPlatform, INoSqlPlatform
{
    private readonly PlatformContext _context;
    private readonly GoogleApi _functionsApi, _uploadApi, _runApi, _loggingApi, _firestoreApi, _datastoreApi;
    private readonly CloudFunctionsClient _functions;
    private readonly CloudRunClient _run;
    private readonly GcsStorage _storage;
    private readonly DatastoreNoSqlStorage _noSql;
    private readonly ConcurrentDictionary<string, Lazy<FunctionUrlTrigger>> _triggers = new();
    // SeBS starts its cold-start counter anywhere, so two sessions do not set the same value.
    private readonly ColdStartCounter _coldStarts = new(Random.Shared.Next(100));

    public GcpPlatform(PlatformContext context, HttpMessageHandler? handler = null)
    {
        _context = context;
        Settings = GcpSettings.From(context.Config, context.Region);
        // No call of any kind before the credentials are known to be usable.
        Credentials = GcpCredentials.Resolve(Settings);
        PackageLayout = new GcpPackageLayout(Path.Combine(context.ModuleRoot, "benchmarks", "wrappers"));
        var log = context.Log;
        GoogleApi Api(string service, string api) => new(service, Settings.Endpoint(api), Credentials.TokenAsync, log, handler);
        _functionsApi = Api("Cloud Functions", "cloudfunctions");
        _uploadApi = new GoogleApi("Cloud Functions upload", Settings.Endpoint("cloudfunctions"), null, log, handler);
        _runApi = new GoogleApi("Cloud Run", Settings.Endpoint("run"), Credentials.TokenAsync, log, handler, CloudRunClient.Options);
        _loggingApi = new GoogleApi("Cloud Logging", Settings.Endpoint("logging"), Credentials.TokenAsync, log, handler,
            // Read quotas are per minute: back off long on RESOURCE_EXHAUSTED (SeBS: 30 s).
            o => o with { BaseDelay = Settings.LoggingBackoff, MaxDelay = Settings.LoggingBackoff * 4, MaxAttempts = 6 });
        _firestoreApi = Api("Firestore", "firestore");
        _datastoreApi = Api("Datastore", "datastore");
        _functions = new CloudFunctionsClient(_functionsApi, _uploadApi, Settings, Credentials.ProjectId, log);
        _run = new CloudRunClient(_runApi, Settings, log);
        ResourceId = Settings.ResourcesId ?? context.Cache.UpdatePlatformResources(Descriptor.Name, r =>
        {
            if (r["resources_id"]?.GetValue<string>() is { Length: > 0 } id) return id;
            var fresh = Guid.NewGuid().ToString("N")[..8];
            r["resources_id"] = fresh;
            return fresh;
        });
        context.Cache.UpdatePlatformResources(Descriptor.Name, r =>
        {
            // SeBS caches the project id (never the key) and follows the region of the config.
            r["credentials"] = new JsonObject { ["project_id"] = Credentials.ProjectId };
            r["region"] = Region;
            return 0;
        });
        _storage = new GcsStorage(Settings, Credentials, $"sebs-benchmarks-{ResourceId}");
        _noSql = new DatastoreNoSqlStorage(_firestoreApi, _datastoreApi, Credentials.ProjectId, Settings, ResourceId, context.Cache, Descriptor.Name);
        Metrics = new CloudLoggingMetrics(_loggingApi, Credentials.ProjectId, ServiceOf);
    }

    public GcpSettings Settings { get; }
    public GcpCredentials Credentials { get; }
    public string ResourceId { get; }
    public PlatformDescriptor Descriptor => GcpPlatformFactory.Gcp;
    public string Region => Settings.Region;
    public IPackageLayout PackageLayout { get; }
    public IObjectStorage Storage => _storage;
    public IMetricsSource? Metrics { get; }
    public INoSqlStorage? NoSql => _noSql;

    public SebsFunction RestoreFunction(JsonObject cached) => SebsFunction.Restore<GcpFunction>(cached, Descriptor.Name);

    /// <summary>Nothing to set up once: source goes through generateUploadUrl (no deployment bucket), buckets and databases come when used.</summary>
    public Task InitializeAsync(CancellationToken ct) => Task.CompletedTask;

    /// <summary>Dependencies are installed here, into the package (.python_packages / node_modules), as SeBS does before zipping.</summary>
    public Task<IDependencyInstaller> DependencyInstallerAsync(string language, string languageVersion, CancellationToken ct) =>
        Task.FromResult<IDependencyInstaller>(new HostDependencyInstaller(_context.Log));

    /// <summary>
    /// sebs-{rid}-{NNN}-{language}-{version}, with dots made hyphens: v2 function ids (and the Cloud Run services named
    /// after them) take only lowercase letters, digits and hyphens (facts B1).
    /// </summary>
    public string DefaultFunctionName(Benchmark benchmark, string language, string languageVersion) =>
        $"sebs-{ResourceId}-{benchmark.Name.Split('.')[0]}-{language}-{languageVersion}".Replace('.', '-').Replace('_', '-').ToLowerInvariant();

    /// <summary>SeBS §4.4: the NoSQL database and kinds for benchmarks that use them; storage needs nothing (the runtime service account has access).</summary>
    public IReadOnlyDictionary<string, string> FunctionEnvironment(Benchmark benchmark) =>
        benchmark.UsesModule("nosql") ? _noSql.FunctionEnvironment(benchmark) : new Dictionary<string, string>();

    public async Task<SebsFunction> CreateFunctionAsync(string name, CodePackage package, FunctionConfig config,
        IReadOnlyDictionary<string, string> environment, CancellationToken ct)
    {
        var function = new GcpFunction
        {
            Name = name, Benchmark = package.Benchmark, Platform = Descriptor.Name, Region = Region, Config = config, CodeHash = package.Hash,
            Triggers = new List<TriggerType> { TriggerType.Http },
        };
        var spec = Spec(config, environment);
        var source = await _functions.UploadSourceAsync(Zip(package.Path), ct).ConfigureAwait(false);
        JsonObject deployed;
        if (await _functions.GetAsync(name, ct).ConfigureAwait(false) is { } existing)
        {
            // SeBS: a function of that name exists (deployed outside this cache): adopt it and bring it up to date,
            // keeping the variables it has (SeBS merges environments).
            _context.Log.Verbose($"Cloud Run function {name} exists; updating its code and configuration.");
            deployed = await _functions.UpdateCodeAsync(name, source, Spec(config, Merge(existing, environment)), ct).ConfigureAwait(false);
            Describe(function, deployed);
            await WaitServingAsync(function, existing, ct).ConfigureAwait(false);
        }
        else
        {
            _context.Log.Verbose($"Creating Cloud Run function {name} ({spec.Runtime}, {config.MemoryMB} MiB) in {Region}.");
            deployed = await _functions.CreateAsync(name, source, spec, ct).ConfigureAwait(false);
        }
        Describe(function, deployed);
        function.Source = source;
        await MakePublicAsync(function, ct).ConfigureAwait(false);
        return function;
    }

    public async Task<bool> ReattachAsync(SebsFunction function, CancellationToken ct)
    {
        if (await _functions.GetAsync(function.Name, ct).ConfigureAwait(false) is not { } deployed) return false;
        if (deployed["state"]?.GetValue<string>() != "ACTIVE") deployed = await _functions.WaitActiveAsync(function.Name, ct).ConfigureAwait(false);
        Describe((GcpFunction)function, deployed);
        return true;
    }

    public async Task UpdateCodeAsync(SebsFunction function, CodePackage package, IReadOnlyDictionary<string, string> environment, CancellationToken ct)
    {
        var gcp = (GcpFunction)function;
        var current = await _functions.GetAsync(function.Name, ct).ConfigureAwait(false);
        var source = await _functions.UploadSourceAsync(Zip(package.Path), ct).ConfigureAwait(false);
        var deployed = await _functions.UpdateCodeAsync(function.Name, source, Spec(function.Config, Merge(current, environment)), ct).ConfigureAwait(false);
        Describe(gcp, deployed);
        await WaitServingAsync(gcp, current, ct).ConfigureAwait(false);
        gcp.Source = source;
        function.CodeHash = package.Hash;
    }

    public async Task UpdateConfigurationAsync(SebsFunction function, FunctionConfig config, IReadOnlyDictionary<string, string> environment, CancellationToken ct)
    {
        var current = await _functions.GetAsync(function.Name, ct).ConfigureAwait(false);
        var spec = Spec(config, Merge(current, environment));
        // A cache behind the function (it was updated elsewhere) asks for what it already has: that PATCH would make no
        // revision, and the wait for one would run to the deadline.
        if (current is not null && CloudFunctionsClient.HasServiceConfig(current, spec))
        {
            _context.Log.Verbose($"Cloud Run function {function.Name} already has this configuration; nothing to update.");
            Describe((GcpFunction)function, current);
        }
        else
        {
            var deployed = await _functions.UpdateServiceAsync(function.Name, spec, ct).ConfigureAwait(false);
            Describe((GcpFunction)function, deployed);
            await WaitServingAsync((GcpFunction)function, current, ct).ConfigureAwait(false);
        }
        function.Config = config;
    }

    /// <summary>A failed request leaves the service as it was; Cloud Run replaces crashed instances itself.</summary>
    public Task RecoverAsync(SebsFunction function, ExecutionResult failed, CancellationToken ct) => Task.CompletedTask;

    public async Task DeleteFunctionAsync(SebsFunction function, CancellationToken ct)
    {
        await _functions.DeleteAsync(function.Name, ct).ConfigureAwait(false);
        _context.Cache.RemoveFunction(function.Benchmark, Descriptor.Name, function.Language, function.Name);
    }

    /// <summary>
    /// SeBS: a new value of <c>cold_start</c> in the environment makes a new revision, whose instances start cold. Unlike
    /// SeBS's is_deployed loop (#156), the wait is for the Cloud Run service to report the new revision ready and taking
    /// all traffic, within the deployment deadline.
    /// </summary>
    public async Task EnforceColdStartAsync(IReadOnlyList<SebsFunction> functions, CancellationToken ct)
    {
        var floor = _coldStarts.Last;
        await Task.WhenAll(functions.Select(async f =>
        {
            var gcp = (GcpFunction)f;
            var current = await _functions.GetAsync(f.Name, ct).ConfigureAwait(false)
                ?? throw new SebsException(SebsErrorIds.FunctionNotFound, SebsErrorKind.ObjectNotFound, $"Cloud Run function {f.Name} does not exist.", target: f.Name);
            // The value comes from the function fetched for the merge: an unchanged environment makes no new revision to wait for.
            var value = _coldStarts.Next(floor, current["serviceConfig"]?["environmentVariables"]?[ColdStartVariable]?.ToString());
            var deployed = await _functions.UpdateEnvironmentAsync(f.Name, Merge(current, new Dictionary<string, string>
            {
                [ColdStartVariable] = value.ToString(System.Globalization.CultureInfo.InvariantCulture),
            }), ct).ConfigureAwait(false);
            Describe(gcp, deployed);
            await WaitServingAsync(gcp, current, ct).ConfigureAwait(false);
        })).ConfigureAwait(false);
    }

    internal const string ColdStartVariable = "cold_start";

    public IFunctionTrigger GetTrigger(SebsFunction function, TriggerType type) => type switch
    {
        // One trigger per URL and timeout, so its connections are reused across runs of this session.
        TriggerType.Http when function.Url is { } url => _triggers.GetOrAdd($"{url}|{function.TimeoutSeconds}|{function.MemoryMB}",
            // SeBS normalises GCP request ids to the trace id (the part of X-Cloud-Trace-Context before '/').
            _ => new Lazy<FunctionUrlTrigger>(() => new FunctionUrlTrigger(url, function,
                finish: r => { if (r.RequestId.Length > 0) r.RequestId = CloudLoggingMetrics.TraceId(r.RequestId); }))).Value,
        TriggerType.Http => throw new SebsException(SebsErrorIds.FunctionNotFound, SebsErrorKind.InvalidOperation,
            $"{function.Name} has no URI yet; deploy it again.", target: function.Name),
        _ => throw new SebsException(SebsErrorIds.PlatformNotSupported, SebsErrorKind.InvalidArgument,
            $"Cloud Run functions have HTTP triggers only (SeBS's library trigger is gen1 only), not {type}.", target: function.Name),
    };

    /// <summary>Functions this cache deployed, the benchmark databases and buckets of this resource id.</summary>
    public async IAsyncEnumerable<PlatformResource> ListResourcesAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        var seen = new HashSet<string>();
        foreach (var benchmark in _context.Cache.Benchmarks())
            foreach (var json in _context.Cache.GetFunctions(benchmark, Descriptor.Name))
            {
                var f = (GcpFunction)RestoreFunction(json);
                if (await _functions.GetAsync(f.Name, ct).ConfigureAwait(false) is null) continue;
                seen.Add(f.Name);
                yield return new PlatformResource(Descriptor.Name, "function", f.Name, $"{benchmark}/{f.Language}/{f.Name}", Region, f.ResourceName);
            }
        // Functions of this resource id the cache forgot (a deleted cache directory).
        foreach (var f in await _functions.ListAsync(ct).ConfigureAwait(false))
        {
            var id = f["name"]?.GetValue<string>() is { } n ? n[(n.LastIndexOf('/') + 1)..] : "";
            if (id.StartsWith($"sebs-{ResourceId}-", StringComparison.Ordinal) && seen.Add(id))
                yield return new PlatformResource(Descriptor.Name, "function", id, id, Region, f["name"]?.GetValue<string>());
        }
        foreach (var database in await _noSql.ListDatabasesAsync(ct).ConfigureAwait(false))
            yield return new PlatformResource(Descriptor.Name, "database", database, database, Region, "Firestore in Datastore mode") { Order = 1 };
        foreach (var bucket in await _storage.ListBucketsAsync($"sebs-benchmarks-{ResourceId}", ct).ConfigureAwait(false))
            yield return new PlatformResource(Descriptor.Name, "bucket", bucket, bucket, Region) { Order = 2 };
    }

    public async Task DeleteResourceAsync(PlatformResource resource, CancellationToken ct)
    {
        switch (resource.Kind)
        {
            case "function":
                var parts = resource.Id.Split('/', 3);
                if (parts.Length == 3 && _context.Cache.GetFunction(parts[0], Descriptor.Name, parts[1], parts[2]) is { } json)
                    await DeleteFunctionAsync(RestoreFunction(json), ct).ConfigureAwait(false);
                else
                    await _functions.DeleteAsync(resource.Name, ct).ConfigureAwait(false);
                break;
            case "database":
                await _noSql.DeleteDatabaseAsync(resource.Name, ct).ConfigureAwait(false);
                break;
            case "bucket":
                await _storage.DeleteBucketAsync(resource.Name, ct).ConfigureAwait(false);
                break;
            default:
                throw new SebsException(SebsErrorIds.PlatformNotSupported, SebsErrorKind.InvalidArgument, $"GCP has no resources of kind {resource.Kind} here.", target: resource.Name);
        }
    }

    private GcpFunctionSpec Spec(FunctionConfig config, IReadOnlyDictionary<string, string> environment) => new(
        CloudFunctionsClient.RuntimeId(config.Language, config.LanguageVersion), GcpPackageLayout.EntryPoint, config.MemoryMB, Settings.Cpu,
        config.TimeoutSeconds, Settings.Concurrency, Settings.MinInstances, Settings.MaxInstances, environment);

    /// <summary>The function's variables with the new ones over them (SeBS merges, never drops, what is set).</summary>
    private static Dictionary<string, string> Merge(JsonObject? current, IReadOnlyDictionary<string, string> environment)
    {
        var merged = new Dictionary<string, string>();
        if (current?["serviceConfig"]?["environmentVariables"] is JsonObject vars)
            foreach (var (k, v) in vars) merged[k] = v?.ToString() ?? "";
        foreach (var (k, v) in environment) merged[k] = v;
        return merged;
    }

    /// <summary>After a change: requests go to the new revision only once Cloud Run routes all traffic to it.</summary>
    private async Task WaitServingAsync(GcpFunction function, JsonObject? before, CancellationToken ct)
    {
        if (function.Service is not { } service) return;
        var previous = before?["serviceConfig"]?["revision"]?.GetValue<string>();
        function.Revision = await _run.WaitLatestRevisionServesAsync(service, previous, ct).ConfigureAwait(false);
    }

    private async Task MakePublicAsync(GcpFunction function, CancellationToken ct)
    {
        if (function.Service is { } service) await _run.EnsurePublicInvokerAsync(service, ct).ConfigureAwait(false);
        else _context.Log.Warning($"Cloud Run function {function.Name} names no Cloud Run service; it may not be public.");
    }

    private static void Describe(GcpFunction function, JsonObject deployed)
    {
        function.ResourceName = deployed["name"]?.GetValue<string>();
        function.Runtime = deployed["buildConfig"]?["runtime"]?.GetValue<string>();
        function.Service = deployed["serviceConfig"]?["service"]?.GetValue<string>();
        function.Revision = deployed["serviceConfig"]?["revision"]?.GetValue<string>();
        function.Url = deployed["serviceConfig"]?["uri"]?.GetValue<string>() ?? deployed["url"]?.GetValue<string>() ?? function.Url;
    }

    /// <summary>The function's Cloud Run service (request logs' service_name): named after the function in the v2 API.</summary>
    private string ServiceOf(string functionName)
    {
        foreach (var benchmark in _context.Cache.Benchmarks())
            foreach (var json in _context.Cache.GetFunctions(benchmark, Descriptor.Name))
                if (json["name"]?.GetValue<string>() == functionName && json["service"]?.GetValue<string>() is { } s) return s[(s.LastIndexOf('/') + 1)..];
        return functionName;
    }

    /// <summary>The package folder as a zip in a fixed order (SeBS: deflate, level 9).</summary>
    internal static byte[] Zip(string folder)
    {
        using var buffer = new MemoryStream();
        using (var archive = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
            foreach (var file in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).OrderBy(f => f, StringComparer.Ordinal))
            {
                var entry = archive.CreateEntryFromFile(file, Path.GetRelativePath(folder, file).Replace('\\', '/'), CompressionLevel.SmallestSize);
                var mode = OperatingSystem.IsWindows() ? 0b110_100_100 : (int)File.GetUnixFileMode(file) | 0b100_100_100;
                entry.ExternalAttributes = (0x8000 | mode) << 16;
            }
        return buffer.ToArray();
    }

    public ValueTask DisposeAsync()
    {
        foreach (var api in new[] { _functionsApi, _uploadApi, _runApi, _loggingApi, _firestoreApi, _datastoreApi }) api.Dispose();
        _storage.Dispose();
        foreach (var t in _triggers.Values.Where(t => t.IsValueCreated)) t.Value.Dispose();
        return ValueTask.CompletedTask;
    }
}

/// <summary>Google Cloud Run functions' declaration: runtimes with their lifecycle dates, credentials, triggers.</summary>
public sealed class GcpPlatformFactory : IPlatformFactory
{
    /// <summary>
    /// Runtime ids and dates from the Cloud Run functions runtime support schedule (docs.cloud.google.com/run/docs/runtimes/function-runtimes):
    /// deprecation = no more patches (a warning); decommission = no creation or redeployment (refused).
    /// </summary>
    internal static readonly PlatformDescriptor Gcp = new()
    {
        Name = new PlatformName("Gcp"),
        Aliases = new[] { "google", "gcf", "cloud-run-functions" },
        Runtimes = new RuntimeTable("Gcp", new Dictionary<string, RuntimeVersion[]>
        {
            ["python"] = new RuntimeVersion[]
            {
                new("3.12", new DateOnly(2028, 10, 2), new DateOnly(2029, 4, 2)),
                new("3.13", new DateOnly(2029, 10, 10), new DateOnly(2030, 4, 10)),
                new("3.14", new DateOnly(2030, 10, 10), new DateOnly(2031, 4, 10)),
            },
            ["nodejs"] = new RuntimeVersion[]
            {
                new("22", new DateOnly(2027, 4, 30), new DateOnly(2027, 10, 31)),
                new("24", new DateOnly(2028, 4, 30), new DateOnly(2028, 10, 31)),
                new("20", new DateOnly(2026, 4, 30), new DateOnly(2026, 10, 30), "decommissioned: use nodejs22 or nodejs24"),
            },
        }),
        DefaultRegion = "europe-west1",
        CredentialVariables = new[] { "GOOGLE_APPLICATION_CREDENTIALS", "GCP_SECRET_APPLICATION_CREDENTIALS" },
        Triggers = new[] { TriggerType.Http },
    };

    public PlatformDescriptor Descriptor => Gcp;
    public IPlatform Create(PlatformContext context) => new GcpPlatform(context);
    public SebsFunction RestoreFunction(JsonObject cached) => SebsFunction.Restore<GcpFunction>(cached, Gcp.Name);
}
