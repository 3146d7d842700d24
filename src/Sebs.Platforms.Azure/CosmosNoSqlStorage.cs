using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Sebs.Core;
using Sebs.Core.Caching;
using Sebs.Core.Diagnostics;
using Sebs.Core.Http;
using Sebs.Core.NoSql;
using Microsoft.Azure.Cosmos;
using Database = Microsoft.Azure.Cosmos.Database;
using Sebs.Core.Platforms;

namespace Sebs.Platforms.Azure;

/// <summary>
/// 130.crud-api's tables on Cosmos DB for NoSQL (SeBS §4.3/§6.4: a serverless account, containers per table). The
/// account is created through ARM when a benchmark first needs it; databases, containers and seed items go through
/// Microsoft.Azure.Cosmos in gateway mode with the account key (functions reach the same account through their own
/// shims, which speak the REST API with master-key authorization). Items: id = the secondary key's value,
/// partition key = the primary key (path /&lt;primary key&gt;), both key attributes kept, as SeBS stores them.
/// </summary>
/// <remarks>One database per resources id (sebs-benchmarks-&lt;rid&gt;) holds every benchmark's containers, since a
/// container's physical name already names its benchmark; SeBS used one database per benchmark.</remarks>
public sealed class CosmosNoSqlStorage : NoSqlStorageBase, IDisposable
{
    public const string ArmApi = "2024-11-15";
    private readonly ArmClient _arm;
    private readonly AzureResources _resources;
    private readonly AzureSettings _settings;
    private readonly Func<CancellationToken, Task> _initialize;
    private readonly string _group;
    private readonly ISebsLog _log;
    private readonly HttpMessageHandler? _handler;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private (string Endpoint, string Key)? _account;
    private CosmosClient? _client;

    public CosmosNoSqlStorage(ArmClient arm, AzureResources resources, AzureSettings settings, string resourceId, string group,
        Func<CancellationToken, Task> initialize, SebsCache cache, PlatformName platform, ISebsLog log, HttpMessageHandler? handler = null)
        : base(resourceId, cache, platform)
    {
        _arm = arm;
        _resources = resources;
        _settings = settings;
        _initialize = initialize;
        _group = group;
        _log = log;
        _handler = handler;
        AccountName = ("sebs-cosmos-" + resourceId.ToLowerInvariant()).Replace('_', '-');
        Database = $"sebs-benchmarks-{resourceId}";
    }

    public override string Type => "cosmosdb";
    public string AccountName { get; }
    public string Database { get; }
    private string AccountId => $"{_resources.GroupId(_group)}/providers/Microsoft.DocumentDB/databaseAccounts/{AccountName}";

    /// <summary>The URL and key go onto the app by the platform (they need ARM calls); the base adds the table names.</summary>
    protected override IReadOnlyDictionary<string, string> BackendEnvironment() => new Dictionary<string, string>();

    /// <summary>SeBS §4.4: NOSQL_STORAGE_URL, NOSQL_STORAGE_CREDS (the account key the function's shim signs with) and the database.</summary>
    public async Task<IReadOnlyDictionary<string, string>> AccountEnvironmentAsync(CancellationToken ct)
    {
        var (endpoint, key) = await AccountAsync(ct).ConfigureAwait(false);
        await EnsureDatabaseAsync(ct).ConfigureAwait(false);
        return new Dictionary<string, string> { ["NOSQL_STORAGE_URL"] = endpoint, ["NOSQL_STORAGE_CREDS"] = key, ["NOSQL_STORAGE_DATABASE"] = Database };
    }

    /// <summary>The serverless account (created once; creation is long-running) and its primary key.</summary>
    private async Task<(string Endpoint, string Key)> AccountAsync(CancellationToken ct)
    {
        if (_account is { } known) return known;
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (_account is { } again) return again;
            await _initialize(ct).ConfigureAwait(false);
            var account = await _arm.GetAsync(AccountId, ArmApi, "GET Cosmos DB account", ct).ConfigureAwait(false);
            if (account is null)
            {
                _log.Verbose($"Creating the serverless Cosmos DB account {AccountName} (this takes minutes on Azure).");
                account = await _arm.PutAsync(AccountId, ArmApi, new JsonObject
                {
                    ["location"] = _settings.Region,
                    ["kind"] = "GlobalDocumentDB",
                    ["tags"] = new JsonObject { ["created-by"] = "sebs" },
                    ["properties"] = new JsonObject
                    {
                        ["databaseAccountOfferType"] = "Standard",
                        ["locations"] = new JsonArray(new JsonObject { ["locationName"] = _settings.Region, ["failoverPriority"] = 0 }),
                        ["capabilities"] = new JsonArray(new JsonObject { ["name"] = "EnableServerless" }),
                    },
                }, "PUT Cosmos DB account", ct).ConfigureAwait(false);
            }
            var endpoint = account["properties"]?["documentEndpoint"]?.GetValue<string>()
                ?? throw new SebsException(SebsErrorIds.CloudRequestFailed, SebsErrorKind.InvalidData, $"Cosmos DB account {AccountName} has no documentEndpoint.", target: AccountName);
            var keys = await _arm.PostAsync(AccountId + "/listKeys", ArmApi, null, "POST Cosmos DB listKeys", ct).ConfigureAwait(false);
            var key = keys["primaryMasterKey"]?.GetValue<string>()
                ?? throw new SebsException(SebsErrorIds.CloudRequestFailed, SebsErrorKind.InvalidData, $"Cosmos DB account {AccountName} returned no key.", target: AccountName);
            _account = (endpoint.EndsWith('/') ? endpoint : endpoint + "/", key);
            // Gateway mode over HTTPS 443 only (no direct TCP to replicas); 429s are retried by the SDK itself.
            _client = new CosmosClient(_account.Value.Endpoint, key, new CosmosClientOptions
            {
                ApplicationName = "sebs",
                ConnectionMode = ConnectionMode.Gateway,
                LimitToEndpoint = true,
                RequestTimeout = TimeSpan.FromSeconds(60),
                HttpClientFactory = _handler is null ? null : () => new HttpClient(_handler, disposeHandler: false),
            });
            return _account.Value;
        }
        finally { _gate.Release(); }
    }

    private async Task<Database> DatabaseAsync(CancellationToken ct)
    {
        await AccountAsync(ct).ConfigureAwait(false);
        return await Cosmos("create database", async () => (await _client!.CreateDatabaseIfNotExistsAsync(Database, cancellationToken: ct).ConfigureAwait(false)).Database).ConfigureAwait(false);
    }

    private Task EnsureDatabaseAsync(CancellationToken ct) => DatabaseAsync(ct);

    public override async Task CreateTableAsync(string name, string primaryKey, string? secondaryKey, CancellationToken ct)
    {
        var database = await DatabaseAsync(ct).ConfigureAwait(false);
        await Cosmos("create container", () => database.CreateContainerIfNotExistsAsync(new ContainerProperties(name, "/" + primaryKey), cancellationToken: ct)).ConfigureAwait(false);
        // The key names, for seed items written in later sessions (the container itself records only the partition key).
        Cache?.UpdatePlatformResources(Platform, res =>
        {
            var tables = res["cosmos_tables"] as JsonObject ?? (JsonObject)(res["cosmos_tables"] = new JsonObject());
            tables[name] = new JsonObject { ["primary_key"] = primaryKey, ["secondary_key"] = secondaryKey };
            return 0;
        });
    }

    public override async Task InsertAsync(string name, JsonObject item, CancellationToken ct)
    {
        var keys = Cache?.GetPlatformResources(Platform)["cosmos_tables"]?[name]
            ?? throw new SebsException(SebsErrorIds.StorageError, SebsErrorKind.ObjectNotFound, $"Cosmos DB container {name} was not created by this cache.", target: name);
        var primary = keys["primary_key"]!.GetValue<string>();
        var secondary = keys["secondary_key"]?.GetValue<string>();
        var doc = (JsonObject)item.DeepClone();
        doc["id"] = (secondary is null ? doc[primary] : doc[secondary])?.ToString() ?? throw new SebsException(SebsErrorIds.StorageError, SebsErrorKind.InvalidData, $"An item for {name} lacks its key.", target: name);
        var container = (await DatabaseAsync(ct).ConfigureAwait(false)).GetContainer(name);
        using var body = new MemoryStream(Encoding.UTF8.GetBytes(doc.ToJsonString()));
        using var response = await Cosmos("upsert item", () => container.UpsertItemStreamAsync(body, PartitionKeyOf(doc[primary]), cancellationToken: ct)).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
            throw new CloudRequestException("Azure Cosmos DB", "upsert item", response.StatusCode, response.StatusCode.ToString(), FirstLine(response.ErrorMessage ?? ""));
    }

    private static PartitionKey PartitionKeyOf(JsonNode? value) => value switch
    {
        JsonValue v when v.TryGetValue<string>(out var s) => new PartitionKey(s),
        JsonValue v when v.TryGetValue<bool>(out var b) => new PartitionKey(b),
        JsonValue v when v.TryGetValue<double>(out var d) => new PartitionKey(d),
        _ => PartitionKey.Null,
    };

    /// <summary>The SDK's errors as Sebs reports every cloud error: service, operation, status and the service's message.</summary>
    private static async Task<T> Cosmos<T>(string operation, Func<Task<T>> call)
    {
        try { return await call().ConfigureAwait(false); }
        catch (CosmosException ex)
        {
            throw new CloudRequestException("Azure Cosmos DB", operation, ex.StatusCode, ex.SubStatusCode == 0 ? ex.StatusCode.ToString() : $"{ex.StatusCode}/{ex.SubStatusCode}", FirstLine(ex.ResponseBody ?? ex.Message));
        }
    }

    private static string FirstLine(string s)
    {
        var line = s.Split('\n', 2)[0].Trim();
        return line.Length > 400 ? line[..400] + "..." : line;
    }

    /// <summary>Whether the account exists (for clean-up listings; it goes with the resource group).</summary>
    public async Task<bool> ExistsAsync(CancellationToken ct) => await _arm.GetAsync(AccountId, ArmApi, "GET Cosmos DB account", ct).ConfigureAwait(false) is not null;

    public void Dispose()
    {
        _client?.Dispose();
        _gate.Dispose();
    }
}
