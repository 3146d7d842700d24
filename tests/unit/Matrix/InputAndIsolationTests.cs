using System.Text.Json.Nodes;
using Sebs.Core;
using Sebs.Core.Configuration;
using Sebs.Core.Invocation;
using Sebs.Core.Results;
using Sebs.Platforms.Local.Sandboxes;
using Xunit;

namespace Sebs.Tests.Matrix;

/// <summary>Unit cases of the fault and bad-input matrices (the Pester matrices run them through the cmdlets).</summary>
public class InputAndIsolationTests
{
    [Fact]
    public void A_process_sandbox_gets_the_minimal_base_and_its_own_variables_never_credentials()
    {
        var parent = new Dictionary<string, string>
        {
            ["PATH"] = "/usr/bin", ["HOME"] = "/home/u", ["LANG"] = "C.UTF-8",
            ["AWS_SECRET_ACCESS_KEY"] = "s", ["AZURE_CLIENT_SECRET"] = "s", ["GOOGLE_APPLICATION_CREDENTIALS"] = "/k.json", ["GITHUB_TOKEN"] = "t",
        };
        var env = SandboxEnvironment.For(new Dictionary<string, string> { ["SEBS_STORAGE_DIR"] = "/x", ["PATH"] = "/fn/bin" },
            n => parent.GetValueOrDefault(n));
        Assert.Equal(new[] { "HOME", "LANG", "PATH", "SEBS_STORAGE_DIR" }, env.Keys.OrderBy(k => k, StringComparer.Ordinal));
        Assert.Equal("/fn/bin", env["PATH"]);
    }

    [Fact]
    public void A_failed_invocation_keeps_the_cold_flag_of_its_output()
    {
        var result = new ExecutionResult();
        var ok = WrapperOutput.Apply(result, JsonNode.Parse("""{"is_cold": true, "begin": "1.0", "end": "1.5", "error": {"type": "E", "message": "m"}}"""));
        Assert.False(ok);
        Assert.True(result.Failed);
        Assert.True(result.IsCold);
    }

    [Theory]
    [InlineData("update_cod", "update_code")]
    [InlineData("experimets", "experiments")]
    [InlineData("perf_cost", "perf-cost")]
    [InlineData("zzzzzzzzzz", null)]
    public void Unknown_keys_get_the_nearest_known_one(string key, string? expected)
    {
        Assert.Equal(expected, ConfigKeys.Nearest(key, new[] { "update_code", "experiments", "perf-cost", "deployment" }));
    }

    [Fact]
    public void A_config_with_unknown_keys_loads_and_warns_with_the_key_path()
    {
        var config = SebsConfig.Parse("""{"experiments": {"update_cod": true, "runtime": {"language": "python", "version": "3.11"}}, "deploymnet": {}}""", "c.json");
        Assert.Contains(config.Warnings, w => w.Contains("'experiments.update_cod'") && w.Contains("'experiments.update_code'"));
        Assert.Contains(config.Warnings, w => w.Contains("'deploymnet'") && w.Contains("'deployment'"));
        Assert.Equal(2, config.Warnings.Count);
    }

    [Fact]
    public void Secrets_are_redacted_in_what_a_config_shows_but_platforms_still_read_them()
    {
        var config = SebsConfig.Parse("""{"experiments": {"perf-cost": {"repetitions": 1}}, "deployment": {"aws": {"credentials": {"secret_key": "S3CR3T"}}}}""");
        Assert.DoesNotContain("S3CR3T", config.Raw.ToJsonString());
        Assert.DoesNotContain("S3CR3T", config.Deployments["aws"].ToJsonString());
        // An experiment's settings must not lead back (Parent/Root) to the whole file.
        Assert.Null(config.Experiments["perf-cost"].Parent);
        Assert.Equal("S3CR3T", config.DeploymentSection("aws")["credentials"]!["secret_key"]!.GetValue<string>());
    }

    [Fact]
    public void Files_with_invalid_utf8_are_refused_naming_the_file_and_offset()
    {
        var path = Path.Combine(TestPaths.NewTempDir(), "config.json");
        File.WriteAllBytes(path, new byte[] { (byte)'{', (byte)'"', 0xC3, 0x28, (byte)'"', (byte)'}' });
        var ex = Assert.Throws<SebsException>(() => SebsConfig.Load(path));
        Assert.Equal(SebsErrorIds.InvalidConfig, ex.ErrorId);
        Assert.Contains(path, ex.Message);
        Assert.Contains("offset 2", ex.Message);
    }

    [Theory]
    [InlineData("sebs-local-010.sleep-python-3.11", true)]
    [InlineData("my_function.v2", true)]
    [InlineData("../x", false)]
    [InlineData("a/b", false)]
    [InlineData("a\\b", false)]
    [InlineData("..", false)]
    [InlineData("a..b", false)]
    [InlineData(".hidden", false)]
    [InlineData("", false)]
    [InlineData("with space", false)]
    public void Names_that_reach_the_file_system_are_checked(string name, bool valid) => Assert.Equal(valid, SafeName.IsValid(name));

    [Fact]
    public void An_unwritable_results_location_is_refused_before_any_work()
    {
        var dir = TestPaths.NewTempDir();
        var ex = Assert.Throws<SebsException>(() => ResultsLocation.EnsureWritableFile(dir, "-ResultsPath"));
        Assert.Equal(SebsErrorIds.ResultsNotWritable, ex.ErrorId);
        Assert.Equal(SebsErrorKind.WriteError, ex.Kind);
        Assert.Throws<SebsException>(() => ResultsLocation.EnsureWritableDirectory("/proc/sebs-no-write", "-OutputPath"));
        ResultsLocation.EnsureWritableFile(Path.Combine(dir, "new", "r.jsonl"), "-ResultsPath");
        Assert.Empty(Directory.GetFiles(Path.Combine(dir, "new")));
    }

    [Fact]
    public void Host_runtime_versions_match_at_the_precision_of_the_runtime_tables()
    {
        Assert.True(HostRuntime.Matches("3.11", "3.11"));
        Assert.True(HostRuntime.Matches("20", "20"));
        Assert.False(HostRuntime.Matches("3.8", "3.11"));
        Assert.False(HostRuntime.Matches("18", "20"));
    }
}
