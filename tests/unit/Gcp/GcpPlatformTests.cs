using System.Text.Json.Nodes;
using Sebs.Core;
using Sebs.Core.Configuration;
using Sebs.Platforms.Gcp;
using Xunit;

namespace Sebs.Tests.Gcp;

public class GcpPlatformTests
{
    [Theory]
    [InlineData("0.123456789s", 123457)]
    [InlineData("1s", 1_000_000)]
    [InlineData("0.000250s", 250)]
    public void Request_latency_in_the_log_is_a_protobuf_duration(string latency, long micros) =>
        Assert.Equal(micros, CloudLoggingMetrics.ParseLatency(latency));

    [Fact]
    public void A_latency_without_its_unit_is_not_read() => Assert.Null(CloudLoggingMetrics.ParseLatency("0.5"));

    [Theory]
    [InlineData("projects/p/traces/0af7651916cd43dd8448eb211c80319c", "0af7651916cd43dd8448eb211c80319c")]
    [InlineData("0af7651916cd43dd8448eb211c80319c/4711;o=1", "0af7651916cd43dd8448eb211c80319c")]
    [InlineData("0af7651916cd43dd8448eb211c80319c", "0af7651916cd43dd8448eb211c80319c")]
    public void Trace_ids_match_between_the_header_and_the_log(string value, string trace) =>
        Assert.Equal(trace, CloudLoggingMetrics.TraceId(value));

    [Fact]
    public void Datastore_values_follow_the_JSON_mapping()
    {
        var v = DatastoreNoSqlStorage.DatastoreValue(JsonNode.Parse("""{"n": 3, "f": 1.5, "s": "x", "b": true, "a": [1], "o": {"k": null}}"""));
        var p = v["entityValue"]!["properties"]!;
        Assert.Equal("3", p["n"]!["integerValue"]!.GetValue<string>());
        Assert.Equal(1.5, p["f"]!["doubleValue"]!.GetValue<double>());
        Assert.Equal("x", p["s"]!["stringValue"]!.GetValue<string>());
        Assert.True(p["b"]!["booleanValue"]!.GetValue<bool>());
        Assert.Equal("1", p["a"]!["arrayValue"]!["values"]![0]!["integerValue"]!.GetValue<string>());
        Assert.True(((JsonObject)p["o"]!["entityValue"]!["properties"]!["k"]!).ContainsKey("nullValue"));
    }

    [Fact]
    public void Settings_read_SeBS_config_shapes_and_endpoint_overrides()
    {
        var config = SebsConfig.Parse("""
        {"deployment": {"name": "gcp", "gcp": {"region": "us-central1", "credentials": "/keys/k.json",
          "configuration": {"function-gen2": {"vcpus": 2, "gcp-concurrency": 40, "min-instances": 1, "max-instances": 5}},
          "endpoints": {"logging": "http://127.0.0.1:9"}}}}
        """);
        var s = GcpSettings.From(config);
        Assert.Equal("us-central1", s.Region);
        Assert.Equal("/keys/k.json", s.CredentialsFile);
        Assert.Equal("2", s.Cpu);
        Assert.Equal(40, s.Concurrency);
        Assert.Equal(1, s.MinInstances);
        Assert.Equal(5, s.MaxInstances);
        Assert.Equal(new Uri("http://127.0.0.1:9/"), s.Endpoint("logging"));
        Assert.Equal(new Uri("https://cloudfunctions.googleapis.com/"), s.Endpoint("cloudfunctions"));
        Assert.Equal("europe-west2", GcpSettings.From(config, "europe-west2").Region);
    }

    [Fact]
    public void An_unreadable_or_wrong_key_is_missing_credentials_naming_the_file()
    {
        var dir = Directory.CreateTempSubdirectory("sebs-gcp-").FullName;
        try
        {
            var missing = Path.Combine(dir, "absent.json");
            var e1 = Assert.Throws<SebsException>(() => GcpCredentials.Resolve(new GcpSettings { CredentialsFile = missing }));
            Assert.Equal(SebsErrorIds.MissingCredentials, e1.ErrorId);
            Assert.Contains(missing, e1.Message);
            var user = Path.Combine(dir, "user.json");
            File.WriteAllText(user, """{"type": "authorized_user", "client_id": "x"}""");
            var e2 = Assert.Throws<SebsException>(() => GcpCredentials.Resolve(new GcpSettings { CredentialsFile = user }));
            Assert.Contains("not a service-account key", e2.Message);
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void Runtimes_follow_the_Cloud_Run_functions_schedule()
    {
        var runtimes = new GcpPlatformFactory().Descriptor.Runtimes;
        Assert.Equal("3.12", runtimes.Resolve("python", null));
        Assert.Equal("22", runtimes.Resolve("nodejs", null));
        var blocked = Assert.Throws<SebsException>(() => runtimes.Resolve("nodejs", "20", today: new DateOnly(2026, 12, 1)));
        Assert.Contains("2026-10-30", blocked.Message);
        Assert.Equal("python312", CloudFunctionsClient.RuntimeId("python", "3.12"));
        Assert.Equal("nodejs24", CloudFunctionsClient.RuntimeId("nodejs", "24"));
    }
}
