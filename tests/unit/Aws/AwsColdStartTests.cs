using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Amazon.Runtime;
using Sebs.Core.Caching;
using Sebs.Core.Configuration;
using Sebs.Core.Diagnostics;
using Sebs.Core.Platforms;
using Sebs.Platforms.Aws;
using Xunit;

namespace Sebs.Tests.Aws;

/// <summary>Forced cold starts set a ForceColdStart value the function does not have yet.</summary>
public class AwsColdStartTests
{
    /// <summary>
    /// Lambda's GetFunction and UpdateFunctionConfiguration for one function: the configuration holds the variables
    /// last put; every PUT body is recorded.
    /// </summary>
    private sealed class LambdaFunctions : HttpMessageHandler
    {
        public Dictionary<string, JsonObject> Variables { get; } = new();
        public List<(string Name, JsonObject Variables)> Puts { get; } = new();
        public int Gets;

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            var path = request.RequestUri!.AbsolutePath;
            var name = Uri.UnescapeDataString(path.Split('/')[3]);
            if (request.Method == HttpMethod.Put && path.EndsWith("/configuration", StringComparison.Ordinal))
            {
                var vars = JsonNode.Parse(await request.Content!.ReadAsStringAsync(ct))!["Environment"]!["Variables"]!.AsObject();
                lock (Puts) { Puts.Add((name, vars)); Variables[name] = (JsonObject)vars.DeepClone(); }
                return Json(Configuration(name));
            }
            Interlocked.Increment(ref Gets);
            lock (Puts) return Json(new JsonObject { ["Configuration"] = Configuration(name) });
        }

        private JsonObject Configuration(string name) => new()
        {
            ["FunctionName"] = name, ["State"] = "Active", ["LastUpdateStatus"] = "Successful",
            ["Environment"] = new JsonObject { ["Variables"] = Variables[name].DeepClone() },
        };

        private static HttpResponseMessage Json(JsonNode body) =>
            new(HttpStatusCode.OK) { Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json") };
    }

    private static AwsSettings Settings() => new()
    {
        Region = "us-east-1", PollInterval = TimeSpan.FromMilliseconds(10), StateTimeout = TimeSpan.FromSeconds(5),
        Endpoints = new Dictionary<string, Uri> { ["lambda"] = new("http://lambda.test/") },
    };

    [Fact]
    public async Task A_configuration_update_works_its_variables_out_from_the_ones_read_for_the_merge()
    {
        var lambda = new LambdaFunctions();
        lambda.Variables["f"] = new JsonObject { ["ForceColdStart"] = "42", ["NOSQL_STORAGE_TABLE_x"] = "t" };
        using var api = new AwsApiClient(Settings(), new BasicAWSCredentials("AKID", "secret"), NullSebsLog.Instance, lambda);
        IReadOnlyDictionary<string, string>? seen = null;
        await new LambdaClient(api, NullSebsLog.Instance).UpdateConfigurationAsync("f", null, null, current =>
        {
            seen = current;
            return new Dictionary<string, string> { ["ForceColdStart"] = "43" };
        }, default);
        Assert.Equal("42", seen!["ForceColdStart"]);
        var (_, put) = Assert.Single(lambda.Puts);
        Assert.Equal("43", put["ForceColdStart"]!.GetValue<string>());
        Assert.Equal("t", put["NOSQL_STORAGE_TABLE_x"]!.GetValue<string>());
        Assert.Equal(2, lambda.Gets);   // one read for the merge, one for the update waiter
    }

    [Fact]
    public async Task A_function_that_already_has_the_sessions_next_value_still_gets_a_changed_one()
    {
        var dir = TestPaths.NewTempDir();
        try
        {
            var config = SebsConfig.Parse("""
            {"deployment": {"name": "aws", "aws": {"region": "us-east-1", "resources": {"resources_id": "cold0001"},
              "credentials": {"access_key": "AKID", "secret_key": "secret"}, "poll-interval": 0.01,
              "endpoints": {"lambda": "http://lambda.test/", "s3": "http://s3.test/", "dynamodb": "http://dynamodb.test/"}}}}
            """);
            var lambda = new LambdaFunctions();
            var context = new PlatformContext(config, new SebsCache(Path.Combine(dir, "cache")), dir, NullSebsLog.Instance,
                new Dictionary<string, object?>());
            await using var platform = new AwsPlatform(context, lambda) { ColdStartCounter = 41 };
            // "held" has the value the session's counter would give next (42); "behind" has an older one.
            lambda.Variables["held"] = new JsonObject { ["ForceColdStart"] = "42" };
            lambda.Variables["behind"] = new JsonObject { ["ForceColdStart"] = "3" };
            SebsFunction Fn(string name) => new AwsFunction { Name = name, Benchmark = "010.sleep", Platform = AwsPlatformFactory.Aws.Name };

            await platform.EnforceColdStartAsync(new[] { Fn("held"), Fn("behind") }, default);
            Assert.Equal("43", lambda.Variables["held"]["ForceColdStart"]!.GetValue<string>());
            Assert.Equal("42", lambda.Variables["behind"]["ForceColdStart"]!.GetValue<string>());
            // The next batch is above every value the last one set.
            await platform.EnforceColdStartAsync(new[] { Fn("behind") }, default);
            Assert.Equal("44", lambda.Variables["behind"]["ForceColdStart"]!.GetValue<string>());
            Assert.Equal(44, platform.ColdStartCounter);
        }
        finally { Directory.Delete(dir, true); }
    }
}
