using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Sebs.Core.Caching;
using Sebs.Core.Platforms;

namespace Sebs.Core.NoSql;

/// <summary>Where a DynamoDB-compatible endpoint is and how to sign for it.</summary>
public sealed record DynamoEndpoint(string Address, string AccessKey, string SecretKey, string Region)
{
    /// <summary>host:port without a scheme (what the function shims get as NOSQL_STORAGE_ENDPOINT).</summary>
    public string HostPort => Address.Replace("http://", "", StringComparison.Ordinal).Replace("https://", "", StringComparison.Ordinal).TrimEnd('/');
    public Uri BaseUri => new(Address.StartsWith("https://", StringComparison.Ordinal) ? $"https://{HostPort}/" : $"http://{HostPort}/");

    /// <summary>Without the secret: a record would print every member.</summary>
    public override string ToString() => $"{HostPort} ({Region})";
}

/// <summary>Signs a DynamoDB request in place (a cloud platform brings its own credentials chain and signer).</summary>
public delegate Task DynamoRequestSigner(HttpRequestMessage request, CancellationToken cancellationToken);

/// <summary>
/// NoSQL tables on a DynamoDB-compatible endpoint (ScyllaDB Alternator, dynalite, DynamoDB): the JSON API 1.0
/// (DescribeTable, CreateTable with string HASH/RANGE keys and PAY_PER_REQUEST, PutItem) signed with Signature V4
/// (service <c>dynamodb</c>): by the endpoint's keys, or by the platform's <see cref="DynamoRequestSigner"/>.
/// </summary>
public sealed class DynamoNoSqlStorage : NoSqlStorageBase, IDisposable
{
    private readonly HttpClient _http;
    private readonly string _type;
    private readonly DynamoRequestSigner? _signer;
    private readonly IReadOnlyDictionary<string, string>? _functionEnvironment;

    /// <param name="signer">Signs requests instead of the endpoint's keys (AWS: the session's credentials).</param>
    /// <param name="functionEnvironment">What functions get besides the table names; default: the endpoint, region and keys
    /// (self-hosted stores). On AWS the execution role supplies credentials, so no keys go into functions.</param>
    public DynamoNoSqlStorage(DynamoEndpoint endpoint, string type, string resourceId, SebsCache? cache = null,
        PlatformName platform = default, HttpMessageHandler? handler = null, DynamoRequestSigner? signer = null,
        IReadOnlyDictionary<string, string>? functionEnvironment = null) : base(resourceId, cache, platform)
    {
        Endpoint = endpoint;
        _type = type;
        _signer = signer;
        _functionEnvironment = functionEnvironment;
        _http = handler is null ? new HttpClient() : new HttpClient(handler);
        _http.Timeout = TimeSpan.FromSeconds(60);
    }

    public DynamoEndpoint Endpoint { get; }
    public override string Type => _type;
    /// <summary>How long CreateTable may take to reach ACTIVE.</summary>
    public TimeSpan TableTimeout { get; init; } = TimeSpan.FromSeconds(60);
    /// <summary>The clock used for signing (tests fix it).</summary>
    public Func<DateTime> UtcNow { get; init; } = () => DateTime.UtcNow;

    // ---- Signature V4 ------------------------------------------------------------------------------

    private static string Hex(byte[] b) => Convert.ToHexString(b).ToLowerInvariant();
    private static byte[] Hmac(byte[] key, string data) => HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(data));

    /// <summary>The signed headers for a POST / with this target and body: content-type, host, x-amz-date, x-amz-target, authorization.</summary>
    public static IReadOnlyDictionary<string, string> Sign(DynamoEndpoint endpoint, string target, byte[] body, DateTime utc)
    {
        var amzDate = utc.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        var date = amzDate[..8];
        var headers = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["content-type"] = "application/x-amz-json-1.0",
            ["host"] = endpoint.HostPort,
            ["x-amz-date"] = amzDate,
            ["x-amz-target"] = target,
        };
        var signedHeaders = string.Join(';', headers.Keys);
        var canonical = string.Join('\n', "POST", "/", "", string.Concat(headers.Select(h => $"{h.Key}:{h.Value}\n")),
            signedHeaders, Hex(SHA256.HashData(body)));
        var scope = $"{date}/{endpoint.Region}/dynamodb/aws4_request";
        var toSign = string.Join('\n', "AWS4-HMAC-SHA256", amzDate, scope, Hex(SHA256.HashData(Encoding.UTF8.GetBytes(canonical))));
        var key = Encoding.UTF8.GetBytes("AWS4" + endpoint.SecretKey);
        foreach (var part in new[] { date, endpoint.Region, "dynamodb", "aws4_request" }) key = Hmac(key, part);
        var signature = Hex(Hmac(key, toSign));
        return new Dictionary<string, string>(headers)
        {
            ["authorization"] = $"AWS4-HMAC-SHA256 Credential={endpoint.AccessKey}/{scope}, SignedHeaders={signedHeaders}, Signature={signature}",
        };
    }

    /// <summary>One JSON API call, errors (HTTP status ≥ 300) as (false, body); retried with backoff while DynamoDB throttles or has a server error (seed writes come in bursts).</summary>
    private async Task<(bool Ok, JsonObject Body)> CallAsync(string operation, JsonObject payload, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            var (ok, status, body) = await CallOnceAsync(operation, payload, ct).ConfigureAwait(false);
            var throttled = status >= 500 || ErrorType(body) is "ThrottlingException" or "ProvisionedThroughputExceededException"
                or "RequestLimitExceeded" or "LimitExceededException";
            if (ok || !throttled || attempt >= 6) return (ok, body);
            await Task.Delay(TimeSpan.FromMilliseconds(100 * Math.Pow(2, attempt - 1) * (0.5 + Random.Shared.NextDouble() / 2)), ct).ConfigureAwait(false);
        }
    }

    private async Task<(bool Ok, int Status, JsonObject Body)> CallOnceAsync(string operation, JsonObject payload, CancellationToken ct)
    {
        var body = Encoding.UTF8.GetBytes(payload.ToJsonString());
        var target = "DynamoDB_20120810." + operation;
        using var request = new HttpRequestMessage(HttpMethod.Post, Endpoint.BaseUri) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/x-amz-json-1.0");
        request.Headers.TryAddWithoutValidation("X-Amz-Target", target);
        if (_signer is not null) await _signer(request, ct).ConfigureAwait(false);
        else
        {
            var headers = Sign(Endpoint, target, body, UtcNow());
            request.Headers.Host = headers["host"];
            request.Headers.TryAddWithoutValidation("X-Amz-Date", headers["x-amz-date"]);
            request.Headers.TryAddWithoutValidation("Authorization", headers["authorization"]);
        }
        HttpResponseMessage response;
        try { response = await _http.SendAsync(request, ct).ConfigureAwait(false); }
        catch (HttpRequestException ex)
        {
            throw new SebsException(SebsErrorIds.StorageError, SebsErrorKind.ConnectionError,
                $"The DynamoDB-compatible endpoint {Endpoint.HostPort} does not answer ({operation}): {ex.Message}", ex, Endpoint.HostPort);
        }
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
            JsonObject json;
            try { json = (string.IsNullOrWhiteSpace(text) ? null : JsonNode.Parse(text) as JsonObject) ?? new JsonObject(); }
            catch (JsonException) { json = new JsonObject { ["message"] = text }; }
            return ((int)response.StatusCode < 300, (int)response.StatusCode, json);
        }
    }

    private static string ErrorType(JsonObject body) => (body["__type"]?.GetValue<string>() ?? "").Split('#').Last();
    private static string ErrorMessage(JsonObject body) => body["message"]?.ToString() ?? body["Message"]?.ToString() ?? body.ToJsonString();

    private SebsException Failure(string operation, string table, JsonObject body) =>
        new(SebsErrorIds.StorageError, SebsErrorKind.InvalidOperation,
            $"DynamoDB {operation} on {table} at {Endpoint.HostPort} failed: {ErrorType(body)} {ErrorMessage(body)}".TrimEnd(), target: table);

    // ---- tables and items -------------------------------------------------------------------------

    private async Task<string?> StatusAsync(string name, CancellationToken ct)
    {
        var (ok, body) = await CallAsync("DescribeTable", new JsonObject { ["TableName"] = name }, ct).ConfigureAwait(false);
        if (ok) return body["Table"]?["TableStatus"]?.GetValue<string>() ?? "ACTIVE";
        if (ErrorType(body) == "ResourceNotFoundException") return null;
        throw Failure("DescribeTable", name, body);
    }

    public override async Task CreateTableAsync(string name, string primaryKey, string? secondaryKey, CancellationToken ct)
    {
        if (await StatusAsync(name, ct).ConfigureAwait(false) is null)
        {
            var attributes = new JsonArray(new JsonObject { ["AttributeName"] = primaryKey, ["AttributeType"] = "S" });
            var schema = new JsonArray(new JsonObject { ["AttributeName"] = primaryKey, ["KeyType"] = "HASH" });
            if (secondaryKey is not null)
            {
                attributes.Add(new JsonObject { ["AttributeName"] = secondaryKey, ["AttributeType"] = "S" });
                schema.Add(new JsonObject { ["AttributeName"] = secondaryKey, ["KeyType"] = "RANGE" });
            }
            var (ok, body) = await CallAsync("CreateTable", new JsonObject
            {
                ["TableName"] = name, ["AttributeDefinitions"] = attributes, ["KeySchema"] = schema, ["BillingMode"] = "PAY_PER_REQUEST",
            }, ct).ConfigureAwait(false);
            // Another session may have created it in between.
            if (!ok && ErrorType(body) != "ResourceInUseException") throw Failure("CreateTable", name, body);
        }
        var deadline = DateTime.UtcNow + TableTimeout;
        while (await StatusAsync(name, ct).ConfigureAwait(false) is var status && status != "ACTIVE")
        {
            if (DateTime.UtcNow > deadline)
                throw new SebsException(SebsErrorIds.StorageError, SebsErrorKind.OperationTimeout,
                    $"NoSQL table {name} at {Endpoint.HostPort} is still {status ?? "missing"} after {TableTimeout.TotalSeconds:0} s.", target: name);
            await Task.Delay(100, ct).ConfigureAwait(false);
        }
    }

    public override async Task InsertAsync(string name, JsonObject item, CancellationToken ct)
    {
        var (ok, body) = await CallAsync("PutItem", new JsonObject { ["TableName"] = name, ["Item"] = ToAttributes(item) }, ct).ConfigureAwait(false);
        if (!ok) throw Failure("PutItem", name, body);
    }

    /// <summary>A JSON object as DynamoDB attribute values (S, N, BOOL, NULL, M, L).</summary>
    public static JsonObject ToAttributes(JsonObject item) =>
        new(item.Select(kv => new KeyValuePair<string, JsonNode?>(kv.Key, ToAttributeValue(kv.Value))));

    public static JsonObject ToAttributeValue(JsonNode? value)
    {
        switch (value)
        {
            case null: return new JsonObject { ["NULL"] = true };
            case JsonObject o: return new JsonObject { ["M"] = ToAttributes(o) };
            case JsonArray a: return new JsonObject { ["L"] = new JsonArray(a.Select(x => (JsonNode)ToAttributeValue(x)).ToArray()) };
        }
        using var doc = JsonDocument.Parse(value.ToJsonString());
        var e = doc.RootElement;
        return e.ValueKind switch
        {
            JsonValueKind.String => new JsonObject { ["S"] = e.GetString() },
            JsonValueKind.Number => new JsonObject { ["N"] = e.GetRawText() },
            JsonValueKind.True => new JsonObject { ["BOOL"] = true },
            JsonValueKind.False => new JsonObject { ["BOOL"] = false },
            _ => new JsonObject { ["NULL"] = true },
        };
    }

    protected override IReadOnlyDictionary<string, string> BackendEnvironment() => _functionEnvironment ?? new Dictionary<string, string>
    {
        ["NOSQL_STORAGE_TYPE"] = _type,
        ["NOSQL_STORAGE_ENDPOINT"] = Endpoint.Address.StartsWith("https://", StringComparison.Ordinal) ? Endpoint.Address : Endpoint.HostPort,
        ["NOSQL_STORAGE_REGION"] = Endpoint.Region,
        ["AWS_ACCESS_KEY_ID"] = Endpoint.AccessKey,
        ["AWS_SECRET_ACCESS_KEY"] = Endpoint.SecretKey,
    };

    public void Dispose() => _http.Dispose();
}
