using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Sebs.Core;
using Sebs.Core.Caching;
using Sebs.Core.NoSql;
using Sebs.NoSql.DynamoDb;
using Sebs.Platforms.Aws;
using Xunit;

namespace Sebs.Tests.NoSql;

/// <summary>
/// The DynamoDB-compatible store (AWSSDK.DynamoDBv2) against an in-process fake endpoint (HttpListener on 127.0.0.1) that
/// records each request and checks its headers (X-Amz-Target, Content-Type, Host, X-Amz-Date, a Signature V4 Authorization) and body.
/// </summary>
public sealed partial class DynamoNoSqlStorageTests : IDisposable
{
    private sealed record Seen(string Target, string ContentType, string Host, string AmzDate, string Authorization, string Body);

    private readonly HttpListener _listener = new();
    private readonly List<Seen> _seen = new();
    private readonly Task _loop;
    private readonly int _port;
    /// <summary>Answers per operation: status and body; DescribeTable answers are consumed in order.</summary>
    private readonly Queue<(int, string)> _describe = new();
    private (int, string) _create = (200, """{"TableDescription":{"TableStatus":"CREATING"}}""");
    private (int, string) _put = (200, "{}");
    /// <summary>PutItem answers consumed before <see cref="_put"/> (throttling, then success).</summary>
    private readonly Queue<(int, string)> _puts = new();

    public DynamoNoSqlStorageTests()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        _port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        _listener.Prefixes.Add($"http://127.0.0.1:{_port}/");
        _listener.Start();
        _loop = Task.Run(ServeAsync);
    }

    // Close alone: after Stop, Close removes the prefixes again, which binds the freed port anew and fails with
    // "Address already in use" once another test's socket has taken it.
    public void Dispose() => _listener.Close();

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext ctx;
            try { ctx = await _listener.GetContextAsync(); }
            catch (Exception) { return; }
            using var reader = new StreamReader(ctx.Request.InputStream, Encoding.UTF8);
            var body = await reader.ReadToEndAsync();
            var target = ctx.Request.Headers["X-Amz-Target"] ?? "";
            lock (_seen)
                _seen.Add(new Seen(target, ctx.Request.ContentType ?? "", ctx.Request.Headers["Host"] ?? "",
                    ctx.Request.Headers["X-Amz-Date"] ?? "", ctx.Request.Headers["Authorization"] ?? "", body));
            var (status, answer) = target switch
            {
                "DynamoDB_20120810.DescribeTable" => _describe.Count > 0 ? _describe.Dequeue() : (200, """{"Table":{"TableStatus":"ACTIVE"}}"""),
                "DynamoDB_20120810.CreateTable" => _create,
                "DynamoDB_20120810.PutItem" => _puts.Count > 0 ? _puts.Dequeue() : _put,
                _ => (400, """{"__type":"com.amazonaws.dynamodb.v20120810#UnknownOperationException"}"""),
            };
            var bytes = Encoding.UTF8.GetBytes(answer);
            ctx.Response.StatusCode = status;
            ctx.Response.ContentType = "application/x-amz-json-1.0";
            ctx.Response.ContentLength64 = bytes.Length;
            await ctx.Response.OutputStream.WriteAsync(bytes);
            ctx.Response.Close();
        }
    }

    private DynamoEndpoint Endpoint => new($"127.0.0.1:{_port}", "AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "eu-central-1");

    [GeneratedRegex(@"^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/(\d{8})/eu-central-1/dynamodb/aws4_request, SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$")]
    private static partial Regex Authorization();

    private static void AssertSigned(Seen s, string operation, string hostPort)
    {
        Assert.Equal("DynamoDB_20120810." + operation, s.Target);
        Assert.Equal("application/x-amz-json-1.0", s.ContentType);
        Assert.Equal(hostPort, s.Host);
        Assert.Matches(@"^\d{8}T\d{6}Z$", s.AmzDate);
        var m = Authorization().Match(s.Authorization);
        Assert.True(m.Success, $"Authorization is not Signature V4: {s.Authorization}");
        Assert.Equal(s.AmzDate[..8], m.Groups[1].Value);
        var signed = m.Groups[2].Value.Split(';');
        foreach (var h in new[] { "content-type", "host", "x-amz-date", "x-amz-target" }) Assert.Contains(h, signed);
    }

    [Fact]
    public async Task Retries_a_throttled_write_and_gives_up_on_a_real_error()
    {
        _puts.Enqueue((400, """{"__type":"com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException","message":"slow down"}"""));
        _puts.Enqueue((500, """{"__type":"com.amazonaws.dynamodb.v20120810#InternalServerError"}"""));
        using var store = DynamoDbNoSqlStorage.ForEndpoint(Endpoint, "dynamodb", "local");
        await store.InsertAsync("t", new JsonObject { ["k"] = "v" }, default);
        Assert.Equal(3, _seen.Count(x => x.Target.EndsWith("PutItem", StringComparison.Ordinal)));

        _put = (400, """{"__type":"com.amazonaws.dynamodb.v20120810#ValidationException","message":"bad item"}""");
        var ex = await Assert.ThrowsAsync<SebsException>(() => store.InsertAsync("t", new JsonObject { ["k"] = "v" }, default));
        Assert.Contains("ValidationException", ex.Message);
        Assert.Equal(4, _seen.Count(x => x.Target.EndsWith("PutItem", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Creates_a_missing_table_with_string_hash_and_range_keys_and_waits_until_active()
    {
        _describe.Enqueue((400, """{"__type":"com.amazonaws.dynamodb.v20120810#ResourceNotFoundException","message":"Requested resource not found"}"""));
        _describe.Enqueue((200, """{"Table":{"TableStatus":"CREATING"}}"""));
        using var store = DynamoDbNoSqlStorage.ForEndpoint(Endpoint, "scylladb", "local");
        await store.CreateTableAsync("sebs-benchmarks-local-130.crud-api-shopping_cart", "cart_id", "product_id", default);

        Assert.Equal(new[] { "DescribeTable", "CreateTable", "DescribeTable", "DescribeTable" },
            _seen.Select(s => s.Target.Split('.')[1]).ToArray());
        foreach (var s in _seen) AssertSigned(s, s.Target.Split('.')[1], $"127.0.0.1:{_port}");
        var create = JsonNode.Parse(_seen[1].Body)!;
        Assert.Equal("sebs-benchmarks-local-130.crud-api-shopping_cart", create["TableName"]!.GetValue<string>());
        Assert.Equal("PAY_PER_REQUEST", create["BillingMode"]!.GetValue<string>());
        Assert.Equal("""[{"AttributeName":"cart_id","KeyType":"HASH"},{"AttributeName":"product_id","KeyType":"RANGE"}]""", create["KeySchema"]!.ToJsonString());
        Assert.Equal("""[{"AttributeName":"cart_id","AttributeType":"S"},{"AttributeName":"product_id","AttributeType":"S"}]""", create["AttributeDefinitions"]!.ToJsonString());
    }

    [Fact]
    public async Task Leaves_an_existing_table_alone()
    {
        using var store = DynamoDbNoSqlStorage.ForEndpoint(Endpoint, "dynamodb", "local");
        await store.CreateTableAsync("t", "pk", null, default);
        Assert.Equal(new[] { "DynamoDB_20120810.DescribeTable", "DynamoDB_20120810.DescribeTable" }, _seen.Select(s => s.Target).ToArray());
    }

    [Fact]
    public async Task Puts_items_as_attribute_values()
    {
        using var store = DynamoDbNoSqlStorage.ForEndpoint(Endpoint, "scylladb", "local");
        await store.InsertAsync("t", new JsonObject
        {
            ["cart_id"] = "c", ["product_id"] = "p", ["price"] = 42, ["avg"] = 1.25, ["ok"] = true, ["none"] = null,
            ["tags"] = new JsonArray("a", 1), ["meta"] = new JsonObject { ["x"] = "y" },
        }, default);
        var put = Assert.Single(_seen);
        AssertSigned(put, "PutItem", $"127.0.0.1:{_port}");
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"TableName":"t","Item":{"cart_id":{"S":"c"},"product_id":{"S":"p"},"price":{"N":"42"},"avg":{"N":"1.25"},"ok":{"BOOL":true},"none":{"NULL":true},"tags":{"L":[{"S":"a"},{"N":"1"}]},"meta":{"M":{"x":{"S":"y"}}}}}"""),
            JsonNode.Parse(put.Body)), put.Body);
    }

    [Fact]
    public async Task Reports_the_endpoints_error()
    {
        _put = (400, """{"__type":"com.amazonaws.dynamodb.v20120810#ValidationException","message":"One or more parameter values were invalid"}""");
        using var store = DynamoDbNoSqlStorage.ForEndpoint(Endpoint, "scylladb", "local");
        var ex = await Assert.ThrowsAsync<SebsException>(() => store.InsertAsync("t", new JsonObject { ["pk"] = "a" }, default));
        Assert.Contains("ValidationException", ex.Message);
        Assert.Contains("One or more parameter values were invalid", ex.Message);
    }

    [Fact]
    public async Task Our_signature_V4_equals_the_function_shims()
    {
        // nosql.py's _Dynamo.sign (checked against botocore in FunctionServer.Tests) and Sebs's one SigV4 signer
        // (Sebs.Platforms.Aws.SigV4Signer) with the same inputs and clock.
        var body = Encoding.UTF8.GetBytes("""{"TableName": "t", "Item": {"pk": {"S": "ż"}}}""");
        using var request = new HttpRequestMessage(HttpMethod.Post, $"http://127.0.0.1:{_port}/") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/x-amz-json-1.0");
        request.Headers.TryAddWithoutValidation("X-Amz-Target", "DynamoDB_20120810.PutItem");
        await SigV4Signer.SignAsync(request, new Amazon.Runtime.ImmutableCredentials(Endpoint.AccessKey, Endpoint.SecretKey, null), Endpoint.Region,
            "dynamodb", new DateTime(2026, 11, 28, 17, 3, 37, DateTimeKind.Utc));
        var headers = new Dictionary<string, string>
        {
            ["authorization"] = request.Headers.GetValues("Authorization").Single(),
            ["x-amz-date"] = request.Headers.GetValues("X-Amz-Date").Single(),
        };
        var psi = new ProcessStartInfo("python3") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add("import sys; sys.path.insert(0, sys.argv[1]); import nosql\n" +
            "d = nosql._Dynamo(sys.argv[2], 'AKIDEXAMPLE', 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', 'eu-central-1')\n" +
            "print(d.sign('DynamoDB_20120810.PutItem', sys.stdin.buffer.read(), '20261128T170337Z')['authorization'])");
        psi.ArgumentList.Add(Path.Combine(TestPaths.Benchmarks, "wrappers", "local", "python"));
        psi.ArgumentList.Add($"127.0.0.1:{_port}");
        using var p = Process.Start(psi)!;
        p.StandardInput.BaseStream.Write(body);
        p.StandardInput.Close();
        var expected = p.StandardOutput.ReadToEnd().Trim();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, p.StandardError.ReadToEnd());
        Assert.Equal(expected, headers["authorization"]);
        Assert.Equal("20261128T170337Z", headers["x-amz-date"]);
    }

    [Fact]
    public async Task Remembers_tables_in_the_cache_and_gives_the_function_environment()
    {
        var dir = TestPaths.NewTempDir();
        try
        {
            var cache = new SebsCache(dir);
            using var store = DynamoDbNoSqlStorage.ForEndpoint(Endpoint, "scylladb", "local", cache);
            var name = await store.CreateBenchmarkTableAsync("130.crud-api", new NoSqlTable("shopping_cart", "cart_id", "product_id"), default);
            Assert.Equal("sebs-benchmarks-local-130.crud-api-shopping_cart", name);
            var env = store.EnvironmentFor("130.crud-api");
            Assert.Equal($"127.0.0.1:{_port}", env["NOSQL_STORAGE_ENDPOINT"]);
            Assert.Equal("scylladb", env["NOSQL_STORAGE_TYPE"]);
            Assert.Equal("eu-central-1", env["NOSQL_STORAGE_REGION"]);
            Assert.Equal("AKIDEXAMPLE", env["AWS_ACCESS_KEY_ID"]);
            Assert.Equal(name, env["NOSQL_STORAGE_TABLE_shopping_cart"]);
        }
        finally { Directory.Delete(dir, true); }
    }
}
