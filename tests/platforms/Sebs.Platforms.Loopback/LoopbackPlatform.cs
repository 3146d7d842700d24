using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using Sebs.Core;
using Sebs.Core.Benchmarks;
using Sebs.Core.Invocation;
using Sebs.Core.NoSql;
using Sebs.Core.Packaging;
using Sebs.Core.Platforms;
using Sebs.Core.Results;
using Sebs.Core.Storage;

namespace Sebs.Platforms.Loopback;

/// <summary>
/// Functions as host processes on 127.0.0.1 behind a "gateway" (the trigger) that logs each call, a folder object store
/// and embedded NoSQL tables. Everything a platform does, in the smallest form that is still real (see README.md).
/// </summary>
public sealed class LoopbackPlatform : IPlatform, INoSqlPlatform
{
    private const string ResourceId = "loopback";
    private readonly PlatformContext _context;
    private readonly string _root;
    private readonly ConcurrentDictionary<string, HttpTrigger> _triggers = new();
    private readonly EmbeddedNoSqlStorage _noSql;
    private readonly DirectoryObjectStorage _storage;

    public LoopbackPlatform(PlatformContext context)
    {
        // A real platform checks its credentials before any call; so does this one.
        var token = Descriptor.Section(context.Config)["credentials"]?["token"]?.GetValue<string>()
            ?? Environment.GetEnvironmentVariable("SEBS_LOOPBACK_TOKEN");
        if (string.IsNullOrEmpty(token))
            throw new SebsException(SebsErrorIds.MissingCredentials, SebsErrorKind.AuthenticationError,
                "No Loopback credentials: set deployment.loopback.credentials.token or $SEBS_LOOPBACK_TOKEN.", target: "Loopback");
        _context = context;
        Region = Descriptor.Region(context.Config, context.Region);
        _root = Path.Combine(context.Cache.Root, "loopback");
        _storage = new DirectoryObjectStorage(Path.Combine(_root, "storage"), "sebs-benchmarks-" + ResourceId);
        _noSql = new EmbeddedNoSqlStorage(Path.Combine(_root, "nosql"), ResourceId, context.Cache, Descriptor.Name);
        PackageLayout = new WrapperFolderLayout(Path.Combine(context.ModuleRoot, "benchmarks", "wrappers"), new PlatformName("Local"));
        Metrics = new GatewayLogMetrics(GatewayLog);
    }

    public PlatformDescriptor Descriptor => LoopbackPlatformFactory.Loopback;
    public string Region { get; }
    public IPackageLayout PackageLayout { get; }
    public IObjectStorage Storage => _storage;
    public INoSqlStorage? NoSql => _noSql;
    public IMetricsSource? Metrics { get; }
    private string GatewayLog => Path.Combine(_root, "gateway.jsonl");

    public Task InitializeAsync(CancellationToken ct)
    {
        Directory.CreateDirectory(_root);
        return Task.CompletedTask;
    }

    public Task<IDependencyInstaller> DependencyInstallerAsync(string language, string languageVersion, CancellationToken ct) =>
        Task.FromResult<IDependencyInstaller>(new HostDependencyInstaller(_context.Log));

    public string DefaultFunctionName(Benchmark benchmark, string language, string languageVersion) =>
        $"loop-{benchmark.Name}-{language}";

    public SebsFunction RestoreFunction(JsonObject cached) => SebsFunction.Restore<LoopbackFunction>(cached, Descriptor.Name);

    public IReadOnlyDictionary<string, string> FunctionEnvironment(Benchmark benchmark)
    {
        var env = new Dictionary<string, string> { ["SEBS_STORAGE_DIR"] = _storage.Root };
        if (benchmark.UsesModule("nosql"))
            foreach (var (k, v) in _noSql.EnvironmentFor(benchmark)) env[k] = v;
        return env;
    }

    public async Task<SebsFunction> CreateFunctionAsync(string name, CodePackage package, FunctionConfig config,
        IReadOnlyDictionary<string, string> environment, CancellationToken ct)
    {
        await InitializeAsync(ct).ConfigureAwait(false);
        var function = new LoopbackFunction
        {
            Name = name, Benchmark = package.Benchmark, Platform = Descriptor.Name, Region = Region, Config = config, CodeHash = package.Hash,
            CodePath = package.Path,
        };
        await StartAsync(function, environment, ct).ConfigureAwait(false);
        return function;
    }

    public Task<bool> ReattachAsync(SebsFunction function, CancellationToken ct) =>
        Task.FromResult(Process((LoopbackFunction)function) is not null && function.Url is not null);

    public async Task UpdateCodeAsync(SebsFunction function, CodePackage package, IReadOnlyDictionary<string, string> environment, CancellationToken ct)
    {
        var f = (LoopbackFunction)function;
        Stop(f);
        f.CodePath = package.Path;
        f.CodeHash = package.Hash;
        await StartAsync(f, environment, ct).ConfigureAwait(false);
    }

    public async Task UpdateConfigurationAsync(SebsFunction function, FunctionConfig config, IReadOnlyDictionary<string, string> environment, CancellationToken ct)
    {
        var f = (LoopbackFunction)function;
        f.Config = config;
        Stop(f);
        await StartAsync(f, environment, ct).ConfigureAwait(false);
    }

    public Task RecoverAsync(SebsFunction function, ExecutionResult failed, CancellationToken ct) =>
        Process((LoopbackFunction)function) is null ? StartAsync((LoopbackFunction)function, FunctionEnvironmentOf(function), ct) : Task.CompletedTask;

    public Task DeleteFunctionAsync(SebsFunction function, CancellationToken ct)
    {
        Stop((LoopbackFunction)function);
        _context.Cache.RemoveFunction(function.Benchmark, Descriptor.Name, function.Language, function.Name);
        return Task.CompletedTask;
    }

    /// <summary>A new process is a cold start (the wrapper's marker starts cold).</summary>
    public async Task EnforceColdStartAsync(IReadOnlyList<SebsFunction> functions, CancellationToken ct)
    {
        foreach (var f in functions.Cast<LoopbackFunction>())
        {
            Stop(f);
            await StartAsync(f, FunctionEnvironmentOf(f), ct).ConfigureAwait(false);
            _context.Cache.SetFunction(f.Benchmark, Descriptor.Name, f.Language, f.Name, f.ToJson());
        }
    }

    public IFunctionTrigger GetTrigger(SebsFunction function, TriggerType type)
    {
        if (type != TriggerType.Http)
            throw new SebsException(SebsErrorIds.PlatformNotSupported, SebsErrorKind.InvalidArgument, "Loopback functions have HTTP triggers only.", target: function.Name);
        return new GatewayTrigger(() => _triggers.AddOrUpdate(function.Name, _ => NewTrigger(function),
            (_, existing) => existing.Url == new Uri(function.Url!).ToString() ? existing : NewTrigger(function)), function, GatewayLog);
    }

    private static HttpTrigger NewTrigger(SebsFunction function) =>
        new(function.Url!, TimeSpan.FromSeconds(function.TimeoutSeconds), () => new ExecutionResult());

    public async IAsyncEnumerable<PlatformResource> ListResourcesAsync([EnumeratorCancellation] CancellationToken ct)
    {
        await Task.Yield();
        foreach (var benchmark in _context.Cache.Benchmarks())
            foreach (var json in _context.Cache.GetFunctions(benchmark, Descriptor.Name))
            {
                var f = (LoopbackFunction)RestoreFunction(json);
                yield return new PlatformResource(Descriptor.Name, "function", f.Name, $"{benchmark}/{f.Language}/{f.Name}", Region, $"pid {f.ProcessId}");
            }
        if (Directory.Exists(_storage.Root))
            foreach (var bucket in Directory.EnumerateDirectories(_storage.Root))
                yield return new PlatformResource(Descriptor.Name, "bucket", Path.GetFileName(bucket), bucket, Region) { Order = 1 };
    }

    public Task DeleteResourceAsync(PlatformResource resource, CancellationToken ct)
    {
        switch (resource.Kind)
        {
            case "function":
                var parts = resource.Id.Split('/', 3);
                return _context.Cache.GetFunction(parts[0], Descriptor.Name, parts[1], parts[2]) is { } json
                    ? DeleteFunctionAsync(RestoreFunction(json), ct) : Task.CompletedTask;
            case "bucket":
                if (Directory.Exists(resource.Id)) Directory.Delete(resource.Id, recursive: true);
                return Task.CompletedTask;
            default:
                throw new SebsException(SebsErrorIds.PlatformNotSupported, SebsErrorKind.InvalidArgument, $"Loopback has no {resource.Kind}.", target: resource.Name);
        }
    }

    // ---- processes -------------------------------------------------------------------------------

    private IReadOnlyDictionary<string, string> FunctionEnvironmentOf(SebsFunction function)
    {
        var env = new Dictionary<string, string> { ["SEBS_STORAGE_DIR"] = _storage.Root };
        foreach (var (k, v) in _noSql.EnvironmentFor(function.Benchmark)) env[k] = v;
        return env;
    }

    private async Task StartAsync(LoopbackFunction function, IReadOnlyDictionary<string, string> environment, CancellationToken ct)
    {
        var (exe, entry) = function.Language == "nodejs" ? ("node", "handler.js") : ("python3", "handler.py");
        var port = FreePort();
        // Only what the function needs: never this session's environment (credentials included).
        var psi = new ProcessStartInfo(exe) { WorkingDirectory = function.CodePath!, UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(Path.Combine(function.CodePath!, entry));
        psi.Environment.Clear();
        psi.Environment["PATH"] = Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin";
        psi.Environment["HOME"] = Path.GetTempPath();
        foreach (var (k, v) in environment) psi.Environment[k] = v;
        psi.Environment["SEBS_PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        psi.Environment["PYTHONDONTWRITEBYTECODE"] = "1";
        var process = System.Diagnostics.Process.Start(psi)
            ?? throw new SebsException(SebsErrorIds.FunctionStartFailed, SebsErrorKind.ResourceUnavailable, $"Cannot start {exe}.", target: function.Name);
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        function.ProcessId = process.Id;
        function.Url = $"http://127.0.0.1:{port}/";
        using var probe = new HttpClient { Timeout = TimeSpan.FromSeconds(1) };
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
                throw new SebsException(SebsErrorIds.FunctionStartFailed, SebsErrorKind.InvalidOperation, $"{function.Name} exited with {process.ExitCode}.", target: function.Name);
            try
            {
                if ((await probe.GetAsync(function.Url + "alive", ct).ConfigureAwait(false)).IsSuccessStatusCode) return;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) when (!ct.IsCancellationRequested) { }
            await Task.Delay(50, ct).ConfigureAwait(false);
        }
        throw new SebsException(SebsErrorIds.FunctionStartFailed, SebsErrorKind.OperationTimeout, $"{function.Name} did not answer within 15 s.", target: function.Name);
    }

    private static Process? Process(LoopbackFunction function)
    {
        if (function.ProcessId is not { } pid) return null;
        try
        {
            var p = System.Diagnostics.Process.GetProcessById(pid);
            return p.HasExited ? null : p;
        }
        catch (ArgumentException) { return null; }
    }

    private static void Stop(LoopbackFunction function)
    {
        if (Process(function) is { } p)
        {
            p.Kill(entireProcessTree: true);
            p.WaitForExit(5000);
        }
        function.ProcessId = null;
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    public ValueTask DisposeAsync()
    {
        foreach (var t in _triggers.Values) t.Dispose();
        return ValueTask.CompletedTask;
    }
}
