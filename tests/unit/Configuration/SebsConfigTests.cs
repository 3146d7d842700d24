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
        Assert.Equal("aws", c.Platform);
        Assert.True(c.UpdateStorage);
        Assert.Equal("arm64", c.Architecture);
        Assert.Equal("container", c.SystemVariant); // legacy container_deployment key
        Assert.Equal(new RuntimeSpec("python", "3.11"), c.Runtime);
        Assert.Equal(50, c.Experiments["perf-cost"]["repetitions"]!.GetValue<int>());
        Assert.Equal("eu-central-1", TestPlatforms.Descriptor("Aws", defaultRegion: "us-east-1").Region(c));
        Assert.Equal("europe-west1", TestPlatforms.Descriptor("Gcp", defaultRegion: "europe-west1").Region(c));
        Assert.Equal("ap-south-1", TestPlatforms.Descriptor("Aws").Region(c, "ap-south-1"));
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
    [InlineData("AWS")]
    [InlineData("aws")]
    [InlineData("lambda")]
    public void Platform_names_and_aliases_resolve_case_insensitively(string name) =>
        Assert.Equal(new PlatformName("Aws"), TestPlatforms.Registry().Resolve(name).Descriptor.Name);

    [Theory]
    [InlineData("openwhisk")]
    [InlineData("1")]
    [InlineData("")]
    [InlineData("../aws")]
    public void Unknown_platforms_are_rejected_with_the_registered_names(string name)
    {
        var ex = Assert.Throws<SebsException>(() => TestPlatforms.Registry().Resolve(name));
        Assert.Equal(SebsErrorIds.UnknownPlatform, ex.ErrorId);
        Assert.Contains("Registered platforms: Aws, Local", ex.Message);
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

}
