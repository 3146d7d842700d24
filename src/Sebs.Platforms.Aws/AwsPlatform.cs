using System.Diagnostics;
using System.IO.Compression;
using System.Text;
using System.Text.Json.Nodes;
using Amazon.Runtime;
using Sebs.Core;
using Sebs.Core.Benchmarks;
using Sebs.Core.Diagnostics;
using Sebs.Core.Invocation;
using Sebs.Core.NoSql;
using Sebs.Core.Packaging;
using Sebs.Core.Platforms;
using Sebs.Core.Results;

namespace Sebs.Platforms.Aws;

/// <summary>
/// AWS Lambda (SeBS §6.4, AWS column): zip packages created inline or through S3, an execution role found or created,
/// SDK ("library") triggers through Invoke with the log tail, HTTP triggers through Function URLs, cold starts forced
/// by changing an environment variable, S3 storage and CloudWatch Logs metrics.
/// </summary>
public sealed class AwsPlatform : IPlatform, INoSqlPlatform
{
    private readonly PlatformContext _context;
    private readonly AwsApiClient _api;
    private readonly LambdaClient _lambda;
    private readonly IamClient _iam;
    private readonly S3Storage _storage;
    private readonly SemaphoreSlim _roleGate = new(1, 1);
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Lazy<LambdaUrlTrigger>> _urlTriggers = new();
    private string? _roleArn;
    // SeBS starts the counter at a random value so two sessions do not set the same ForceColdStart value.
    private int _coldStartCounter = Random.Shared.Next(100);

    public AwsPlatform(PlatformContext context, HttpMessageHandler? handler = null)
    {
        _context = context;
        Settings = AwsSettings.From(context.Config, context.Region);
        PackageLayout = new WrapperFolderLayout(Path.Combine(context.ModuleRoot, "benchmarks", "wrappers"), AwsPlatformFactory.Aws.Name);
        var credentials = AwsSettings.ResolveCredentials(context.Config);
        _api = new AwsApiClient(Settings, credentials, context.Log, handler);
        _lambda = new LambdaClient(_api, context.Log);
        _iam = new IamClient(_api, context.Log);
        ResourceId = Settings.ResourcesId ?? context.Cache.UpdatePlatformResources(Descriptor.Name, r =>
        {
            if (r["resources_id"]?.GetValue<string>() is { Length: > 0 } id) return id;
            var fresh = Guid.NewGuid().ToString("N")[..8];
            r["resources_id"] = fresh;
            return fresh;
        });
        _storage = new S3Storage(Settings, credentials, $"sebs-benchmarks-{ResourceId}");
        _roleArn = Settings.LambdaRoleArn;
        Metrics = new CloudWatchLogsMetrics(_api);
        // DynamoDB tables (SeBS: PAY_PER_REQUEST, string HASH/RANGE keys), requests signed like every other call here;
        // functions get only the table names: the execution role gives them access.
        var dynamo = Settings.Endpoint("dynamodb");
        _noSql = new DynamoNoSqlStorage(new DynamoEndpoint(dynamo.ToString().TrimEnd('/'), "", "", Region), "dynamodb", ResourceId,
            context.Cache, Descriptor.Name, signer: (request, ct) => _api.SignAsync(request, Region, "dynamodb", ct),
            functionEnvironment: new Dictionary<string, string>())
        {
            TableTimeout = Settings.StateTimeout,
        };
    }

    private readonly DynamoNoSqlStorage _noSql;
    public INoSqlStorage? NoSql => _noSql;

    public AwsSettings Settings { get; }
    public string ResourceId { get; }
    public PlatformDescriptor Descriptor => AwsPlatformFactory.Aws;
    public string Region => Settings.Region;
    public IPackageLayout PackageLayout { get; }
    public SebsFunction RestoreFunction(JsonObject cached) => SebsFunction.Restore<AwsFunction>(cached, Descriptor.Name);

    /// <summary>SeBS's initialize: the execution role (found or created once, cached per account).</summary>
    public async Task InitializeAsync(CancellationToken ct) => await RoleArnAsync(ct).ConfigureAwait(false);
    public IObjectStorage Storage => _storage;
    public IMetricsSource? Metrics { get; }
    private string Architecture => _context.Config.Architecture;
    private string DeploymentBucket => $"sebs-deployment-{ResourceId}";

    public Task<IDependencyInstaller> DependencyInstallerAsync(string language, string languageVersion, CancellationToken ct) =>
        Task.FromResult<IDependencyInstaller>(new LambdaDependencyInstaller(Architecture, _context.Log));

    /// <summary>SeBS: sebs-{rid}-{NNN}-{language}-{version}-{arch} with '-' and '.' made '_' (sebs_ab12cd34_110_python_3_11_x64).</summary>
    public string DefaultFunctionName(Benchmark benchmark, string language, string languageVersion) =>
        $"sebs-{ResourceId}-{benchmark.Name.Split('.')[0]}-{language}-{languageVersion}-{Architecture}".Replace('-', '_').Replace('.', '_');

    /// <summary>SeBS §4.4: NOSQL_STORAGE_TABLE_&lt;table&gt; for a benchmark's tables; storage needs nothing (the role grants it).</summary>
    public IReadOnlyDictionary<string, string> FunctionEnvironment(Benchmark benchmark) =>
        benchmark.UsesModule("nosql") ? _noSql.EnvironmentFor(benchmark) : new Dictionary<string, string>();

    public async Task<SebsFunction> CreateFunctionAsync(string name, CodePackage package, FunctionConfig config,
        IReadOnlyDictionary<string, string> environment, CancellationToken ct)
    {
        var function = new AwsFunction
        {
            Name = name, Benchmark = package.Benchmark, Platform = Descriptor.Name, Region = Region, Config = config, CodeHash = package.Hash,
            Triggers = new List<TriggerType> { TriggerType.Library },
        };
        if (await _lambda.GetConfigurationAsync(name, ct).ConfigureAwait(false) is { } existing)
        {
            // SeBS: a function of that name exists (created outside this cache): adopt it and bring it up to date.
            _context.Log.Verbose($"Lambda function {name} exists; updating its code and configuration.");
            Describe(function, existing);
            // The configuration update that follows carries the environment, so the code update needs none.
            await UpdateCodeAsync(function, package, new Dictionary<string, string>(), ct).ConfigureAwait(false);
            await UpdateConfigurationAsync(function, config, environment, ct).ConfigureAwait(false);
        }
        else
        {
            var role = await RoleArnAsync(ct).ConfigureAwait(false);
            var code = await CodeAsync(package, ct).ConfigureAwait(false);
            var created = await _lambda.CreateAsync(new LambdaFunctionSpec(name, LambdaClient.RuntimeName(config.Language, config.LanguageVersion), role,
                "handler.handler", config.MemoryMB, config.TimeoutSeconds, config.Architecture, environment, code), ct).ConfigureAwait(false);
            Describe(function, created);
            await _lambda.WaitActiveAsync(name, ct).ConfigureAwait(false);
        }
        await AttachUrlAsync(function, ct).ConfigureAwait(false);
        return function;
    }

    public async Task<bool> ReattachAsync(SebsFunction function, CancellationToken ct)
    {
        if (await _lambda.GetConfigurationAsync(function.Name, ct).ConfigureAwait(false) is not { } config) return false;
        Describe(function, config);
        if (function.Url is null) await AttachUrlAsync(function, ct).ConfigureAwait(false);
        return true;
    }

    public async Task UpdateCodeAsync(SebsFunction function, CodePackage package, IReadOnlyDictionary<string, string> environment, CancellationToken ct)
    {
        var code = await CodeAsync(package, ct).ConfigureAwait(false);
        await _lambda.UpdateCodeAsync(function.Name, code, function.Config.Architecture, ct).ConfigureAwait(false);
        // SeBS updates the configuration after the code, so the environment follows the new code.
        if (environment.Count > 0)
            await _lambda.UpdateConfigurationAsync(function.Name, null, null, environment, ct).ConfigureAwait(false);
        function.CodeHash = package.Hash;
    }

    public async Task UpdateConfigurationAsync(SebsFunction function, FunctionConfig config, IReadOnlyDictionary<string, string> environment, CancellationToken ct)
    {
        await _lambda.UpdateConfigurationAsync(function.Name, config.MemoryMB, config.TimeoutSeconds, environment, ct).ConfigureAwait(false);
        function.Config = config;
    }

    /// <summary>A failed invocation leaves a Lambda function usable; nothing to restart.</summary>
    public Task RecoverAsync(SebsFunction function, ExecutionResult failed, CancellationToken ct) => Task.CompletedTask;

    public async Task DeleteFunctionAsync(SebsFunction function, CancellationToken ct)
    {
        await _lambda.DeleteAsync(function.Name, ct).ConfigureAwait(false);
        _context.Cache.RemoveFunction(function.Benchmark, Descriptor.Name, function.Language, function.Name);
    }

    /// <summary>SeBS: a new value of the ForceColdStart variable makes Lambda start new sandboxes for the next calls.</summary>
    public async Task EnforceColdStartAsync(IReadOnlyList<SebsFunction> functions, CancellationToken ct)
    {
        var value = Interlocked.Increment(ref _coldStartCounter).ToString(System.Globalization.CultureInfo.InvariantCulture);
        await Task.WhenAll(functions.Select(f => _lambda.UpdateConfigurationAsync(f.Name, null, null,
            new Dictionary<string, string> { ["ForceColdStart"] = value }, ct))).ConfigureAwait(false);
    }

    public IFunctionTrigger GetTrigger(SebsFunction function, TriggerType type) => type switch
    {
        TriggerType.Library => new LambdaLibraryTrigger(_lambda, function),
        // One HTTP trigger per URL and timeout, so its connections are reused across runs of this session.
        TriggerType.Http when function.Url is { } url => _urlTriggers.GetOrAdd($"{url}|{function.TimeoutSeconds}|{function.MemoryMB}", _ => new Lazy<LambdaUrlTrigger>(() => new LambdaUrlTrigger(url, function))).Value,
        TriggerType.Http => throw new SebsException(SebsErrorIds.PlatformNotSupported, SebsErrorKind.InvalidOperation,
            $"{function.Name} has no Function URL (deployment.aws.resources.use-function-url is false); use -Trigger Library.", target: function.Name),
        _ => throw new SebsException(SebsErrorIds.PlatformNotSupported, SebsErrorKind.InvalidArgument,
            $"AWS functions have Library and Http triggers, not {type}.", target: function.Name),
    };

    /// <summary>The functions this cache deployed (with their log groups); the remaining kinds come with the clean-up work on AWS.</summary>
    public async IAsyncEnumerable<PlatformResource> ListResourcesAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        foreach (var benchmark in _context.Cache.Benchmarks())
            foreach (var json in _context.Cache.GetFunctions(benchmark, Descriptor.Name))
            {
                var f = (AwsFunction)RestoreFunction(json);
                if (await _lambda.GetConfigurationAsync(f.Name, ct).ConfigureAwait(false) is null) continue;
                yield return new PlatformResource(Descriptor.Name, "function", f.Name, $"{benchmark}/{f.Language}/{f.Name}", Region, f.Arn);
            }
    }

    public async Task DeleteResourceAsync(PlatformResource resource, CancellationToken ct)
    {
        var parts = resource.Id.Split('/', 3);
        if (resource.Kind == "function" && parts.Length == 3 && _context.Cache.GetFunction(parts[0], Descriptor.Name, parts[1], parts[2]) is { } json)
            await DeleteFunctionAsync(RestoreFunction(json), ct).ConfigureAwait(false);
        else if (resource.Kind == "function")
            await _lambda.DeleteAsync(resource.Name, ct).ConfigureAwait(false);
        else
            throw new SebsException(SebsErrorIds.PlatformNotSupported, SebsErrorKind.InvalidArgument, $"AWS has no resources of kind {resource.Kind} here.", target: resource.Name);
    }

    private async Task AttachUrlAsync(SebsFunction function, CancellationToken ct)
    {
        if (!Settings.UseFunctionUrl) return;
        function.Url = await _lambda.EnsureFunctionUrlAsync(function.Name, ct).ConfigureAwait(false);
        ((AwsFunction)function).FunctionUrl = function.Url;
        if (!function.Triggers.Contains(TriggerType.Http)) function.Triggers.Add(TriggerType.Http);
    }

    private static void Describe(SebsFunction function, JsonObject configuration)
    {
        var aws = (AwsFunction)function;
        aws.Arn = configuration["FunctionArn"]?.GetValue<string>();
        aws.Runtime = configuration["Runtime"]?.GetValue<string>();
        aws.Role = configuration["Role"]?.GetValue<string>();
    }

    private async Task<string> RoleArnAsync(CancellationToken ct)
    {
        if (_roleArn is not null) return _roleArn;
        await _roleGate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (_roleArn is not null) return _roleArn;
            var cached = _context.Cache.GetPlatformResources(Descriptor.Name)["lambda-role"]?.GetValue<string>();
            _roleArn = cached is { Length: > 0 } ? cached : await _iam.EnsureRoleAsync(Settings.RoleName, ct).ConfigureAwait(false);
            var arn = _roleArn;
            _context.Cache.UpdatePlatformResources(Descriptor.Name, r => r["lambda-role"] = arn);
            return _roleArn;
        }
        finally { _roleGate.Release(); }
    }

    /// <summary>The package zipped; inline below Lambda's limit, else uploaded to the deployment bucket (SeBS: {benchmark}/{arch}/{zip}).</summary>
    private async Task<LambdaCode> CodeAsync(CodePackage package, CancellationToken ct)
    {
        var zip = Zip(package.Path);
        if (Settings.FitsInline(zip.LongLength)) return new LambdaCode(zip);
        var key = $"{package.Benchmark}/{package.Architecture}/{package.Hash}.zip";
        _context.Log.Verbose($"Code package of {zip.LongLength / 1048576.0:0.#} MiB goes through s3://{DeploymentBucket}/{key}.");
        await _storage.EnsureBucketAsync(DeploymentBucket, ct).ConfigureAwait(false);
        await _storage.UploadBytesAsync(DeploymentBucket, key, zip, ct).ConfigureAwait(false);
        return new LambdaCode(null, DeploymentBucket, key);
    }

    /// <summary>The package folder as a zip, in a fixed order (file modes kept, so Lambda can read every file).</summary>
    internal static byte[] Zip(string folder)
    {
        using var buffer = new MemoryStream();
        using (var archive = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var file in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).OrderBy(f => f, StringComparer.Ordinal))
            {
                var entry = archive.CreateEntryFromFile(file, Path.GetRelativePath(folder, file).Replace('\\', '/'), CompressionLevel.Optimal);
                // Readable by the Lambda runtime user whatever the cache's owner-only modes are; executables stay executable,
                // also where the file system keeps no modes (Windows): binaries and scripts are recognised by their first bytes.
                var mode = OperatingSystem.IsWindows() ? 0b110_100_100 : (int)File.GetUnixFileMode(file);
                mode |= 0b100_100_100;
                if ((mode & 0b001_000_000) != 0 || LooksExecutable(file)) mode |= 0b001_001_001;
                entry.ExternalAttributes = (0x8000 | mode) << 16;
            }
        }
        return buffer.ToArray();
    }

    /// <summary>An ELF binary or a script with a #! line.</summary>
    private static bool LooksExecutable(string file)
    {
        Span<byte> head = stackalloc byte[4];
        using var stream = File.OpenRead(file);
        var n = stream.Read(head);
        return n >= 4 && head[0] == 0x7F && head[1] == (byte)'E' && head[2] == (byte)'L' && head[3] == (byte)'F'
            || n >= 2 && head[0] == (byte)'#' && head[1] == (byte)'!';
    }

    public ValueTask DisposeAsync()
    {
        _api.Dispose();
        _storage.Dispose();
        _noSql.Dispose();
        foreach (var t in _urlTriggers.Values.Where(t => t.IsValueCreated)) t.Value.Dispose();
        _roleGate.Dispose();
        return ValueTask.CompletedTask;
    }
}

/// <summary>SeBS's library trigger: a synchronous Invoke whose log tail carries the REPORT line (provider times, memory, billing).</summary>
internal sealed class LambdaLibraryTrigger(LambdaClient lambda, SebsFunction function) : IFunctionTrigger
{
    public TriggerType Type => TriggerType.Library;

    public async Task<ExecutionResult> InvokeAsync(JsonObject payload, CancellationToken ct)
    {
        var result = new ExecutionResult { Trigger = "library" };
        result.Billing.MemoryMB = function.MemoryMB;
        result.Times.ClientBegin = DateTime.Now;
        var sw = Stopwatch.StartNew();
        AwsResponse response;
        try
        {
            response = await lambda.InvokeAsync(function.Name, payload, TimeSpan.FromSeconds(function.TimeoutSeconds + 30), ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            Finish(result, sw);
            result.TimedOut = true;
            return Fail(result, $"Invoke did not answer within {function.TimeoutSeconds + 30} s.");
        }
        catch (SebsException ex)
        {
            Finish(result, sw);
            return Fail(result, ex.Message);
        }
        Finish(result, sw);
        if (response.Header("x-amz-log-result") is { Length: > 0 } tail)
        {
            var log = Encoding.UTF8.GetString(Convert.FromBase64String(tail));
            if (LambdaReport.ParseAll(log).LastOrDefault() is { } report)
            {
                report.ApplyTo(result);
                result.RequestId = report.RequestId;
            }
        }
        if (!response.Ok)
        {
            var (code, message) = AwsApiClient.ErrorOf(response);
            return Fail(result, $"Invoke failed: {code} (HTTP {(int)response.Status}): {message}");
        }
        JsonNode? body;
        try { body = JsonNode.Parse(response.Body); }
        catch (System.Text.Json.JsonException) { return Fail(result, $"The function's answer is not JSON: {Truncate(response.Body)}"); }
        if (response.Header("x-amz-function-error") is { } kind)
        {
            // An unhandled error or a timeout: Lambda answers {errorMessage, errorType, stackTrace}.
            if (body is JsonObject o && o["errorMessage"] is { } message)
            {
                result.TimedOut = message.ToString().Contains("timed out", StringComparison.OrdinalIgnoreCase);
                return Fail(result, $"{o["errorType"]?.ToString() ?? kind}: {message}");
            }
        }
        WrapperOutput.Apply(result, body);
        return result;
    }

    private static void Finish(ExecutionResult result, Stopwatch sw)
    {
        sw.Stop();
        result.Times.ClientEnd = result.Times.ClientBegin + sw.Elapsed;
        result.Times.ClientMicroseconds = sw.Elapsed.Ticks / 10;
    }

    private static ExecutionResult Fail(ExecutionResult result, string message)
    {
        result.Stats.Failure = true;
        result.ErrorMessage = message;
        return result;
    }

    private static string Truncate(string s) => s.Length > 300 ? s[..300] + "..." : s;
}

/// <summary>The HTTP trigger: a POST to the Function URL (provider times come later, from the logs).</summary>
internal sealed class LambdaUrlTrigger(string url, SebsFunction function) : IFunctionTrigger, IDisposable
{
    private readonly HttpTrigger _http = new(url, TimeSpan.FromSeconds(function.TimeoutSeconds + 30), () => new ExecutionResult());

    public TriggerType Type => TriggerType.Http;

    public async Task<ExecutionResult> InvokeAsync(JsonObject payload, CancellationToken ct)
    {
        var result = await _http.InvokeAsync(payload, ct).ConfigureAwait(false);
        result.Billing.MemoryMB = function.MemoryMB;
        return result;
    }

    public void Dispose() => _http.Dispose();
}

/// <summary>AWS Lambda's declaration: runtimes with their lifecycle dates, credentials, triggers.</summary>
public sealed class AwsPlatformFactory : IPlatformFactory
{
    internal static readonly PlatformDescriptor Aws = new()
    {
        Name = new PlatformName("Aws"),
        Aliases = new[] { "lambda", "aws-lambda" },
        Runtimes = new RuntimeTable("Aws", new Dictionary<string, RuntimeVersion[]>
        {
            ["python"] = new RuntimeVersion[] { new("3.11"), new("3.9"), new("3.10"), new("3.12"), new("3.13") },
            ["nodejs"] = new RuntimeVersion[] { new("20"), new("22"), new("24") },
        }, new[] { "x64", "arm64" }),
        DefaultRegion = "us-east-1",
        CredentialVariables = new[] { "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN" },
        Triggers = new[] { TriggerType.Library, TriggerType.Http },
    };

    public PlatformDescriptor Descriptor => Aws;
    public IPlatform Create(PlatformContext context) => new AwsPlatform(context);
    public SebsFunction RestoreFunction(JsonObject cached) => SebsFunction.Restore<AwsFunction>(cached, Aws.Name);
}
