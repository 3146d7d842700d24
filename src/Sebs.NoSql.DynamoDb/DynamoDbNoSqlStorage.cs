using System.Text.Json;
using System.Text.Json.Nodes;
using Amazon;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Amazon.Runtime;
using Sebs.Core;
using Sebs.Core.Caching;
using Sebs.Core.Http;
using Sebs.Core.NoSql;
using Sebs.Core.Platforms;

namespace Sebs.NoSql.DynamoDb;

/// <summary>
/// NoSQL tables (SeBS §4: string HASH/RANGE keys, PAY_PER_REQUEST) on DynamoDB or a DynamoDB-compatible endpoint
/// through AWSSDK.DynamoDBv2, which signs, retries throttling (ProvisionedThroughputExceeded, 5xx) and parses errors.
/// </summary>
public sealed class DynamoDbNoSqlStorage : NoSqlStorageBase, IDisposable
{
    private readonly AmazonDynamoDBClient _client;
    private readonly string _type;
    private readonly IReadOnlyDictionary<string, string> _functionEnvironment;

    /// <param name="serviceUrl">A DynamoDB-compatible endpoint; null = DynamoDB of <paramref name="region"/>.</param>
    /// <param name="functionEnvironment">What functions get besides the table names (self-hosted stores: endpoint, region and
    /// keys; on AWS nothing, the execution role gives access).</param>
    public DynamoDbNoSqlStorage(Uri? serviceUrl, string region, AWSCredentials credentials, string type, string resourceId,
        IReadOnlyDictionary<string, string> functionEnvironment, SebsCache? cache = null, PlatformName platform = default,
        HttpMessageHandler? handler = null) : base(resourceId, cache, platform)
    {
        _type = type;
        _functionEnvironment = functionEnvironment;
        Where = serviceUrl?.Authority ?? $"DynamoDB {region}";
        var config = new AmazonDynamoDBConfig
        {
            // Seed writes come in bursts: more attempts than the SDK's default 3.
            MaxErrorRetry = 5,
            Timeout = TimeSpan.FromSeconds(60),
        };
        if (serviceUrl is not null)
        {
            config.ServiceURL = serviceUrl.ToString();
            config.AuthenticationRegion = region;
        }
        else config.RegionEndpoint = RegionEndpoint.GetBySystemName(region);
        if (handler is not null) config.HttpClientFactory = new FixedHandlerFactory(handler);
        _client = new AmazonDynamoDBClient(credentials, config);
    }

    /// <summary>A self-hosted endpoint with its own keys, which functions get too (SeBS's local NoSQL).</summary>
    public static DynamoDbNoSqlStorage ForEndpoint(DynamoEndpoint endpoint, string type, string resourceId, SebsCache? cache = null,
        PlatformName platform = default, HttpMessageHandler? handler = null) =>
        new(endpoint.BaseUri, endpoint.Region, new BasicAWSCredentials(endpoint.AccessKey, endpoint.SecretKey), type, resourceId,
            new Dictionary<string, string>
            {
                ["NOSQL_STORAGE_TYPE"] = type,
                ["NOSQL_STORAGE_ENDPOINT"] = endpoint.Address.StartsWith("https://", StringComparison.Ordinal) ? endpoint.Address : endpoint.HostPort,
                ["NOSQL_STORAGE_REGION"] = endpoint.Region,
                ["AWS_ACCESS_KEY_ID"] = endpoint.AccessKey,
                ["AWS_SECRET_ACCESS_KEY"] = endpoint.SecretKey,
            }, cache, platform, handler);

    /// <summary>Where the tables are, for messages.</summary>
    public string Where { get; }
    public override string Type => _type;
    /// <summary>How long CreateTable may take to reach ACTIVE.</summary>
    public TimeSpan TableTimeout { get; init; } = TimeSpan.FromSeconds(60);
    public TimeSpan TablePollInterval { get; init; } = TimeSpan.FromMilliseconds(100);

    private async Task<string?> StatusAsync(string name, CancellationToken ct)
    {
        try
        {
            var d = await _client.DescribeTableAsync(new DescribeTableRequest { TableName = name }, ct).ConfigureAwait(false);
            return d.Table?.TableStatus?.Value ?? "ACTIVE";
        }
        catch (ResourceNotFoundException) { return null; }
    }

    public override Task CreateTableAsync(string name, string primaryKey, string? secondaryKey, CancellationToken ct) => Wrap("CreateTable", name, async () =>
    {
        if (await StatusAsync(name, ct).ConfigureAwait(false) is null)
        {
            var request = new CreateTableRequest
            {
                TableName = name,
                BillingMode = BillingMode.PAY_PER_REQUEST,
                AttributeDefinitions = new List<AttributeDefinition> { new(primaryKey, ScalarAttributeType.S) },
                KeySchema = new List<KeySchemaElement> { new(primaryKey, KeyType.HASH) },
            };
            if (secondaryKey is not null)
            {
                request.AttributeDefinitions.Add(new AttributeDefinition(secondaryKey, ScalarAttributeType.S));
                request.KeySchema.Add(new KeySchemaElement(secondaryKey, KeyType.RANGE));
            }
            // Another session may have created it in between.
            try { await _client.CreateTableAsync(request, ct).ConfigureAwait(false); }
            catch (ResourceInUseException) { }
        }
        await OperationPoller.PollAsync(async token => await StatusAsync(name, token).ConfigureAwait(false) is var status && status == "ACTIVE"
                ? PollStep<bool>.Finished(true) : PollStep<bool>.Running(status ?? "missing"),
            new PollOptions(TablePollInterval, TableTimeout, $"NoSQL table {name} at {Where} becoming ACTIVE"), ct).ConfigureAwait(false);
    });

    public override Task InsertAsync(string name, JsonObject item, CancellationToken ct) => Wrap("PutItem", name, () =>
        _client.PutItemAsync(new PutItemRequest { TableName = name, Item = ToAttributes(item) }, ct));

    /// <summary>The tables whose names start with a prefix (ListTables, paged).</summary>
    public async Task<IReadOnlyList<string>> ListTablesAsync(string prefix, CancellationToken ct)
    {
        var names = new List<string>();
        await Wrap("ListTables", prefix, async () =>
        {
            string? start = null;
            do
            {
                var page = await _client.ListTablesAsync(new ListTablesRequest { ExclusiveStartTableName = start }, ct).ConfigureAwait(false);
                names.AddRange((page.TableNames ?? new List<string>()).Where(n => n.StartsWith(prefix, StringComparison.Ordinal)));
                start = page.LastEvaluatedTableName;
            }
            while (!string.IsNullOrEmpty(start));
        }).ConfigureAwait(false);
        return names;
    }

    /// <summary>Deletes a table and waits until it is gone (DynamoDB lists it as DELETING for a while: botocore's table_not_exists waiter); a missing one is done.</summary>
    public Task DeleteTableAsync(string name, CancellationToken ct) => Wrap("DeleteTable", name, async () =>
    {
        try { await _client.DeleteTableAsync(new DeleteTableRequest { TableName = name }, ct).ConfigureAwait(false); }
        catch (ResourceNotFoundException) { return; }
        catch (ResourceInUseException) { }   // already DELETING (or still CREATING): wait below
        await OperationPoller.PollAsync(async token => await StatusAsync(name, token).ConfigureAwait(false) is { } status
                ? PollStep<bool>.Running(status) : PollStep<bool>.Finished(true),
            new PollOptions(TablePollInterval, TableTimeout, $"NoSQL table {name} at {Where} being deleted"), ct).ConfigureAwait(false);
    });

    /// <summary>The tables of this resource id (SeBS: sebs-benchmarks-&lt;rid&gt;-...).</summary>
    public Task<IReadOnlyList<string>> ListOwnTablesAsync(CancellationToken ct) => ListTablesAsync($"sebs-benchmarks-{ResourceId}-", ct);

    private async Task Wrap(string operation, string table, Func<Task> action)
    {
        try { await action().ConfigureAwait(false); }
        catch (AmazonDynamoDBException ex)
        {
            throw new SebsException(SebsErrorIds.StorageError, ex.StatusCode is System.Net.HttpStatusCode.Forbidden or System.Net.HttpStatusCode.Unauthorized
                    ? SebsErrorKind.AuthenticationError : SebsErrorKind.InvalidOperation,
                $"DynamoDB {operation} on {table} at {Where} failed: {ex.ErrorCode} {ex.Message}".TrimEnd(), ex, target: table);
        }
        catch (AmazonServiceException ex) when (ex.InnerException is HttpRequestException or System.Net.Sockets.SocketException)
        {
            throw new SebsException(SebsErrorIds.StorageError, SebsErrorKind.ConnectionError,
                $"The DynamoDB-compatible endpoint {Where} does not answer ({operation}): {ex.InnerException.Message}", ex, target: Where);
        }
        catch (HttpRequestException ex)
        {
            throw new SebsException(SebsErrorIds.StorageError, SebsErrorKind.ConnectionError,
                $"The DynamoDB-compatible endpoint {Where} does not answer ({operation}): {ex.Message}", ex, target: Where);
        }
    }

    /// <summary>A JSON object as DynamoDB attribute values (S, N, BOOL, NULL, M, L).</summary>
    public static Dictionary<string, AttributeValue> ToAttributes(JsonObject item) =>
        item.ToDictionary(kv => kv.Key, kv => ToAttributeValue(kv.Value));

    public static AttributeValue ToAttributeValue(JsonNode? value)
    {
        switch (value)
        {
            case null: return new AttributeValue { NULL = true };
            case JsonObject o: return new AttributeValue { M = ToAttributes(o) };
            case JsonArray a: return new AttributeValue { L = a.Select(ToAttributeValue).ToList() };
        }
        using var doc = JsonDocument.Parse(value.ToJsonString());
        var e = doc.RootElement;
        return e.ValueKind switch
        {
            JsonValueKind.String => new AttributeValue { S = e.GetString() },
            JsonValueKind.Number => new AttributeValue { N = e.GetRawText() },
            JsonValueKind.True => new AttributeValue { BOOL = true },
            JsonValueKind.False => new AttributeValue { BOOL = false },
            _ => new AttributeValue { NULL = true },
        };
    }

    protected override IReadOnlyDictionary<string, string> BackendEnvironment() => _functionEnvironment;

    public void Dispose() => _client.Dispose();

    /// <summary>Sends through a given handler (tests).</summary>
    private sealed class FixedHandlerFactory(HttpMessageHandler handler) : HttpClientFactory
    {
        public override HttpClient CreateHttpClient(IClientConfig clientConfig) => new(handler, disposeHandler: false);
        public override bool UseSDKHttpClientCaching(IClientConfig clientConfig) => false;
    }
}
