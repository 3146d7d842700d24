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
using Sebs.Core.Http;
using Sebs.NoSql.DynamoDb;
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
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Lazy<FunctionUrlTrigger>> _urlTriggers = new();
    private string? _roleArn;
    // SeBS starts the counter at a random value so two sessions do not set the same ForceColdStart value.
    private readonly ColdStartCounter _coldStarts = new(Random.Shared.Next(100));

    public AwsPlatform(PlatformContext context, HttpMessageHandler? handler = null)
    {
        _context = context;
        Settings = AwsSettings.From(context.Config, context.Region);
        PackageLayout = new WrapperFolderLayout(Path.Combine(context.ModuleRoot, "benchmarks", "wrappers"), AwsPlatformFactory.Aws.Name);
        var credentials = AwsSettings.ResolveCredentials(context.Config,
            profile: context.Options.TryGetValue(AwsPlatformFactory.ProfileOption, out var p) ? p?.ToString() : null);
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
        _logs = new LogGroupsClient(_api);
        _httpApis = new HttpApiClient(_api, context.Log);
        _ecr = new EcrClient(_api);
        _images = new ContainerImageBuilder(_ecr, context.Log, Settings.ImageBases);
        _sts = new StsIdentity(Settings, credentials);
        Metrics = new CloudWatchLogsMetrics(_api);
        // DynamoDB tables (SeBS: PAY_PER_REQUEST, string HASH/RANGE keys) through AWSSDK.DynamoDBv2 with the session's
        // credentials; functions get only the table names: the execution role gives them access.
        _noSql = new DynamoDbNoSqlStorage(Settings.Endpoints.TryGetValue("dynamodb", out var dynamo) ? dynamo : null, Region, credentials,
            "dynamodb", ResourceId, new Dictionary<string, string>(), context.Cache, Descriptor.Name)
        {
            TableTimeout = Settings.StateTimeout,
        };
    }

    private readonly LogGroupsClient _logs;
    private readonly HttpApiClient _httpApis;
    private readonly EcrClient _ecr;
    private readonly ContainerImageBuilder _images;
    /// <summary>SeBS-style: one ECR repository per resource id, tagged per benchmark, language, version, architecture and code hash.</summary>
    internal string EcrRepositoryName => $"sebs-{ResourceId}".ToLowerInvariant();
    private readonly StsIdentity _sts;
    private readonly DynamoDbNoSqlStorage _noSql;
    public INoSqlStorage? NoSql => _noSql;

    public AwsSettings Settings { get; }
    public string ResourceId { get; }
    public PlatformDescriptor Descriptor => AwsPlatformFactory.Aws;
    public string Region => Settings.Region;
    public IPackageLayout PackageLayout { get; }
    public SebsFunction RestoreFunction(JsonObject cached) => SebsFunction.Restore<AwsFunction>(cached, Descriptor.Name);

    /// <summary>SeBS's initialize: the execution role (found or created once, cached per account).</summary>
    public async Task InitializeAsync(CancellationToken ct) => await RoleArnAsync(ct).ConfigureAwait(false);

    /// <summary>
    /// The account the credentials belong to (STS), checked once against the cache's: a role and functions cached for
    /// another account (other credentials, another profile) are not reused; the cache starts afresh for this one.
    /// </summary>
    private async Task EnsureSameAccountAsync(CancellationToken ct)
    {
        if (_accountChecked) return;
        var account = await _sts.AccountIdAsync(ct).ConfigureAwait(false);
        string? previous = null;
        _context.Cache.UpdatePlatformResources(Descriptor.Name, r =>
        {
            // Caches written before the account was recorded still name it in the role's ARN (arn:aws:iam::<account>:role/...).
            previous = r["account-id"]?.GetValue<string>() ?? (r["lambda-role"]?.GetValue<string>()?.Split(':') is { Length: > 4 } arn ? arn[4] : null);
            if (previous is { Length: > 0 } && previous != account) r.Remove("lambda-role");
            r["account-id"] = account;
            return 0;
        });
        if (previous is { Length: > 0 } && previous != account)
        {
            _context.Log.Warning($"The cache describes AWS account {previous}, these credentials belong to {account}: its role and functions are not reused.");
            foreach (var benchmark in _context.Cache.Benchmarks())
                foreach (var json in _context.Cache.GetFunctions(benchmark, Descriptor.Name))
                {
                    var f = RestoreFunction(json);
                    _context.Cache.RemoveFunction(f.Benchmark, Descriptor.Name, f.Language, f.Name);
                }
        }
        AccountId = account;
        _accountChecked = true;
    }

    private bool _accountChecked;
    /// <summary>The account of the credentials, once checked.</summary>
    public string? AccountId { get; private set; }
    public IObjectStorage Storage => _storage;
    public IMetricsSource? Metrics { get; }
    private string Architecture => _context.Config.Architecture;
    /// <summary>The PackageType option: Zip (SeBS's default) or Image (a container image in ECR).</summary>
    private bool UseImage => _context.Options.TryGetValue(AwsPlatformFactory.PackageTypeOption, out var v)
        && string.Equals(v?.ToString(), "Image", StringComparison.OrdinalIgnoreCase);
    /// <summary>The InvocationType option: RequestResponse (measured, SeBS's sync invoke) or Event (SeBS's async_invoke).</summary>
    private bool Asynchronous => _context.Options.TryGetValue(AwsPlatformFactory.InvocationTypeOption, out var v)
        && string.Equals(v?.ToString(), "Event", StringComparison.OrdinalIgnoreCase);
    /// <summary>The HttpTrigger option: FunctionUrl (SeBS's default here) or HttpApi (API Gateway v2).</summary>
    private bool UseHttpApi => _context.Options.TryGetValue(AwsPlatformFactory.HttpTriggerOption, out var v)
        && string.Equals(v?.ToString(), "HttpApi", StringComparison.OrdinalIgnoreCase);
    /// <summary>The FunctionUrlAuth option: NONE (SeBS's public URL, the default) or AWS_IAM.</summary>
    private string UrlAuthType => _context.Options.TryGetValue(AwsPlatformFactory.FunctionUrlAuthOption, out var v)
        && string.Equals(v?.ToString(), "AWS_IAM", StringComparison.OrdinalIgnoreCase) ? "AWS_IAM" : "NONE";
    /// <summary>The LogFormat option (Text or JSON), null when not given.</summary>
    private string? LogFormat => _context.Options.TryGetValue(AwsPlatformFactory.LogFormatOption, out var v) && v?.ToString() is { Length: > 0 } f
        ? (string.Equals(f, "json", StringComparison.OrdinalIgnoreCase) ? "JSON" : "Text") : null;
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
            var code = await CodeAsync(package, config.Language, config.LanguageVersion, ct).ConfigureAwait(false);
            var created = await _lambda.CreateAsync(new LambdaFunctionSpec(name, LambdaClient.RuntimeName(config.Language, config.LanguageVersion), role,
                "handler.handler", config.MemoryMB, config.TimeoutSeconds, config.Architecture, environment, code) { LogFormat = LogFormat }, ct).ConfigureAwait(false);
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
        var aws = (AwsFunction)function;
        if (function.Url is null || UseHttpApi != (aws.HttpApiId is not null) || !UseHttpApi && aws.FunctionUrlAuth is { } auth && auth != UrlAuthType)
            await AttachUrlAsync(function, ct).ConfigureAwait(false);
        return true;
    }

    public async Task UpdateCodeAsync(SebsFunction function, CodePackage package, IReadOnlyDictionary<string, string> environment, CancellationToken ct)
    {
        var code = await CodeAsync(package, function.Language, function.Config.LanguageVersion, ct).ConfigureAwait(false);
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

    /// <summary>
    /// SeBS: a new value of the ForceColdStart variable makes Lambda start new sandboxes for the next calls. As in SeBS,
    /// each batch takes the next counter value, but never one the function has already: the value is worked out from
    /// the configuration read for the merge, above both the counter and the function's own.
    /// </summary>
    public async Task EnforceColdStartAsync(IReadOnlyList<SebsFunction> functions, CancellationToken ct)
    {
        var floor = _coldStarts.Last;
        await Task.WhenAll(functions.Select(f => _lambda.UpdateConfigurationAsync(f.Name, null, null, current =>
        {
            var value = _coldStarts.Next(floor, current.TryGetValue(ColdStartVariable, out var v) ? v : null);
            return new Dictionary<string, string> { [ColdStartVariable] = value.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        }, ct))).ConfigureAwait(false);
    }

    internal const string ColdStartVariable = "ForceColdStart";

    /// <summary>The session's counter: the last ForceColdStart value this session set (tests set it to the value a function has).</summary>
    internal int ColdStartCounter
    {
        get => _coldStarts.Last;
        set => _coldStarts.Last = value;
    }

    /// <summary>
    /// A public URL answers 403 until its resource-based permission has propagated (seconds to minutes after
    /// deployment): a failed sample that says why, not a measurement and not the end of the run.
    /// </summary>
    private static void ExplainUrlPermission(ExecutionResult result)
    {
        if (result.Failed && result.ErrorMessage?.StartsWith("HTTP 403", StringComparison.Ordinal) == true)
            result.ErrorMessage += " (the Function URL's public permission may still be propagating after deployment; later samples succeed once it has)";
    }

    public IFunctionTrigger GetTrigger(SebsFunction function, TriggerType type) => type switch
    {
        TriggerType.Library => new LambdaLibraryTrigger(_lambda, function, Asynchronous),
        // One HTTP trigger per URL and timeout, so its connections are reused across runs of this session.
        TriggerType.Http when function.Url is { } url => _urlTriggers.GetOrAdd($"{url}|{function.TimeoutSeconds}|{function.MemoryMB}|{((AwsFunction)function).FunctionUrlAuth}",
            _ => new Lazy<FunctionUrlTrigger>(() => new FunctionUrlTrigger(url, function, finish: ExplainUrlPermission,
                // AWS_IAM URLs take SigV4-signed invocations (service lambda), signed before the clock starts.
                authenticator: ((AwsFunction)function).FunctionUrlAuth == "AWS_IAM" ? new SigV4Authenticator(_api.Credentials, Region, "lambda") : null))).Value,
        TriggerType.Http => throw new SebsException(SebsErrorIds.PlatformNotSupported, SebsErrorKind.InvalidOperation,
            $"{function.Name} has no Function URL (deployment.aws.resources.use-function-url is false); use -Trigger Library.", target: function.Name),
        _ => throw new SebsException(SebsErrorIds.PlatformNotSupported, SebsErrorKind.InvalidArgument,
            $"AWS functions have Library and Http triggers, not {type}.", target: function.Name),
    };

    /// <summary>Everything Sebs created in this account and region for this resource id (see <see cref="AwsResources"/>).</summary>
    public IAsyncEnumerable<PlatformResource> ListResourcesAsync(CancellationToken ct) => Resources.ListAsync(ct);

    public Task DeleteResourceAsync(PlatformResource resource, CancellationToken ct) => Resources.DeleteAsync(resource, ct);

    private AwsResources Resources => new(this, _context, _lambda, _logs, _storage, _noSql, _iam, _httpApis, _ecr, DeploymentBucket);

    /// <summary>The role this platform creates (SeBS's sebs-lambda-role), for the clean-up.</summary>
    internal string RoleName => Settings.RoleName;

    private async Task AttachUrlAsync(SebsFunction function, CancellationToken ct)
    {
        var aws = (AwsFunction)function;
        if (UseHttpApi)
        {
            // The HTTP API's $default route proxies every method and path to the function (payload format 2.0).
            var httpApi = await _httpApis.EnsureAsync(function.Name, aws.Arn!, Settings.Partition.Name, ct).ConfigureAwait(false);
            function.Url = httpApi.Endpoint.TrimEnd('/') + "/";
            aws.HttpApiId = httpApi.ApiId;
            aws.FunctionUrl = null;
            aws.FunctionUrlAuth = null;
            if (!function.Triggers.Contains(TriggerType.Http)) function.Triggers.Add(TriggerType.Http);
            return;
        }
        aws.HttpApiId = null;
        if (!Settings.UseFunctionUrl) return;
        function.Url = await _lambda.EnsureFunctionUrlAsync(function.Name, ct, UrlAuthType).ConfigureAwait(false);
        ((AwsFunction)function).FunctionUrl = function.Url;
        ((AwsFunction)function).FunctionUrlAuth = UrlAuthType;
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
            await EnsureSameAccountAsync(ct).ConfigureAwait(false);
            var cached = _context.Cache.GetPlatformResources(Descriptor.Name)["lambda-role"]?.GetValue<string>();
            _roleArn = cached is { Length: > 0 } ? cached : await _iam.EnsureRoleAsync(Settings.RoleName, ct).ConfigureAwait(false);
            var arn = _roleArn;
            _context.Cache.UpdatePlatformResources(Descriptor.Name, r => r["lambda-role"] = arn);
            return _roleArn;
        }
        finally { _roleGate.Release(); }
    }

    /// <summary>The package zipped; inline below Lambda's limit, else uploaded to the deployment bucket (SeBS: {benchmark}/{arch}/{zip}).</summary>
    private async Task<LambdaCode> CodeAsync(CodePackage package, string language, string version, CancellationToken ct)
    {
        if (UseImage)
            return new LambdaCode(null, ImageUri: await _images.BuildAndPushAsync(EcrRepositoryName, package, language, version, package.Architecture, ct).ConfigureAwait(false));
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
        _sts.Dispose();
        foreach (var t in _urlTriggers.Values.Where(t => t.IsValueCreated)) t.Value.Dispose();
        _roleGate.Dispose();
        return ValueTask.CompletedTask;
    }
}

/// <summary>SeBS's library trigger: a synchronous Invoke whose log tail carries the REPORT line (provider times, memory, billing).</summary>
internal sealed class LambdaLibraryTrigger(LambdaClient lambda, SebsFunction function, bool asynchronous = false) : IFunctionTrigger
{
    public TriggerType Type => TriggerType.Library;

    public async Task<ExecutionResult> InvokeAsync(JsonObject payload, CancellationToken ct)
    {
        var result = new ExecutionResult { Trigger = "library" };
        result.Billing.MemoryMB = function.MemoryMB;
        result.Times.ClientBegin = DateTime.Now;
        var sw = Stopwatch.StartNew();
        ControlPlaneResponse response;
        try
        {
            // A measurement: sent once (Retry: false), never retried by the pipeline.
            response = await lambda.InvokeAsync(function.Name, payload, TimeSpan.FromSeconds(function.TimeoutSeconds + 30), ct, asynchronous).ConfigureAwait(false);
        }
        catch (SebsException ex) when (ex.Kind == SebsErrorKind.OperationTimeout && !ct.IsCancellationRequested)
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
        if (asynchronous && response.Ok)
        {
            // SeBS's async_invoke: 202 Accepted and the request id; the function runs later, so there is no output here
            // and provider times come from its REPORT line in CloudWatch Logs (Get-SebsMetrics).
            result.RequestId = response.Header("x-amzn-requestid") ?? "";
            result.SetOutputJson(new JsonObject { ["async"] = true, ["request_id"] = result.RequestId });
            return result;
        }
        var log = response.Header("x-amz-log-result") is { Length: > 0 } tail ? Encoding.UTF8.GetString(Convert.FromBase64String(tail)) : "";
        if (LambdaReport.ParseAll(log).LastOrDefault() is { } report)
        {
            report.ApplyTo(result);
            result.RequestId = report.RequestId;
        }
        if (!response.Ok)
        {
            var (code, message) = AwsErrors.ErrorOf(response);
            // 429 TooManyRequestsException: the account's (or function's reserved) concurrency is used up. A failed
            // sample marked as throttled, not a measurement and not a crash of the run (seam rule for measured calls).
            result.Throttled = (int)response.Status == 429 || code == "TooManyRequestsException";
            return Fail(result, $"Invoke failed: {code} (HTTP {(int)response.Status}): {message}" +
                (result.Throttled ? (response.RetryAfter is { } wait ? $" (throttled; Lambda asks to wait {wait.TotalSeconds:0} s)" : " (throttled)") : ""));
        }
        JsonNode? body;
        try { body = JsonNode.Parse(response.Body); }
        catch (System.Text.Json.JsonException) { return Fail(result, $"The function's answer is not JSON: {Truncate(response.Body)}"); }
        if (response.Header("x-amz-function-error") is { } kind)
        {
            // An unhandled error or a timeout: Lambda answers {errorMessage, errorType, stackTrace}.
            if (body is JsonObject o && o["errorMessage"] is { } message)
            {
                result.TimedOut |= message.ToString().Contains("timed out", StringComparison.OrdinalIgnoreCase);
                // The function's own log lines of this invocation (the tail), so the failure explains itself.
                return Fail(result, $"{o["errorType"]?.ToString() ?? kind}: {message}" + FunctionLog(log));
            }
        }
        // The wrapper reports a benchmark's exception in its answer; the function's log lines explain the rest.
        if (!WrapperOutput.Apply(result, body) && result.ErrorMessage is not null) result.ErrorMessage += FunctionLog(log);
        return result;
    }

    /// <summary>The tail's lines that are the function's (not START/END/REPORT or platform records), last 20, for a failed invocation's message.</summary>
    internal static string FunctionLog(string tail)
    {
        var lines = tail.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Where(l => !l.StartsWith("START RequestId:", StringComparison.Ordinal) && !l.StartsWith("END RequestId:", StringComparison.Ordinal)
                && LambdaReport.Parse(l) is null && !l.Contains("\"type\":\"platform.", StringComparison.Ordinal))
            .TakeLast(20).ToList();
        return lines.Count == 0 ? "" : "\nFunction log:\n" + string.Join('\n', lines);
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

/// <summary>AWS Lambda's declaration: runtimes with their lifecycle dates, credentials, triggers.</summary>
public sealed class AwsPlatformFactory : IPlatformFactory
{
    internal static readonly PlatformDescriptor Aws = new()
    {
        Name = new PlatformName("Aws"),
        Aliases = new[] { "lambda", "aws-lambda" },
        // Lambda's runtime table (docs: lambda-runtimes, "Supported runtimes" / "Deprecated runtimes"), first = default.
        // After "Deprecation" Lambda no longer patches a runtime (a warning); after "Block function create" it refuses
        // new functions with it (an error).
        Runtimes = new RuntimeTable("Aws", new Dictionary<string, RuntimeVersion[]>
        {
            ["python"] = new RuntimeVersion[]
            {
                new("3.14", Deprecated: new DateOnly(2029, 6, 30), Note: "Amazon Linux 2023"),
                new("3.13", Deprecated: new DateOnly(2029, 6, 30), Note: "Amazon Linux 2023"),
                new("3.12", Deprecated: new DateOnly(2028, 10, 31), Note: "Amazon Linux 2023"),
                new("3.11", Deprecated: new DateOnly(2026, 6, 30), Blocked: new DateOnly(2026, 7, 31), Note: "Amazon Linux 2"),
                new("3.10", Deprecated: new DateOnly(2026, 6, 30), Blocked: new DateOnly(2026, 7, 31), Note: "Amazon Linux 2"),
                new("3.9", Deprecated: new DateOnly(2025, 12, 15), Blocked: new DateOnly(2026, 6, 1), Note: "Amazon Linux 2"),
            },
            ["nodejs"] = new RuntimeVersion[]
            {
                new("24", Deprecated: new DateOnly(2028, 4, 30), Note: "Amazon Linux 2023"),
                new("22", Deprecated: new DateOnly(2027, 4, 30), Note: "Amazon Linux 2023"),
                new("20", Deprecated: new DateOnly(2026, 4, 30), Blocked: new DateOnly(2026, 6, 1), Note: "Node.js 20 reached end of life in April 2026"),
            },
        }, new[] { "x64", "arm64" }),
        DefaultRegion = "us-east-1",
        CredentialVariables = new[] { "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN" },
        Triggers = new[] { TriggerType.Library, TriggerType.Http },
        Options = new[]
        {
            new PlatformOption(ProfileOption,
                "The profile of the shared AWS config/credentials files to use (SSO and assumed-role profiles work); default: $AWS_PROFILE, else default."),
            new PlatformOption(PackageTypeOption,
                "How code is deployed: Zip (inline or through S3, up to 250 MB unzipped) or Image (a container image built with docker and pushed to ECR, up to 10 GB).",
                new[] { "Zip", "Image" }, "Zip"),
            new PlatformOption(InvocationTypeOption,
                "The library trigger's Invoke: RequestResponse (synchronous, measured) or Event (asynchronous: accepted with a request id, provider times later from the logs).",
                new[] { "RequestResponse", "Event" }, "RequestResponse"),
            new PlatformOption(HttpTriggerOption,
                "What serves the HTTP trigger: a Lambda Function URL, or an API Gateway v2 HTTP API (SeBS's original HTTP trigger on AWS).",
                new[] { "FunctionUrl", "HttpApi" }, "FunctionUrl"),
            new PlatformOption(FunctionUrlAuthOption,
                "The Function URL's AuthType: NONE (public, SeBS's choice) or AWS_IAM (the HTTP trigger signs each invocation with SigV4).",
                new[] { "NONE", "AWS_IAM" }, "NONE"),
            new PlatformOption(LogFormatOption,
                "Lambda's log format of new functions (LoggingConfig.LogFormat): Text (REPORT lines) or JSON (platform.report records).",
                new[] { "Text", "JSON" }, "Text"),
            new PlatformOption(AwsResources.RemoveRoleOption,
                "Remove-SebsResource also deletes the execution role (sebs-lambda-role), which other resource ids of the account may share.",
                new[] { "true", "false" }, "false"),
        },
    };

    public const string LogFormatOption = "LogFormat";
    public const string FunctionUrlAuthOption = "FunctionUrlAuth";
    public const string HttpTriggerOption = "HttpTrigger";
    public const string InvocationTypeOption = "InvocationType";
    public const string PackageTypeOption = "PackageType";
    public const string ProfileOption = "Profile";
    public PlatformDescriptor Descriptor => Aws;
    public IPlatform Create(PlatformContext context) => new AwsPlatform(context);
    public SebsFunction RestoreFunction(JsonObject cached) => SebsFunction.Restore<AwsFunction>(cached, Aws.Name);
}
