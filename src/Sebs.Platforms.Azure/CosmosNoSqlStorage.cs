using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Sebs.Core;
using Sebs.Core.Caching;
using Sebs.Core.Diagnostics;
using Sebs.Core.Http;
using Sebs.Core.NoSql;
using Sebs.Core.Platforms;

namespace Sebs.Platforms.Azure;

/// <summary>
/// 130.crud-api's tables on Cosmos DB for NoSQL (SeBS §4.3/§6.4: a serverless account, containers per table). The
/// account is created through ARM when a benchmark first needs it; databases, containers and seed items go through the
/// Cosmos REST API with master-key authorization (the Microsoft.Azure.Cosmos SDK needs the service's address
/// resolution and partition-range metadata, which no emulator here provides). Items: id = the secondary key's value,
/// partition key = the primary key (path /&lt;primary key&gt;), both key attributes kept, as SeBS stores them.
/// </summary>
/// <remarks>One database per resources id (sebs-benchmarks-&lt;rid&gt;) holds every benchmark's containers, since a
/// container's physical name already names its benchmark; SeBS used one database per benchmark.</remarks>
public sealed class CosmosNoSqlStorage : NoSqlStorageBase, IDisposable
{
    public const string ArmApi = "2024-11-15";
    public const string DataApi = "2018-12-31";
    private readonly ArmClient _arm;
    private readonly AzureResources _resources;
    private readonly AzureSettings _settings;
    private readonly Func<CancellationToken, Task> _initialize;
    private readonly string _group;
    private readonly ISebsLog _log;
    private readonly HttpMessageHandler? _handler;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private (string Endpoint, string Key)? _account;
    private ControlPlaneClient? _data;

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
            _data = new ControlPlaneClient(new ControlPlaneOptions { Service = "Azure Cosmos DB", ErrorOf = CosmosError },
                new CosmosMasterKeyAuthenticator(key), _log, _handler);
            _account = (endpoint.EndsWith('/') ? endpoint : endpoint + "/", key);
            return _account.Value;
        }
        finally { _gate.Release(); }
    }

    private async Task<ControlPlaneResponse> SendAsync(HttpMethod method, string path, JsonObject? body, string operation, CancellationToken ct,
        IReadOnlyDictionary<string, string>? headers = null)
    {
        var (endpoint, _) = await AccountAsync(ct).ConfigureAwait(false);
        return await _data!.SendAsync(() =>
        {
            var request = new HttpRequestMessage(method, new Uri(new Uri(endpoint), path));
            if (body is not null) request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
            foreach (var (k, v) in headers ?? new Dictionary<string, string>()) request.Headers.TryAddWithoutValidation(k, v);
            return request;
        }, new ControlPlaneCall(operation, ThrowOnError: false), ct).ConfigureAwait(false);
    }

    private static void Check(ControlPlaneResponse r, string operation, bool conflictIsFine = false)
    {
        if (r.Ok || conflictIsFine && r.Status == HttpStatusCode.Conflict) return;
        var (code, message) = CosmosError(r);
        throw new CloudRequestException("Azure Cosmos DB", operation, r.Status, code, message);
    }

    private static (string Code, string Message) CosmosError(ControlPlaneResponse r)
    {
        var json = r.Json();
        return (json["code"]?.GetValue<string>() ?? r.Status.ToString(), json["message"]?.GetValue<string>() ?? r.Body);
    }

    private async Task EnsureDatabaseAsync(CancellationToken ct) =>
        Check(await SendAsync(HttpMethod.Post, "dbs", new JsonObject { ["id"] = Database }, "create database", ct).ConfigureAwait(false), "create database", conflictIsFine: true);

    public override async Task CreateTableAsync(string name, string primaryKey, string? secondaryKey, CancellationToken ct)
    {
        await EnsureDatabaseAsync(ct).ConfigureAwait(false);
        var r = await SendAsync(HttpMethod.Post, $"dbs/{Database}/colls", new JsonObject
        {
            ["id"] = name,
            ["partitionKey"] = new JsonObject { ["paths"] = new JsonArray("/" + primaryKey), ["kind"] = "Hash", ["version"] = 2 },
        }, "create container", ct).ConfigureAwait(false);
        Check(r, "create container", conflictIsFine: true);
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
        var r = await SendAsync(HttpMethod.Post, $"dbs/{Database}/colls/{name}/docs", doc, "upsert document", ct, new Dictionary<string, string>
        {
            ["x-ms-documentdb-is-upsert"] = "True",
            ["x-ms-documentdb-partitionkey"] = new JsonArray(doc[primary]?.DeepClone()).ToJsonString(),
        }).ConfigureAwait(false);
        Check(r, "upsert document");
    }

    /// <summary>Whether the account exists (for clean-up listings; it goes with the resource group).</summary>
    public async Task<bool> ExistsAsync(CancellationToken ct) => await _arm.GetAsync(AccountId, ArmApi, "GET Cosmos DB account", ct).ConfigureAwait(false) is not null;

    public void Dispose()
    {
        _data?.Dispose();
        _gate.Dispose();
    }
}

/// <summary>
/// Cosmos DB master-key authorization, per attempt: HMAC-SHA256 over "verb\nresourceType\nresourceLink\ndate\n\n" with
/// the account key, sent as type=master&amp;ver=1.0&amp;sig=… with x-ms-date and x-ms-version.
/// </summary>
public sealed class CosmosMasterKeyAuthenticator(string key) : IRequestAuthenticator
{
    public ValueTask AuthenticateAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var date = DateTime.UtcNow.ToString("r", CultureInfo.InvariantCulture);
        var (type, link) = Resource(request.RequestUri!.AbsolutePath);
        request.Headers.Remove("x-ms-date");
        request.Headers.TryAddWithoutValidation("x-ms-date", date);
        request.Headers.Remove("x-ms-version");
        request.Headers.TryAddWithoutValidation("x-ms-version", CosmosNoSqlStorage.DataApi);
        request.Headers.Remove("authorization");
        request.Headers.TryAddWithoutValidation("authorization", Token(request.Method.Method, type, link, date, key));
        return ValueTask.CompletedTask;
    }

    public static string Token(string verb, string resourceType, string resourceLink, string date, string key)
    {
        var text = $"{verb.ToLowerInvariant()}\n{resourceType.ToLowerInvariant()}\n{resourceLink}\n{date.ToLowerInvariant()}\n\n";
        using var hmac = new HMACSHA256(Convert.FromBase64String(key));
        var sig = Convert.ToBase64String(hmac.ComputeHash(Encoding.UTF8.GetBytes(text)));
        return Uri.EscapeDataString($"type=master&ver=1.0&sig={sig}");
    }

    /// <summary>(resource type, resource link) of a path: …/dbs/a/colls/b/docs → ("docs", "dbs/a/colls/b"); …/docs/x → ("docs", "dbs/a/colls/b/docs/x").</summary>
    internal static (string Type, string Link) Resource(string absolutePath)
    {
        var parts = absolutePath.Trim('/').Split('/').Select(Uri.UnescapeDataString).ToList();
        var start = parts.IndexOf("dbs");
        if (start < 0) return ("", "");
        parts = parts.Skip(start).ToList();
        return parts.Count % 2 == 1
            ? (parts[^1], string.Join('/', parts.Take(parts.Count - 1)))
            : (parts[^2], string.Join('/', parts));
    }
}
