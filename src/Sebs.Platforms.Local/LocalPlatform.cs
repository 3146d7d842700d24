using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;
using Sebs.Core;
using Sebs.Core.Benchmarks;
using Sebs.Core.Diagnostics;
using Sebs.Core.Invocation;
using Sebs.Core.NoSql;
using Sebs.NoSql.DynamoDb;
using Sebs.Core.Packaging;
using Sebs.Core.Platforms;
using Sebs.Core.Results;
using Sebs.Platforms.Local.Sandboxes;
using Sebs.Platforms.Local.Storage;
using Sebs.Core.Storage;

namespace Sebs.Platforms.Local;

/// <summary>
/// The local platform: each function is one sandbox (container or host process) serving HTTP on 127.0.0.1.
/// A cold start is a fresh sandbox. Object storage is an S3-compatible endpoint from the config, or a folder.
/// </summary>
public sealed class LocalPlatform : IPlatform, IMemoryStatisticsSource, IRunImageBuilder, IStorageServiceHost, INoSqlPlatform
{
    public const string ResourceId = "local";
    private readonly PlatformContext _context;
    private readonly ISebsLog _log;
    private readonly SandboxKind _requested;
    private readonly ConcurrentDictionary<string, (SandboxInstance Instance, ISandboxHost Host)> _instances = new();
    private readonly ConcurrentDictionary<string, LocalTrigger> _triggers = new();
    private readonly MemoryMonitor _memory;
    private readonly string? _dockerEndpoint;
    private DockerSandboxHost? _dockerHost;
    private readonly object _dockerLock = new();
    private readonly ProcessSandboxHost _process = new();
    private readonly SemaphoreSlim _hostChoice = new(1, 1);
    private readonly Dictionary<string, ISandboxHost> _chosen = new();

    public LocalPlatform(PlatformContext context)
    {
        _context = context;
        _log = context.Log;
        _requested = context.Options.TryGetValue("Sandbox", out var s) && s is not null
            ? Enum.Parse<SandboxKind>(s.ToString()!, ignoreCase: true) : SandboxKind.Auto;
        var interval = context.Options.TryGetValue("MemoryIntervalMs", out var ms) && ms is not null ? Convert.ToDouble(ms, CultureInfo.InvariantCulture) : 100;
        _memory = new MemoryMonitor(TimeSpan.FromMilliseconds(Math.Max(10, interval)));
        PackageLayout = new WrapperFolderLayout(Path.Combine(context.ModuleRoot, "benchmarks", "wrappers"), LocalPlatformFactory.Local.Name);
        _dockerEndpoint = context.Options.TryGetValue("DockerEndpoint", out var e) ? e as string : null;
        Storage = CreateStorage(out var storageEnv, out var writable);
        _storageEnvironment = storageEnv;
        NoSql = CreateNoSql(out var nosqlFolder);
        _writableFolders = nosqlFolder is null ? writable : writable.Append(nosqlFolder).ToList();
    }

    /// <summary>The environment each function's sandbox was started with, so restarts keep the NoSQL tables.</summary>
    private readonly ConcurrentDictionary<string, IReadOnlyDictionary<string, string>> _environments = new();

    /// <summary>NoSQL tables for benchmarks: embedded JSON files, or a DynamoDB-compatible endpoint from the config.</summary>
    public INoSqlStorage? NoSql { get; }

    private readonly IReadOnlyDictionary<string, string> _storageEnvironment;
    private readonly IReadOnlyList<string> _writableFolders;

    public PlatformDescriptor Descriptor => LocalPlatformFactory.Local;
    public string Region => "local";
    public IPackageLayout PackageLayout { get; }

    /// <summary>Nothing to create up front: sandboxes start with their functions, storage folders on first use.</summary>
    public Task InitializeAsync(CancellationToken ct) => Task.CompletedTask;

    public SebsFunction RestoreFunction(JsonObject cached) => SebsFunction.Restore<LocalFunction>(cached, Descriptor.Name);
    public IObjectStorage Storage { get; }
    public IMetricsSource? Metrics => new LocalMetricsSource(this);
    internal string LogDirectory => Path.Combine(_context.Cache.Root, "local", "logs");

    /// <summary>deployment.local.storage.object: {"type": "minio", "minio": {address, access_key, secret_key}} or a folder.</summary>
    private IObjectStorage CreateStorage(out IReadOnlyDictionary<string, string> env, out IReadOnlyList<string> writable)
    {
        var bucket = "sebs-benchmarks-" + ResourceId;
        var objectConfig = Descriptor.Section(_context.Config)["storage"]?["object"] as JsonObject;
        var type = objectConfig?["type"]?.GetValue<string>();
        // An unknown type (a typo of minio) must not silently fall back to the folder store.
        if (type is not null and not ("minio" or "s3" or "directory"))
            throw new SebsException(SebsErrorIds.InvalidConfig, SebsErrorKind.InvalidData,
                $"deployment.local.storage.object.type '{type}' is not supported; use minio, s3 or directory.", target: "deployment.local.storage.object.type");
        if (type is "minio" or "s3" && objectConfig?[type] is not JsonObject)
            throw new SebsException(SebsErrorIds.InvalidConfig, SebsErrorKind.InvalidData,
                $"deployment.local.storage.object.{type} is missing (an object with address, access_key, secret_key).", target: $"deployment.local.storage.object.{type}");
        if (type is "minio" or "s3" && objectConfig?[type] is JsonObject s3)
        {
            var address = s3["address"]?.GetValue<string>();
            if (string.IsNullOrEmpty(address))
                throw new SebsException(SebsErrorIds.InvalidConfig, SebsErrorKind.InvalidData,
                    $"deployment.local.storage.object.{type}.address is required (host:port of the S3-compatible endpoint).");
            var endpoint = new S3Endpoint(address.Replace("http://", "", StringComparison.Ordinal),
                s3["access_key"]?.GetValue<string>() ?? "", s3["secret_key"]?.GetValue<string>() ?? "");
            env = new Dictionary<string, string>
            {
                ["MINIO_ADDRESS"] = endpoint.Address, ["MINIO_ACCESS_KEY"] = endpoint.AccessKey, ["MINIO_SECRET_KEY"] = endpoint.SecretKey,
            };
            writable = Array.Empty<string>();
            _log.Verbose($"Local object storage: S3-compatible endpoint {endpoint.Address}.");
            return new S3CompatibleStorage(endpoint, bucket);
        }
        var root = objectConfig?["directory"]?["path"]?.GetValue<string>() ?? Path.Combine(_context.Cache.Root, "local", "storage");
        var storage = new DirectoryObjectStorage(root, bucket);
        env = new Dictionary<string, string> { ["SEBS_STORAGE_DIR"] = storage.Root };
        writable = new[] { storage.Root };
        _log.Verbose($"Local object storage: folder {storage.Root}.");
        return storage;
    }

    /// <summary>
    /// deployment.local.storage.nosql: {"type": "scylladb" | "dynamodb", "&lt;type&gt;": {"address": host:port, "access_key"?,
    /// "secret_key"?, "region"?}} for a DynamoDB-compatible endpoint (ScyllaDB Alternator, dynalite); else embedded JSON
    /// files in deployment.local.storage.nosql.embedded.path (default &lt;cache&gt;/local/nosql), mounted rw into containers.
    /// </summary>
    private INoSqlStorage CreateNoSql(out string? folder)
    {
        var config = Descriptor.Section(_context.Config)["storage"]?["nosql"] as JsonObject;
        var type = config?["type"]?.GetValue<string>();
        if (type is "scylladb" or "dynamodb")
        {
            var section = config?[type] as JsonObject;
            var address = section?["address"]?.GetValue<string>();
            if (string.IsNullOrEmpty(address))
                throw new SebsException(SebsErrorIds.InvalidConfig, SebsErrorKind.InvalidData,
                    $"deployment.local.storage.nosql.{type}.address is required (host:port of the DynamoDB-compatible endpoint).");
            // Alternator and the emulators accept any credentials; SeBS used dummy ones as well.
            var endpoint = new DynamoEndpoint(address, section?["access_key"]?.GetValue<string>() ?? "sebs",
                section?["secret_key"]?.GetValue<string>() ?? "sebs", section?["region"]?.GetValue<string>() ?? "us-east-1");
            folder = null;
            _log.Verbose($"Local NoSQL storage: {type} endpoint {endpoint.HostPort}.");
            return DynamoDbNoSqlStorage.ForEndpoint(endpoint, type, ResourceId, _context.Cache, Descriptor.Name);
        }
        if (type is not null and not "embedded")
            throw new SebsException(SebsErrorIds.InvalidConfig, SebsErrorKind.InvalidData,
                $"deployment.local.storage.nosql.type '{type}' is not supported; use scylladb, dynamodb or embedded.");
        var root = config?["embedded"]?["path"]?.GetValue<string>() ?? Path.Combine(_context.Cache.Root, "local", "nosql");
        var store = new EmbeddedNoSqlStorage(root, ResourceId, _context.Cache, Descriptor.Name);
        folder = store.Root;
        _log.Verbose($"Local NoSQL storage: embedded JSON files in {store.Root}.");
        return store;
    }

    public IReadOnlyDictionary<string, string> FunctionEnvironment(Benchmark benchmark)
    {
        if (!benchmark.UsesModule("nosql") || NoSql is null) return _storageEnvironment;
        var env = new Dictionary<string, string>(_storageEnvironment);
        foreach (var (k, v) in NoSql.EnvironmentFor(benchmark)) env[k] = v;
        return env;
    }

    /// <summary>A restarted sandbox gets the environment it started with (or, re-attached from another session, the cached tables).</summary>
    private IReadOnlyDictionary<string, string> EnvironmentOf(SebsFunction function)
    {
        if (_environments.TryGetValue(function.Name, out var known)) return known;
        if (NoSql is not NoSqlStorageBase store || store.CachedTables(function.Benchmark).Count == 0) return _storageEnvironment;
        var env = new Dictionary<string, string>(_storageEnvironment);
        foreach (var (k, v) in store.EnvironmentFor(function.Benchmark)) env[k] = v;
        return env;
    }

    public string DefaultFunctionName(Benchmark benchmark, string language, string languageVersion) =>
        $"sebs-{ResourceId}-{benchmark.Name}-{language}-{languageVersion}";

    public async Task<IDependencyInstaller> DependencyInstallerAsync(string language, string languageVersion, CancellationToken ct)
    {
        var host = await HostAsync(language, languageVersion, ct).ConfigureAwait(false);
        return host.Kind == SandboxKind.Docker
            ? new DockerDependencyInstaller(Docker, DockerSandboxHost.ImageName(language, languageVersion), _log)
            : new HostDependencyInstaller(_log, virtualEnvironment: true);
    }

    // ---- sandboxes -------------------------------------------------------------------------------

    /// <summary>Docker when asked for, or (Auto) when an engine answers and the run image exists; else a host process.</summary>
    private async Task<ISandboxHost> HostAsync(string language, string version, CancellationToken ct)
    {
        var image = DockerSandboxHost.ImageName(language, version);
        await _hostChoice.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            // Decided per engine endpoint too: after DOCKER_HOST is fixed, Auto asks the engine again.
            var choiceKey = image + "|" + Docker.Endpoint;
            if (_chosen.TryGetValue(choiceKey, out var known)) return known;
            ISandboxHost chosen;
            switch (_requested)
            {
                case SandboxKind.Process:
                    chosen = _process;
                    break;
                case SandboxKind.Docker:
                    await Docker.EnsureReachableAsync(ct).ConfigureAwait(false);
                    chosen = Docker;
                    break;
                default:
                    // Auto, decided once per runtime: Docker when an engine answers and the run image exists.
                    if (await Docker.IsReachableAsync(ct).ConfigureAwait(false) &&
                        await Docker.ImageExistsAsync(image, ct).ConfigureAwait(false))
                    {
                        _log.Verbose($"Sandbox: Docker ({Docker.Endpoint}, image {image}).");
                        chosen = Docker;
                    }
                    else
                    {
                        _log.Verbose($"Sandbox: host process (no Docker engine or no image {image}).");
                        chosen = _process;
                    }
                    break;
            }
            return _chosen[choiceKey] = chosen;
        }
        finally { _hostChoice.Release(); }
    }

    /// <summary>
    /// The Docker engine DOCKER_HOST names now: a value fixed after a failed call is used by the next call of the same
    /// session (the engine is not remembered from the first time it was asked for).
    /// </summary>
    private DockerSandboxHost Docker
    {
        get
        {
            var endpoint = _dockerEndpoint ?? Environment.GetEnvironmentVariable("DOCKER_HOST") ?? DockerSandboxHost.DefaultEndpoint();
            lock (_dockerLock)
            {
                // The old client is not disposed: sandboxes started through it may still be tracked.
                if (_dockerHost is null || _dockerHost.Endpoint != endpoint) _dockerHost = new DockerSandboxHost(endpoint);
                return _dockerHost;
            }
        }
    }

    private ISandboxHost HostOf(SandboxKind kind) => kind == SandboxKind.Docker ? Docker : _process;

    private async Task StartAsync(SebsFunction function, CodePackage package, IReadOnlyDictionary<string, string> env, CancellationToken ct)
    {
        var host = await HostAsync(package.Language, package.LanguageVersion, ct).ConfigureAwait(false);
        _environments[function.Name] = env;
        var labelled = new Dictionary<string, string>(env) { [SandboxEnvironment.OwnerLabel] = _context.Cache.Root };
        var instance = await host.StartAsync(new SandboxSpec(function.Name, package, function.MemoryMB, labelled, LogDirectory, _writableFolders), ct).ConfigureAwait(false);
        Attach(function, instance, host);
        var local = Local(function);
        local.Sandbox = instance.Kind.ToString().ToLowerInvariant();
        local.InstanceId = instance.InstanceId;
        local.Port = instance.Port;
        local.Started = instance.Started;
        local.CodePath = package.Path;
        local.RuntimeVersion = instance.Kind == SandboxKind.Process ? HostRuntime.Version(package.Language) : package.LanguageVersion;
        if (local.RuntimeVersion is { } ran && !HostRuntime.Matches(package.LanguageVersion, ran) && _runtimeWarnings.TryAdd(function.Name, 0))
            _log.Warning($"{function.Name}: the host process runs {package.Language} {ran}, not {package.LanguageVersion}; its results record {ran}. " +
                $"Use -Sandbox Docker with the run image of {package.LanguageVersion} to measure {package.LanguageVersion}.");
        function.Url = instance.Url;
        _log.Verbose($"Started {instance.Kind} sandbox {instance.InstanceId} for {function.Name} at {instance.Url}.");
    }

    private readonly ConcurrentDictionary<string, byte> _runtimeWarnings = new();

    private void Attach(SebsFunction function, SandboxInstance instance, ISandboxHost host)
    {
        _instances[function.Name] = (instance, host);
        _memory.Track(function.Name, instance, host);
    }

    private async Task StopAsync(SebsFunction function, CancellationToken ct)
    {
        if (_instances.TryRemove(function.Name, out var current))
        {
            _memory.Untrack(current.Instance.InstanceId);
            await current.Host.StopAsync(current.Instance, ct).ConfigureAwait(false);
        }
        else if (InstanceFrom(function) is { } saved)
        {
            await HostOf(saved.Kind).StopAsync(saved, ct).ConfigureAwait(false);
        }
    }

    private static SandboxInstance? InstanceFrom(SebsFunction function) => Local(function).Instance;

    /// <summary>Functions of this platform are LocalFunctions (created or restored here).</summary>
    private static LocalFunction Local(SebsFunction function) => function as LocalFunction
        ?? throw new SebsException(SebsErrorIds.FunctionNotFound, SebsErrorKind.InvalidArgument,
            $"{function.Name} is a {function.Platform} function, not a local one.", target: function.Name);

    private CodePackage PackageOf(SebsFunction function) => new()
    {
        Benchmark = function.Benchmark, Platform = Descriptor.Name, Language = function.Language, LanguageVersion = function.LanguageVersion,
        Hash = function.CodeHash, Path = Local(function).CodePath
            ?? throw new SebsException(SebsErrorIds.FunctionNotFound, SebsErrorKind.InvalidData, $"Function {function.Name} has no code path; deploy it again."),
    };

    private void Save(SebsFunction function) =>
        _context.Cache.SetFunction(function.Benchmark, Descriptor.Name, function.Language, function.Name, function.ToJson());

    // ---- IPlatform -------------------------------------------------------------------------------

    public async Task<SebsFunction> CreateFunctionAsync(string name, CodePackage package, FunctionConfig config,
        IReadOnlyDictionary<string, string> environment, CancellationToken ct)
    {
        var function = new LocalFunction
        {
            Name = name, Benchmark = package.Benchmark, Platform = Descriptor.Name, Region = Region, Config = config, CodeHash = package.Hash,
        };
        // Calls of one session that deploy the same function at once (a fresh cache, three invocations in parallel)
        // share one sandbox: the later ones attach to the one the first started instead of starting and losing their own.
        var gate = _creation.GetOrAdd(name, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (_instances.TryGetValue(name, out var live) && _started.TryGetValue(name, out var first) && first.CodeHash == package.Hash &&
                first.Config == config && await Readiness.IsAliveAsync(live.Instance.Port, ct).ConfigureAwait(false))
                return first;
            await StartAsync(function, package, environment, ct).ConfigureAwait(false);
            _started[name] = function;
            return function;
        }
        finally { gate.Release(); }
    }

    private readonly ConcurrentDictionary<string, SemaphoreSlim> _creation = new();
    private readonly ConcurrentDictionary<string, LocalFunction> _started = new();

    public async Task<bool> ReattachAsync(SebsFunction function, CancellationToken ct)
    {
        if (_instances.TryGetValue(function.Name, out var live))
        {
            function.Url = live.Instance.Url;
            return await Readiness.IsAliveAsync(live.Instance.Port, ct).ConfigureAwait(false);
        }
        if (InstanceFrom(function) is not { } saved) return false;
        var host = HostOf(saved.Kind);
        // A sandbox of the other kind than asked for is not reused, and not left running either: the function is recreated.
        if (_requested != SandboxKind.Auto && saved.Kind != _requested)
        {
            _log.Verbose($"{function.Name} ran in a {saved.Kind} sandbox; stopping it for a {_requested} one.");
            if (saved.Kind != SandboxKind.Docker || await Docker.IsReachableAsync(ct).ConfigureAwait(false))
                await host.StopAsync(saved, ct).ConfigureAwait(false);
            return false;
        }
        if (saved.Kind == SandboxKind.Docker && !await Docker.IsReachableAsync(ct).ConfigureAwait(false)) return false;
        if (!await host.ExistsAsync(saved, ct).ConfigureAwait(false)) return false;
        if (!await Readiness.IsAliveAsync(saved.Port, ct).ConfigureAwait(false))
        {
            await host.StopAsync(saved, ct).ConfigureAwait(false); // exists but does not answer: replaced, not leaked
            return false;
        }
        Attach(function, saved, host);
        function.Url = saved.Url;
        return true;
    }

    public async Task UpdateCodeAsync(SebsFunction function, CodePackage package, IReadOnlyDictionary<string, string> environment, CancellationToken ct)
    {
        // SeBS: stop the old sandbox, start a new one on the new code.
        await StopAsync(function, ct).ConfigureAwait(false);
        function.CodeHash = package.Hash;
        await StartAsync(function, package, environment, ct).ConfigureAwait(false);
    }

    public async Task UpdateConfigurationAsync(SebsFunction function, FunctionConfig config, IReadOnlyDictionary<string, string> environment, CancellationToken ct)
    {
        // Memory is a sandbox limit: a new sandbox applies it (SeBS could not update local functions at all).
        function.Config = config;
        await StopAsync(function, ct).ConfigureAwait(false);
        await StartAsync(function, PackageOf(function), environment, ct).ConfigureAwait(false);
    }

    public async Task EnforceColdStartAsync(IReadOnlyList<SebsFunction> functions, CancellationToken ct)
    {
        foreach (var function in functions)
        {
            await StopAsync(function, ct).ConfigureAwait(false);
            await StartAsync(function, PackageOf(function), EnvironmentOf(function), ct).ConfigureAwait(false);
            Save(function);
        }
    }

    public async Task RecoverAsync(SebsFunction function, ExecutionResult failed, CancellationToken ct)
    {
        // Several invocations of one batch may fail together; only one of them restarts the sandbox.
        var gate = _recovery.GetOrAdd(function.Name, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(ct).ConfigureAwait(false);
        try { await RecoverLockedAsync(function, failed, ct).ConfigureAwait(false); }
        finally { gate.Release(); }
    }

    private readonly ConcurrentDictionary<string, SemaphoreSlim> _recovery = new();

    private async Task RecoverLockedAsync(SebsFunction function, ExecutionResult failed, CancellationToken ct)
    {
        if (failed.TimedOut && _instances.TryGetValue(function.Name, out var current) && current.Instance.Started > failed.Times.ClientBegin)
            return; // another invocation of the batch already restarted it
        var alive = _instances.TryGetValue(function.Name, out var live) && await Readiness.IsAliveAsync(live.Instance.Port, ct).ConfigureAwait(false);
        // A sandbox stuck past its timeout is still running the handler and would delay every later invocation.
        if (alive && !failed.TimedOut) return;
        _log.Warning($"Restarting the sandbox of {function.Name} ({(failed.TimedOut ? "invocation timed out" : "sandbox died")}).");
        await StopAsync(function, ct).ConfigureAwait(false);
        await StartAsync(function, PackageOf(function), EnvironmentOf(function), ct).ConfigureAwait(false);
        Save(function);
    }

    public async Task DeleteFunctionAsync(SebsFunction function, CancellationToken ct)
    {
        await StopAsync(function, ct).ConfigureAwait(false);
        _started.TryRemove(function.Name, out _);
        await StopLabelledAsync(function.Name, ct).ConfigureAwait(false);
        _context.Cache.RemoveFunction(function.Benchmark, Descriptor.Name, function.Language, function.Name);
    }

    /// <summary>
    /// Every sandbox this cache started for <paramref name="name"/> that its entry no longer points at (a leaked
    /// parallel start, a sandbox of the kind used before): found by label, so removal always stops everything.
    /// </summary>
    private async Task StopLabelledAsync(string name, CancellationToken ct)
    {
        foreach (var p in HostProcesses.List())
            if (p.Function == name && p.Owner == _context.Cache.Root)
            {
                _log.Verbose($"Stopping process {p.Pid} of {name} (port {p.Port}).");
                HostProcesses.Kill(p.Pid);
            }
        if (!await Docker.IsReachableAsync(ct).ConfigureAwait(false)) return;
        foreach (var c in await Docker.ListLabelledContainersAsync(ct).ConfigureAwait(false))
            // Only this cache's: another cache (another session, another user's tests) may run a function of the same name.
            if (c.Function == name && c.Owner == _context.Cache.Root)
            {
                _log.Verbose($"Removing container {c.Id[..Math.Min(12, c.Id.Length)]} of {name}.");
                await Docker.StopAsync(new SandboxInstance(SandboxKind.Docker, c.Id, 0, default), ct).ConfigureAwait(false);
            }
    }

    // ---- clean-up ---------------------------------------------------------------------------------

    /// <summary>
    /// Every cached function (with its sandbox), then containers labelled as Sebs functions that no cache entry knows
    /// (left by a cleared cache or another cache folder).
    /// </summary>
    public async IAsyncEnumerable<PlatformResource> ListResourcesAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        var known = new HashSet<string>(StringComparer.Ordinal);
        foreach (var benchmark in _context.Cache.Benchmarks())
            foreach (var json in _context.Cache.GetFunctions(benchmark, Descriptor.Name))
            {
                var f = (LocalFunction)RestoreFunction(json);
                if (f.InstanceId is { } id) known.Add(id);
                yield return new PlatformResource(Descriptor.Name, "function", f.Name, $"{benchmark}/{f.Language}/{f.Name}", Region,
                    f.InstanceId is null ? "no sandbox" : $"{f.Sandbox} {f.InstanceId} on port {f.Port}");
            }
        foreach (var p in HostProcesses.List())
            if (p.Owner == _context.Cache.Root && !known.Contains(p.Pid.ToString(CultureInfo.InvariantCulture)))
                yield return new PlatformResource(Descriptor.Name, "process", p.Function, p.Pid.ToString(CultureInfo.InvariantCulture), Region,
                    $"process {p.Pid} on port {p.Port}, not in the cache") { Order = 1 };
        if (!await Docker.IsReachableAsync(ct).ConfigureAwait(false)) yield break;
        foreach (var (id, function, state) in await Docker.ListFunctionContainersAsync(ct).ConfigureAwait(false))
            if (!known.Contains(id))
                yield return new PlatformResource(Descriptor.Name, "sandbox", function, id, Region, $"container {id[..Math.Min(12, id.Length)]} ({state}), not in the cache")
                { Order = 1 };
    }

    public async Task DeleteResourceAsync(PlatformResource resource, CancellationToken ct)
    {
        switch (resource.Kind)
        {
            case "function":
                var parts = resource.Id.Split('/', 3);
                if (parts.Length == 3 && _context.Cache.GetFunction(parts[0], Descriptor.Name, parts[1], parts[2]) is { } json)
                    await DeleteFunctionAsync(RestoreFunction(json), ct).ConfigureAwait(false);
                break;
            case "process":
                if (int.TryParse(resource.Id, NumberStyles.None, CultureInfo.InvariantCulture, out var pid) &&
                    HostProcesses.Read(pid) is { } env && env.GetValueOrDefault(SandboxEnvironment.FunctionLabel) == resource.Name)
                    HostProcesses.Kill(pid);
                break;
            case "sandbox":
                await Docker.StopAsync(new SandboxInstance(SandboxKind.Docker, resource.Id, 0, default), ct).ConfigureAwait(false);
                break;
            default:
                throw new SebsException(SebsErrorIds.PlatformNotSupported, SebsErrorKind.InvalidArgument,
                    $"The local platform has no resources of kind {resource.Kind}.", target: resource.Name);
        }
    }

    public IFunctionTrigger GetTrigger(SebsFunction function, TriggerType type)
    {
        if (type != TriggerType.Http)
            throw new SebsException(SebsErrorIds.PlatformNotSupported, SebsErrorKind.InvalidArgument,
                "The local platform has HTTP triggers only.", target: function.Name);
        // A new deployment (other timeout or memory) gets a new trigger; the same one keeps its connections.
        return _triggers.AddOrUpdate(function.Name, _ => new LocalTrigger(this, function),
            (_, existing) => existing.Function == function ? existing : new LocalTrigger(this, function));
    }

    internal string CurrentUrl(SebsFunction function) =>
        _instances.TryGetValue(function.Name, out var live) ? live.Instance.Url : function.Url
            ?? throw new SebsException(SebsErrorIds.FunctionNotFound, SebsErrorKind.ObjectNotFound, $"Function {function.Name} is not running.");

    /// <summary>The memory of the function's running sandbox now, and when that sandbox started; null when none runs or it cannot be read.</summary>
    internal (MemorySample Sample, DateTime Started)? Memory(SebsFunction function) =>
        _instances.TryGetValue(function.Name, out var live) && live.Host.ReadMemory(live.Instance) is { } sample
            ? (sample, live.Instance.Started) : null;

    public Task<RunImage> BuildRunImageAsync(string language, string version, bool offline, bool force, CancellationToken ct) =>
        new RunImageBuilder(_context.ModuleRoot, Docker).BuildAsync(LanguageRuntimes.NormalizeLanguage(language), version, offline, force, ct);

    public async Task<StorageInstance> StartObjectStorageAsync(StorageStartOptions options, CancellationToken ct)
    {
        await Docker.EnsureReachableAsync(ct).ConfigureAwait(false);
        return await new MinioService(Docker.Client).StartAsync(options, ct).ConfigureAwait(false);
    }

    public async Task StopObjectStorageAsync(StorageInstance instance, CancellationToken ct)
    {
        await Docker.EnsureReachableAsync(ct).ConfigureAwait(false);
        await new MinioService(Docker.Client).StopAsync(instance, ct).ConfigureAwait(false);
    }

    /// <summary>Memory statistics of every sandbox this session started or re-attached to.</summary>
    public IReadOnlyList<MemoryStatistics> MemoryStatistics() => _memory.Snapshot();

    /// <summary>Whether a cached function's sandbox answers now.</summary>
    public Task<bool> IsRunningAsync(SebsFunction function, CancellationToken ct) =>
        InstanceFrom(function) is { } i ? Readiness.IsAliveAsync(i.Port, ct) : Task.FromResult(false);

    public ValueTask DisposeAsync()
    {
        // Sandboxes keep running on purpose: the next Invoke-SebsBenchmark reuses them (Remove-SebsFunction stops them).
        _memory.Dispose();
        foreach (var t in _triggers.Values) t.Dispose();
        _dockerHost?.Dispose();
        (Storage as IDisposable)?.Dispose();
        (NoSql as IDisposable)?.Dispose();
        return ValueTask.CompletedTask;
    }
}

/// <summary>
/// The HTTP trigger of a local function; follows the sandbox across restarts and attaches its memory, read once per batch
/// of results when the caller streams batches.
/// </summary>
internal sealed class LocalTrigger : IBatchCompletingTrigger, IDisposable
{
    private readonly LocalPlatform _platform;
    private readonly SebsFunction _function;
    private HttpTrigger? _http;
    private string? _httpUrl;

    public SebsFunction Function => _function;

    public LocalTrigger(LocalPlatform platform, SebsFunction function)
    {
        _platform = platform;
        _function = function;
    }

    public TriggerType Type => TriggerType.Http;

    public async Task<ExecutionResult> InvokeAsync(JsonObject payload, CancellationToken ct)
    {
        var result = await InvokeForBatchAsync(payload, ct).ConfigureAwait(false);
        CompleteBatch(new[] { result });
        return result;
    }

    public async Task<ExecutionResult> InvokeForBatchAsync(JsonObject payload, CancellationToken ct)
    {
        var url = _platform.CurrentUrl(_function);
        var http = _http;
        if (http is null || _httpUrl != url || http.Timeout != TimeSpan.FromSeconds(_function.TimeoutSeconds))
        {
            http?.Dispose();
            _http = http = new HttpTrigger(url, TimeSpan.FromSeconds(_function.TimeoutSeconds), () => new ExecutionResult());
            _httpUrl = url;
        }
        var result = await http.InvokeAsync(payload, ct).ConfigureAwait(false);
        result.Billing.MemoryMB = _function.MemoryMB;
        if (_function is LocalFunction local)
        {
            // What really ran: a host process runs the host's interpreter, and no memory limit applies to it.
            if (local.RuntimeVersion is { Length: > 0 } ran) result.LanguageVersion = ran;
            result.MemoryLimitEnforced = local.Sandbox == "docker";
        }
        return result;
    }

    /// <summary>
    /// One reading of the sandbox's memory, taken after every invocation of the batch ended, for all of them: the peak is
    /// the sandbox's own high-water mark, so it already takes in whatever ran beside an invocation. A result whose
    /// sandbox was restarted since (a recovery) gets none: the reading is of another process.
    /// </summary>
    public void CompleteBatch(IReadOnlyList<ExecutionResult> results)
    {
        if (_platform.Memory(_function) is not var (sample, started)) return;
        var mb = Math.Round(sample.PeakMB ?? sample.CurrentMB, 2);
        foreach (var r in results)
            if (r.Times.ClientBegin >= started) r.Stats.MemoryUsedMB = mb;
    }

    public void Dispose() => _http?.Dispose();
}

/// <summary>Local "provider metrics": the sandboxes' memory, filled into results that lack it.</summary>
internal sealed class LocalMetricsSource(LocalPlatform platform) : IMetricsSource
{
    public Task EnrichAsync(MetricsQuery query, IReadOnlyList<ExecutionResult> results, CancellationToken ct)
    {
        var stats = platform.MemoryStatistics().Where(s => s.FunctionName == query.FunctionName).ToList();
        if (stats.Count == 0) return Task.CompletedTask;
        var peak = stats.Max(s => s.PeakMB ?? s.MaxMB);
        foreach (var r in results)
            r.Stats.MemoryUsedMB ??= peak;
        return Task.CompletedTask;
    }
}

/// <summary>The local platform's declaration: process and Docker sandboxes on this machine, HTTP triggers only.</summary>
public sealed class LocalPlatformFactory : IPlatformFactory
{
    /// <summary>SeBS's local run images (its systems.json): the first version of each language is the default.</summary>
    internal static readonly PlatformDescriptor Local = new()
    {
        Name = new PlatformName("Local"),
        Runtimes = new RuntimeTable("Local", new Dictionary<string, RuntimeVersion[]>
        {
            ["python"] = new RuntimeVersion[] { new("3.11"), new("3.7"), new("3.8"), new("3.9"), new("3.10"), new("3.12") },
            ["nodejs"] = new RuntimeVersion[] { new("18"), new("14"), new("16"), new("20"), new("22") },
        }, new[] { "x64", "arm64" }),
        DefaultRegion = "local",
        Options = new[]
        {
            new PlatformOption("Sandbox", "Auto (Docker when an engine answers and the run image exists, else a host process), Process or Docker.",
                new[] { "Auto", "Process", "Docker" }, "Auto"),
        },
        FunctionsRunLocally = true,
        BatchPause = TimeSpan.Zero,
        ColdSamplePause = TimeSpan.Zero,
        MetricsAreImmediate = true,
    };

    public PlatformDescriptor Descriptor => Local;
    public IPlatform Create(PlatformContext context) => new LocalPlatform(context);
    public SebsFunction RestoreFunction(JsonObject cached) => SebsFunction.Restore<LocalFunction>(cached, Local.Name);
}
