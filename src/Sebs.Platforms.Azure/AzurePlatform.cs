using System.IO.Compression;
using System.Text.Json.Nodes;
using Azure.Storage.Sas;
using Sebs.Core;
using Sebs.Core.Benchmarks;
using Sebs.Core.Http;
using Sebs.Core.Invocation;
using Sebs.Core.NoSql;
using Sebs.Core.Packaging;
using Sebs.Core.Platforms;
using Sebs.Core.Results;

namespace Sebs.Platforms.Azure;

/// <summary>
/// Azure Functions (SeBS §6.4, Azure column) over the APIs instead of the az CLI: one resource group, storage account
/// and Application Insights component per resources id; one function app (plan + site) per function, on Flex
/// Consumption by default or classic Linux Consumption (Y1); code through One Deploy (Flex) or a package URL (Y1);
/// anonymous HTTP triggers; cold starts by an app-setting change; provider times from Application Insights.
/// </summary>
public sealed class AzurePlatform : IPlatform, INoSqlPlatform
{
    private readonly PlatformContext _context;
    private readonly ArmClient _arm;
    private readonly ScmClient _scm;
    private readonly AzureResources _resources;
    private readonly BlobObjectStorage _storage;
    private readonly AppInsightsMetrics _metrics;
    private readonly SemaphoreSlim _initGate = new(1, 1);
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Lazy<FunctionUrlTrigger>> _triggers = new();
    private bool _initialized;
    private string? _connectionString;
    private InsightsComponent? _insights;

    public AzurePlatform(PlatformContext context, HttpMessageHandler? handler = null)
    {
        _context = context;
        Settings = AzureSettings.From(context.Config, context.Options, context.Region);
        // Both checks come before any network call (the issue's "one clear error").
        var credential = AzureCredentials.Resolve(context.Config, Settings);
        Settings.RequireSubscription();
        var tokens = new AzureTokens(credential);
        if (Settings.Plan == AzureHostingPlan.Consumption)
            context.Log.Warning("Linux Consumption (Y1) retires on 30 Sep 2028 and gets no new language versions; Flex Consumption is the default for new measurements.");
        PackageLayout = new AzurePackageLayout(Path.Combine(context.ModuleRoot, "benchmarks", "wrappers"));
        _arm = new ArmClient(Settings, tokens, context.Log, handler);
        _scm = new ScmClient(Settings, tokens, context.Log, handler);
        _resources = new AzureResources(_arm, Settings);
        ResourceId = Settings.ResourcesId ?? context.Cache.UpdatePlatformResources(Descriptor.Name, r =>
        {
            if (r["resources_id"]?.GetValue<string>() is { Length: > 0 } id) return id;
            var fresh = Guid.NewGuid().ToString("N")[..8];
            r["resources_id"] = fresh;
            return fresh;
        });
        ResourceGroup = Settings.ResourceGroup ?? $"sebs-resource-group-{ResourceId}";
        StorageAccount = StorageAccountName(ResourceId);
        _storage = new BlobObjectStorage(ConnectionStringAsync, $"sebs-benchmarks-{ResourceId}".ToLowerInvariant());
        _cosmos = new CosmosNoSqlStorage(_arm, _resources, Settings, ResourceId, ResourceGroup, InitializeAsync, context.Cache, Descriptor.Name, context.Log, handler);
        // The component's appId as recorded by this cache (metrics need no resource created), else as ARM has it now.
        _metrics = new AppInsightsMetrics(Settings, tokens, async ct =>
            context.Cache.GetPlatformResources(Descriptor.Name)["insights_app_id"]?.GetValue<string>() is { Length: > 0 } cached
                ? cached : (await InsightsAsync(ct).ConfigureAwait(false)).AppId, context.Log, handler);
    }

    private readonly CosmosNoSqlStorage _cosmos;
    public INoSqlStorage? NoSql => _cosmos;

    public AzureSettings Settings { get; }
    public string ResourceId { get; }
    public string ResourceGroup { get; }
    public string StorageAccount { get; }
    public PlatformDescriptor Descriptor => AzurePlatformFactory.Azure;
    public string Region => Settings.Region;
    public IPackageLayout PackageLayout { get; }
    public IObjectStorage Storage => _storage;
    public IMetricsSource? Metrics => _metrics;
    public SebsFunction RestoreFunction(JsonObject cached) => SebsFunction.Restore<AzureFunction>(cached, Descriptor.Name);

    /// <summary>Storage account names are 3-24 lowercase letters and digits, unique in Azure.</summary>
    internal static string StorageAccountName(string resourceId)
    {
        var name = "sebs" + new string(resourceId.ToLowerInvariant().Where(char.IsAsciiLetterOrDigit).ToArray());
        return name.Length > 24 ? name[..24] : name;
    }

    /// <summary>SeBS's initialize: resource group, storage account and Application Insights, once per session, ids cached.</summary>
    public async Task InitializeAsync(CancellationToken ct)
    {
        if (_initialized) return;
        await _initGate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (_initialized) return;
            _context.Log.Verbose($"Azure: resource group {ResourceGroup}, storage account {StorageAccount} in {Region}.");
            await _resources.EnsureResourceGroupAsync(ResourceGroup, ct).ConfigureAwait(false);
            await _resources.EnsureStorageAccountAsync(ResourceGroup, StorageAccount, ct).ConfigureAwait(false);
            _insights = await _resources.EnsureInsightsAsync(ResourceGroup, $"sebs-logs-{ResourceId}", $"sebs-insights-{ResourceId}", ct).ConfigureAwait(false);
            var (group, account, appId) = (ResourceGroup, StorageAccount, _insights.AppId);
            // Names and ids only: keys and connection strings are fetched again each session, never written to the cache.
            _context.Cache.UpdatePlatformResources(Descriptor.Name, r =>
            {
                r["resource_group"] = group;
                r["storage_account"] = account;
                r["insights_app_id"] = appId;
                r["subscription_id"] = Settings.SubscriptionId;
                return true;
            });
            _initialized = true;
        }
        finally { _initGate.Release(); }
    }

    private async Task<InsightsComponent> InsightsAsync(CancellationToken ct)
    {
        if (_insights is null) await InitializeAsync(ct).ConfigureAwait(false);
        return _insights!;
    }

    private async Task<string> ConnectionStringAsync(CancellationToken ct)
    {
        if (_connectionString is not null) return _connectionString;
        await InitializeAsync(ct).ConfigureAwait(false);
        var key = await _resources.StorageKeyAsync(ResourceGroup, StorageAccount, ct).ConfigureAwait(false);
        return _connectionString = Settings.ConnectionString(StorageAccount, key);
    }

    public Task<IDependencyInstaller> DependencyInstallerAsync(string language, string languageVersion, CancellationToken ct) =>
        Task.FromResult<IDependencyInstaller>(new AzureDependencyInstaller(Settings.DependencyInstaller, _context.Log));

    /// <summary>SeBS: sebs-{rid}-{NNN}-{language}-{version}, dots as dashes (app names are DNS labels).</summary>
    public string DefaultFunctionName(Benchmark benchmark, string language, string languageVersion) =>
        $"sebs-{ResourceId}-{benchmark.Name.Split('.')[0]}-{language}-{languageVersion}".Replace('.', '-').Replace('_', '-').ToLowerInvariant();

    /// <summary>Storage reaches functions through STORAGE_CONNECTION_STRING, set on every app at creation (SeBS §4.4).</summary>
    /// <remarks>Also notes the benchmark's own memory size, which <see cref="FlexMemory"/> tells apart from a -Memory value.</remarks>
    public IReadOnlyDictionary<string, string> FunctionEnvironment(Benchmark benchmark)
    {
        _benchmarkMemory[benchmark.Name] = benchmark.MemoryMB;
        return benchmark.UsesModule("nosql") ? _cosmos.EnvironmentFor(benchmark) : new Dictionary<string, string>();
    }

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> _benchmarkMemory = new();

    /// <summary>
    /// Flex Consumption's instance size for a function's memory: 512, 2048 or 4096 MB as asked with -Memory; a benchmark's
    /// own default (SeBS's 128/256 MB, sized for Lambda) gets Flex's default 2048 MB; any other value is an error naming them.
    /// </summary>
    private int FlexMemory(string benchmark, int requested)
    {
        if (AzureSettings.FlexMemorySizes.Contains(requested)) return requested;
        if (_benchmarkMemory.TryGetValue(benchmark, out var own) && own == requested)
        {
            _context.Log.Verbose($"{benchmark} asks for {requested} MB, which Flex Consumption does not offer: its instances get 2048 MB (use -Memory 512, 2048 or 4096 to choose).");
            return 2048;
        }
        throw new SebsException(SebsErrorIds.PlatformNotSupported, SebsErrorKind.InvalidArgument,
            $"Azure Flex Consumption instances have 512, 2048 or 4096 MB, not {requested} MB: use -Memory 512, 2048 or 4096 " +
            "(or -PlatformOption @{ HostingPlan = 'Consumption' } for classic Linux Consumption's fixed 1.5 GB).", target: requested);
    }

    public async Task<SebsFunction> CreateFunctionAsync(string name, CodePackage package, FunctionConfig config,
        IReadOnlyDictionary<string, string> environment, CancellationToken ct)
    {
        var memory = Settings.Plan == AzureHostingPlan.Flex ? FlexMemory(package.Benchmark, config.MemoryMB) : 1536;
        await InitializeAsync(ct).ConfigureAwait(false);
        var function = new AzureFunction
        {
            Name = name, Benchmark = package.Benchmark, Platform = Descriptor.Name, Region = Region, Config = config, CodeHash = package.Hash,
            Triggers = new List<TriggerType> { TriggerType.Http },
            SiteId = _resources.SiteId(ResourceGroup, name), PlanId = _resources.PlanId(ResourceGroup, name + "-plan"),
            Plan = Settings.Plan, ResourceGroup = ResourceGroup, InstanceMemoryMB = memory, StorageAccount = StorageAccount, InsightsAppId = _insights!.AppId,
        };
        if (await _resources.GetSiteAsync(function.SiteId, ct).ConfigureAwait(false) is { } existing)
        {
            // SeBS: an app of that name exists (created outside this cache): adopt it and bring it up to date.
            _context.Log.Verbose($"Function app {name} exists; updating its code and settings.");
            if (existing["properties"]?["serverFarmId"]?.GetValue<string>() is { } farm) function.PlanId = farm;
            function.ScmHost = RepositoryHost(existing);
            function.Plan = existing["properties"]?["functionAppConfig"] is JsonObject ? AzureHostingPlan.Flex : AzureHostingPlan.Consumption;
            await UpdateConfigurationAsync(function, config, environment, ct).ConfigureAwait(false);
            await UpdateCodeAsync(function, package, new Dictionary<string, string>(), ct).ConfigureAwait(false);
            return function;
        }
        var connection = await ConnectionStringAsync(ct).ConfigureAwait(false);
        await _resources.EnsurePlanAsync(ResourceGroup, name + "-plan", Settings.Plan, ct).ConfigureAwait(false);
        var container = DeploymentContainer(name);
        await _storage.EnsureBucketAsync(container, ct).ConfigureAwait(false);
        var settings = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["AzureWebJobsStorage"] = connection,
            ["APPLICATIONINSIGHTS_CONNECTION_STRING"] = _insights.ConnectionString,
            ["STORAGE_CONNECTION_STRING"] = connection,
        };
        if (Settings.Plan == AzureHostingPlan.Flex) settings[AzureResources.DeploymentStorageSetting] = connection;
        else
        {
            // Facts A2 (the Linux Consumption quickstart's settings); the package URL follows with the code.
            settings["FUNCTIONS_EXTENSION_VERSION"] = "~4";
            settings["FUNCTIONS_WORKER_RUNTIME"] = AzureResources.RuntimeName(config.Language);
            settings["WEBSITE_CONTENTAZUREFILECONNECTIONSTRING"] = connection;
            settings["WEBSITE_CONTENTSHARE"] = name;
        }
        foreach (var (k, v) in await WithNoSqlAsync(environment, ct).ConfigureAwait(false)) settings[k] = v;
        _context.Log.Verbose($"Creating function app {name} ({(Settings.Plan == AzureHostingPlan.Flex ? $"Flex Consumption, {memory} MB" : "Linux Consumption Y1")}, {config.Language} {config.LanguageVersion}).");
        var site = await _resources.CreateSiteAsync(new SiteSpec(function.SiteId, function.PlanId, Settings.Plan, config.Language, config.LanguageVersion, memory,
            BlobContainerUrl(container), settings), ct).ConfigureAwait(false);
        function.ScmHost = RepositoryHost(site);
        await DeployAsync(function, package.Path, ct).ConfigureAwait(false);
        return function;
    }

    /// <summary>A benchmark with NoSQL tables also gets the Cosmos DB account's URL, key and database (SeBS §4.4).</summary>
    private async Task<IReadOnlyDictionary<string, string>> WithNoSqlAsync(IReadOnlyDictionary<string, string> environment, CancellationToken ct)
    {
        if (!environment.Keys.Any(k => k.StartsWith("NOSQL_STORAGE_TABLE_", StringComparison.Ordinal))) return environment;
        var merged = new Dictionary<string, string>(environment);
        foreach (var (k, v) in await _cosmos.AccountEnvironmentAsync(ct).ConfigureAwait(false)) merged[k] = v;
        return merged;
    }

    private string BlobContainerUrl(string container) => new Uri(Settings.Blob(StorageAccount), container).ToString();

    /// <summary>The site's SCM host name (hostNameSslStates, hostType Repository), e.g. app.scm.azurewebsites.net.</summary>
    internal static string? RepositoryHost(JsonObject site) =>
        (site["properties"]?["hostNameSslStates"] as JsonArray)?.OfType<JsonObject>()
            .FirstOrDefault(h => h["hostType"]?.GetValue<string>() == "Repository")?["name"]?.GetValue<string>();

    /// <summary>The Flex deployment container of an app (container names: 3-63 lowercase letters, digits and dashes).</summary>
    private static string DeploymentContainer(string app)
    {
        var name = "app-package-" + app.ToLowerInvariant();
        return name.Length > 63 ? name[..63].TrimEnd('-') : name;
    }

    private const string PackagesContainer = "sebs-packages";

    /// <summary>Zips the package with a host.json for the function's timeout and deploys it the plan's way; then finds the URL.</summary>
    private async Task DeployAsync(AzureFunction function, string packagePath, CancellationToken ct)
    {
        var zip = Zip(packagePath, AzurePackageLayout.HostJson(function.TimeoutSeconds));
        if (function.Plan == AzureHostingPlan.Flex)
        {
            _context.Log.Verbose($"One Deploy of {zip.Length / 1024.0:0} KiB to {function.Name}.");
            await _scm.PublishAsync(function.Name, function.ScmHost, zip, ct).ConfigureAwait(false);
        }
        else
        {
            // Facts A2: Linux Consumption runs only from a package URL: upload, SAS, merge WEBSITE_RUN_FROM_PACKAGE, sync triggers.
            var key = $"{function.Name}/{Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(zip))[..16].ToLowerInvariant()}.zip";
            await _storage.EnsureBucketAsync(PackagesContainer, ct).ConfigureAwait(false);
            await _storage.UploadBytesAsync(PackagesContainer, key, zip, ct).ConfigureAwait(false);
            var blob = (await _storage.ClientAsync(ct).ConfigureAwait(false)).GetBlobContainerClient(PackagesContainer).GetBlobClient(key);
            var sas = blob.GenerateSasUri(BlobSasPermissions.Read, DateTimeOffset.UtcNow.AddYears(5));
            await _resources.MergeAppSettingsAsync(function.SiteId!, new Dictionary<string, string> { ["WEBSITE_RUN_FROM_PACKAGE"] = sas.ToString() }, ct).ConfigureAwait(false);
            await _resources.SyncTriggersAsync(function.SiteId!, ct).ConfigureAwait(false);
        }
        function.PackagePath = packagePath;
        function.Url = await _resources.InvokeUrlAsync(function.SiteId!, ct).ConfigureAwait(false);
    }

    public async Task<bool> ReattachAsync(SebsFunction function, CancellationToken ct)
    {
        var azure = (AzureFunction)function;
        azure.SiteId ??= _resources.SiteId(ResourceGroup, function.Name);
        if (await _resources.GetSiteAsync(azure.SiteId, ct).ConfigureAwait(false) is null) return false;
        if (function.Url is null) function.Url = await _resources.InvokeUrlAsync(azure.SiteId, ct).ConfigureAwait(false);
        return true;
    }

    public async Task UpdateCodeAsync(SebsFunction function, CodePackage package, IReadOnlyDictionary<string, string> environment, CancellationToken ct)
    {
        var azure = (AzureFunction)function;
        if (environment.Count > 0) await _resources.MergeAppSettingsAsync(azure.SiteId!, await WithNoSqlAsync(environment, ct).ConfigureAwait(false), ct).ConfigureAwait(false);
        await DeployAsync(azure, package.Path, ct).ConfigureAwait(false);
        function.CodeHash = package.Hash;
    }

    /// <summary>
    /// Environment merged into the app settings; memory on Flex through functionAppConfig (Y1 has a fixed size: a
    /// warning, as SeBS); a new timeout goes into host.json, so the last package is deployed again with it.
    /// </summary>
    public async Task UpdateConfigurationAsync(SebsFunction function, FunctionConfig config, IReadOnlyDictionary<string, string> environment, CancellationToken ct)
    {
        var azure = (AzureFunction)function;
        var old = function.Config;
        if (environment.Count > 0) await _resources.MergeAppSettingsAsync(azure.SiteId!, await WithNoSqlAsync(environment, ct).ConfigureAwait(false), ct).ConfigureAwait(false);
        if (azure.Plan == AzureHostingPlan.Flex)
        {
            var memory = FlexMemory(function.Benchmark, config.MemoryMB);
            if (memory != azure.InstanceMemoryMB) await _resources.SetFlexScaleAsync(azure.SiteId!, memory, ct).ConfigureAwait(false);
            azure.InstanceMemoryMB = memory;
        }
        else if (config.MemoryMB != old.MemoryMB)
            _context.Log.Warning($"Linux Consumption (Y1) instances have a fixed 1.5 GB: the memory of {function.Name} stays as it is ({config.MemoryMB} MB recorded).");
        function.Config = config;
        if (config.TimeoutSeconds != old.TimeoutSeconds && azure.PackagePath is { } path && Directory.Exists(path))
            await DeployAsync(azure, path, ct).ConfigureAwait(false);
        else if (config.TimeoutSeconds != old.TimeoutSeconds)
            _context.Log.Warning($"The timeout of {function.Name} lives in its host.json: it changes with the next code deployment.");
    }

    /// <summary>A failed invocation leaves an app usable; nothing to restart.</summary>
    public Task RecoverAsync(SebsFunction function, ExecutionResult failed, CancellationToken ct) => Task.CompletedTask;

    public async Task DeleteFunctionAsync(SebsFunction function, CancellationToken ct)
    {
        var azure = (AzureFunction)function;
        await _resources.DeleteSiteAsync(azure.SiteId ?? _resources.SiteId(ResourceGroup, function.Name), ct).ConfigureAwait(false);
        await _resources.DeletePlanAsync(azure.PlanId ?? _resources.PlanId(ResourceGroup, function.Name + "-plan"), ct).ConfigureAwait(false);
        await _storage.DeleteContainerAsync(DeploymentContainer(function.Name), ct).ConfigureAwait(false);
        _context.Cache.RemoveFunction(function.Benchmark, Descriptor.Name, function.Language, function.Name);
    }

    /// <summary>
    /// SeBS sets ForceColdStart=&lt;counter&gt; and sleeps 20 s ("FIXME: is this sufficient", facts A6). Here the setting
    /// change recycles the app and the host's status (admin API) is polled until a host process that started after the
    /// change answers: the next invocation then runs in a new instance (its wrapper reports is_cold).
    /// </summary>
    public async Task EnforceColdStartAsync(IReadOnlyList<SebsFunction> functions, CancellationToken ct)
    {
        await Task.WhenAll(functions.Cast<AzureFunction>().Select(async f =>
        {
            var masterKey = await _resources.MasterKeyAsync(f.SiteId!, ct).ConfigureAwait(false);
            var changedAt = DateTime.UtcNow;
            // The new value is worked out from the one the app has: only a changed setting recycles it.
            await _resources.MergeAppSettingsAsync(f.SiteId!, current =>
            {
                // The cached counter can be behind the app (it is saved at deployment, and other sessions change the app too).
                f.ColdStartCounter = ColdStartCounter.After(f.ColdStartCounter, current.TryGetValue(ColdStartSetting, out var live) ? live : null);
                return new Dictionary<string, string>
                {
                    [ColdStartSetting] = f.ColdStartCounter.ToString(System.Globalization.CultureInfo.InvariantCulture),
                };
            }, ct).ConfigureAwait(false);
            var host = HostUrl(f.Url!);
            await OperationPoller.PollAsync(async token =>
            {
                var status = await _scm.HostStatusAsync(host, masterKey, token).ConfigureAwait(false);
                if (status is null) return PollStep<bool>.Running("host not answering");
                var state = status["state"]?.GetValue<string>() ?? "";
                var uptime = status["processUptime"] is JsonValue u && u.TryGetValue<double>(out var ms) ? TimeSpan.FromMilliseconds(ms) : TimeSpan.MaxValue;
                return state == "Running" && uptime < DateTime.UtcNow - changedAt
                    ? PollStep<bool>.Finished(true, "restarted") : PollStep<bool>.Running($"{state}, up {uptime.TotalSeconds:0.#} s");
            }, new PollOptions(Settings.PollInterval, Settings.StateTimeout, $"restart of {f.Name}"), ct).ConfigureAwait(false);
        })).ConfigureAwait(false);
    }

    internal const string ColdStartSetting = "ForceColdStart";

    /// <summary>https://{app}.azurewebsites.net/ from https://{app}.azurewebsites.net/api/handler.</summary>
    internal static string HostUrl(string invokeUrl)
    {
        var i = invokeUrl.IndexOf("/api/", StringComparison.Ordinal);
        return i < 0 ? invokeUrl : invokeUrl[..(i + 1)];
    }

    public IFunctionTrigger GetTrigger(SebsFunction function, TriggerType type) => type switch
    {
        TriggerType.Http when function.Url is { } url => _triggers.GetOrAdd($"{url}|{function.TimeoutSeconds}|{function.MemoryMB}",
            // Flex bills its instance memory, which may differ from the benchmark's own size.
            _ => new Lazy<FunctionUrlTrigger>(() => new FunctionUrlTrigger(url, function,
                billedMemoryMB: function is AzureFunction { InstanceMemoryMB: > 0 } a ? a.InstanceMemoryMB : null))).Value,
        TriggerType.Http => throw new SebsException(SebsErrorIds.FunctionNotFound, SebsErrorKind.InvalidOperation,
            $"{function.Name} has no invoke URL yet; deploy it again.", target: function.Name),
        // SeBS §6.4: Azure has HTTP triggers only.
        _ => throw new SebsException(SebsErrorIds.PlatformNotSupported, SebsErrorKind.InvalidArgument,
            $"Azure functions have an Http trigger only, not {type}.", target: function.Name),
    };

    /// <summary>What Sebs created: function apps and their plans (from the cache), then the resource group with the rest.</summary>
    public async IAsyncEnumerable<PlatformResource> ListResourcesAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        foreach (var benchmark in _context.Cache.Benchmarks())
            foreach (var json in _context.Cache.GetFunctions(benchmark, Descriptor.Name))
            {
                var f = (AzureFunction)RestoreFunction(json);
                var siteId = f.SiteId ?? _resources.SiteId(ResourceGroup, f.Name);
                if (await _resources.GetSiteAsync(siteId, ct).ConfigureAwait(false) is null) continue;
                yield return new PlatformResource(Descriptor.Name, "function", f.Name, $"{benchmark}/{f.Language}/{f.Name}", Region, siteId);
            }
        if (await _arm.GetAsync(_resources.GroupId(ResourceGroup), AzureResources.ResourcesApi, "GET resource group", ct).ConfigureAwait(false) is not null)
            yield return new PlatformResource(Descriptor.Name, "resource-group", ResourceGroup, _resources.GroupId(ResourceGroup), Region,
                $"storage account {StorageAccount}, Cosmos DB account {_cosmos.AccountName} (if 130.crud-api ran), Application Insights sebs-insights-{ResourceId}, workspace sebs-logs-{ResourceId}") { Order = 100 };
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
                    await _resources.DeleteSiteAsync(resource.Detail ?? _resources.SiteId(ResourceGroup, resource.Name), ct).ConfigureAwait(false);
                break;
            case "resource-group":
                await _resources.DeleteResourceGroupAsync(resource.Name, ct).ConfigureAwait(false);
                _context.Cache.UpdatePlatformResources(Descriptor.Name, r =>
                {
                    r.Remove("resource_group");
                    r.Remove("storage_account");
                    r.Remove("insights_app_id");
                    return true;
                });
                _initialized = false;
                _connectionString = null;
                break;
            default:
                throw new SebsException(SebsErrorIds.PlatformNotSupported, SebsErrorKind.InvalidArgument, $"Azure has no resources of kind {resource.Kind} here.", target: resource.Name);
        }
    }

    /// <summary>The package folder as a zip with the deployment's host.json at the root, in a fixed order.</summary>
    internal static byte[] Zip(string folder, string hostJson)
    {
        using var buffer = new MemoryStream();
        using (var archive = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var file in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).OrderBy(f => f, StringComparer.Ordinal))
            {
                var rel = Path.GetRelativePath(folder, file).Replace('\\', '/');
                if (rel == "host.json") continue;
                var entry = archive.CreateEntryFromFile(file, rel, CompressionLevel.Optimal);
                var mode = OperatingSystem.IsWindows() ? 0b110_100_100 : (int)File.GetUnixFileMode(file) | 0b100_100_100;
                entry.ExternalAttributes = (0x8000 | mode) << 16;
            }
            var host = archive.CreateEntry("host.json");
            using var w = new StreamWriter(host.Open());
            w.Write(hostJson);
        }
        return buffer.ToArray();
    }

    public ValueTask DisposeAsync()
    {
        _arm.Dispose();
        _scm.Dispose();
        _metrics.Dispose();
        _cosmos.Dispose();
        foreach (var t in _triggers.Values.Where(t => t.IsValueCreated)) t.Value.Dispose();
        _initGate.Dispose();
        return ValueTask.CompletedTask;
    }
}

/// <summary>Azure Functions' declaration: runtimes of Flex Consumption, credentials, the hosting-plan options.</summary>
public sealed class AzurePlatformFactory : IPlatformFactory
{
    internal static readonly PlatformDescriptor Azure = new()
    {
        Name = new PlatformName("Azure"),
        Aliases = new[] { "azure-functions" },
        // Facts A1/R3: Flex Consumption runs Python 3.10-3.12 and Node 20/22 (Linux Consumption gets no new versions).
        Runtimes = new RuntimeTable("Azure", new Dictionary<string, RuntimeVersion[]>
        {
            ["python"] = new RuntimeVersion[] { new("3.11"), new("3.10"), new("3.12") },
            ["nodejs"] = new RuntimeVersion[] { new("20"), new("22") },
        }, new[] { "x64" }),
        DefaultRegion = "westeurope",
        CredentialVariables = AzureCredentials.Variables,
        Triggers = new[] { TriggerType.Http },
        Options = new[]
        {
            new PlatformOption("HostingPlan", "Flex (Flex Consumption FC1, default) or Consumption (classic Linux Consumption Y1, as SeBS).", new[] { "Flex", "Consumption" }, "Flex"),
            new PlatformOption("MaximumInstances", "Flex Consumption's maximum instance count (40-1000, default 100)."),
            new PlatformOption("Subscription", "The Azure subscription id (else deployment.azure.subscription_id or $AZURE_SUBSCRIPTION_ID)."),
        },
    };

    public PlatformDescriptor Descriptor => Azure;
    public IPlatform Create(PlatformContext context) => new AzurePlatform(context);
    public SebsFunction RestoreFunction(JsonObject cached) => SebsFunction.Restore<AzureFunction>(cached, Azure.Name);
}
