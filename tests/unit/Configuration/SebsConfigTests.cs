using System.Text.Json.Nodes;
using Sebs.Core;
using Sebs.Core.Configuration;
using Sebs.Core.Platforms;
using Xunit;

namespace Sebs.Tests.Configuration;

public class SebsConfigTests
{
    private const string Example = """
    {
      "experiments": {
        "deployment": "aws", "update_code": false, "update_storage": true, "download_results": false,
        "architecture": "arm64", "container_deployment": true,
        "runtime": {"language": "python", "version": "3.11"},
        "perf-cost": {"benchmark": "110.dynamic-html", "experiments": ["cold", "warm"], "input-size": "test",
                      "repetitions": 50, "concurrent-invocations": 50, "memory-sizes": [128, 256]}
      },
      "deployment": {
        "name": "aws",
        "aws": {"region": "eu-central-1", "credentials": {"access_key": "AKIAEXAMPLE", "secret_key": "very-secret"}},
        "local": {"storage": {"object": {"type": "minio", "minio": {"address": "127.0.0.1:9011", "access_key": "a", "secret_key": "b"}}}}
      }
    }
    """;

    [Fact]
    public void Parses_the_sebs_sections_into_typed_values()
    {
        var c = SebsConfig.Parse(Example, "example.json");
        Assert.Equal(PlatformName.Aws, c.Platform);
        Assert.True(c.UpdateStorage);
        Assert.Equal("arm64", c.Architecture);
        Assert.Equal("container", c.SystemVariant); // legacy container_deployment key
        Assert.Equal(new RuntimeSpec("python", "3.11"), c.Runtime);
        Assert.Equal(50, c.Experiments["perf-cost"]["repetitions"]!.GetValue<int>());
        Assert.Equal("eu-central-1", c.Region(PlatformName.Aws));
        Assert.Equal("europe-west1", c.Region(PlatformName.Gcp));
    }

    [Theory]
    [InlineData("{\n  \"experiments\": {,\n}", "line 2")]
    [InlineData("[1, 2]", "top level")]
    [InlineData("{\"experiments\": {\"architecture\": \"sparc\"}}", "x64 or arm64")]
    [InlineData("{\"experiments\": {\"update_code\": \"yes\"}}", "'update_code' must be true or false")]
    public void Invalid_config_names_the_file_and_the_problem(string json, string expected)
    {
        var ex = Assert.Throws<SebsException>(() => SebsConfig.Parse(json, "bad.json"));
        Assert.Equal(SebsErrorIds.InvalidConfig, ex.ErrorId);
        Assert.StartsWith("bad.json", ex.Message);
        Assert.Contains(expected, ex.Message);
    }

    [Theory]
    [InlineData("AWS", PlatformName.Aws)]
    [InlineData("local", PlatformName.Local)]
    [InlineData("Gcp", PlatformName.Gcp)]
    public void Platform_names_parse_case_insensitively(string name, PlatformName expected) =>
        Assert.Equal(expected, PlatformNames.Parse(name));

    [Theory]
    [InlineData("openwhisk")]
    [InlineData("1")]
    [InlineData("")]
    public void Unknown_platforms_are_rejected_with_the_valid_names(string name)
    {
        var ex = Assert.Throws<SebsException>(() => PlatformNames.Parse(name));
        Assert.Equal(SebsErrorIds.UnknownPlatform, ex.ErrorId);
        Assert.Contains("Local, Aws, Azure, Gcp", ex.Message);
    }

    [Fact]
    public void Serialised_config_never_contains_secrets()
    {
        var json = SebsConfig.Parse(Example).ToJson().ToJsonString();
        Assert.DoesNotContain("very-secret", json);
        Assert.DoesNotContain("AKIAEXAMPLE", json);
        Assert.Contains("[REDACTED]", json);
        Assert.Contains("eu-central-1", json);
    }

    [Fact]
    public void Credentials_come_from_config_then_environment_and_missing_ones_are_named()
    {
        var c = SebsConfig.Parse(Example);
        var creds = Credentials.Resolve(c, PlatformName.Aws);
        Assert.Equal("AKIAEXAMPLE", creds["access_key"]);

        var noCreds = SebsConfig.Parse("""{"deployment": {"name": "azure", "azure": {"credentials": {"appID": "app"}}}}""");
        var saved = Environment.GetEnvironmentVariable("AZURE_SECRET_TENANT");
        Environment.SetEnvironmentVariable("AZURE_SECRET_TENANT", "tenant-from-env");
        try
        {
            var ex = Assert.Throws<SebsException>(() => Credentials.Resolve(noCreds, PlatformName.Azure));
            Assert.Equal(SebsErrorIds.MissingCredentials, ex.ErrorId);
            Assert.Contains("AZURE_SECRET_PASSWORD", ex.Message);
            Assert.DoesNotContain("AZURE_SECRET_TENANT", ex.Message); // found in the environment
            Assert.DoesNotContain("appId", ex.Message);                // the docs' spelling appID is accepted
        }
        finally { Environment.SetEnvironmentVariable("AZURE_SECRET_TENANT", saved); }
    }
}
