using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using Sebs.Core;
using Sebs.Core.Benchmarks;
using Sebs.Core.Caching;
using Sebs.Core.Diagnostics;
using Sebs.Core.Packaging;
using Sebs.Core.Platforms;
using Sebs.Core.Running;
using Xunit;

namespace Sebs.Tests.Running;

/// <summary>Skipped versus Failed, the summary, the URL-setting probe and the servers the suite starts.</summary>
public class RegressionOutcomeTests
{
    private static Benchmark B(string name, string path) => new()
    {
        Name = name, Path = path, TimeoutSeconds = 10, MemoryMB = 128, InputGenerator = InputGeneratorKind.Declarative,
        LanguageSpecs = new[] { new BenchmarkLanguage("python", new[] { "default" }) },
    };

    private static int ClosedPort()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        var port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    private static (RegressionSuite Suite, string Dir) SuiteFailingWith(Exception error)
    {
        var dir = TestPaths.NewTempDir();
        var cache = new SebsCache(Path.Combine(dir, "cache"));
        var runner = new BenchmarkRunner(RegressionSuiteTests.FailingPlatform.Create(error), cache, new CodePackageBuilder(cache));
        return (new RegressionSuite(runner, new RegressionOptions { OutputPath = Path.Combine(dir, "out") }), dir);
    }

    [Fact]
    public async Task A_case_this_machine_cannot_run_is_skipped_with_a_one_line_reason_and_no_error()
    {
        var (suite, dir) = SuiteFailingWith(new UnavailableHereException(SebsErrorIds.InputGenerationFailed, SebsErrorKind.ObjectNotFound,
            UnavailableReason.InputData, "No input files matching '*.mp4' in '/data/220.video-processing'.\nsecond line"));

        var result = await suite.RunCaseAsync(new RegressionCase(B("220.video-processing", "/nowhere"), "python"), CancellationToken.None);

        Assert.Equal(RegressionOutcome.Skipped, result.Outcome);
        Assert.False(result.Passed);
        Assert.Null(result.Error);
        Assert.Equal("No input files matching '*.mp4' in '/data/220.video-processing'.", result.SkipReason);
        var json = JsonNode.Parse(File.ReadAllText(result.ResultPath!))!.AsObject();
        Assert.Null(json["http"]);
        Assert.Equal(result.SkipReason, json["skipped"]!.GetValue<string>());
        Assert.False(json.ContainsKey("error"));
        Assert.Contains("skipped: No input files", result.ToString());
        Directory.Delete(dir, true);
    }

    [Fact]
    public async Task An_unavailable_error_wrapped_in_an_aggregate_is_still_a_skip()
    {
        var (suite, dir) = SuiteFailingWith(new AggregateException(new UnavailableHereException(SebsErrorIds.PackageBuildFailed,
            SebsErrorKind.ResourceUnavailable, UnavailableReason.Dependency, "pip could not install torch")));
        var result = await suite.RunCaseAsync(new RegressionCase(B("411.image-recognition", "/nowhere"), "python"), CancellationToken.None);
        Assert.Equal(RegressionOutcome.Skipped, result.Outcome);
        Assert.Equal("pip could not install torch", result.SkipReason);
        Directory.Delete(dir, true);
    }

    [Fact]
    public void The_summary_counts_each_outcome_and_lists_failures_and_skips()
    {
        var results = new[]
        {
            new RegressionResult { Benchmark = "010.sleep", Language = "python", Outcome = RegressionOutcome.Passed },
            new RegressionResult { Benchmark = "903.raises", Language = "python", Outcome = RegressionOutcome.Failed, Error = "boom" },
            new RegressionResult { Benchmark = "411.image-recognition", Language = "python", Outcome = RegressionOutcome.Skipped, SkipReason = "no torch" },
            new RegressionResult { Benchmark = "010.sleep", Language = "nodejs", Outcome = RegressionOutcome.Passed },
        };
        var s = RegressionSummary.From("Local", results, TimeSpan.FromSeconds(12.34));
        Assert.Equal((4, 2, 1, 1), (s.Total, s.Passed, s.Failed, s.Skipped));
        Assert.Equal(new[] { "903.raises (python)" }, s.FailedCases);
        Assert.Equal(new[] { "411.image-recognition (python): no torch" }, s.SkippedCases);
        Assert.Equal("Local: 2 passed, 1 failed, 1 skipped of 4 in 12.3 s", s.ToString());
    }

    private static Benchmark UploaderLike(string dir, string defaultUrl)
    {
        File.WriteAllText(Path.Combine(dir, "input.json"), $$$"""
            {
              "settings": { "u.url.test": "{{{defaultUrl}}}", "u.url.small": "http://127.0.0.1:1/never-checked", "u.name": "not a url" },
              "payload": { "name": "{{setting:u.name}}" },
              "sizes": { "test": { "url": "{{setting:u.url.test}}" }, "small": { "url": "{{setting:u.url.small}}" } }
            }
            """);
        return B("920.uploader-like", dir);
    }

    [Fact]
    public async Task An_unreachable_default_url_names_the_setting_to_give()
    {
        var dir = TestPaths.NewTempDir();
        var url = $"http://127.0.0.1:{ClosedPort()}/photo.jpg";
        var ex = await Assert.ThrowsAsync<UnavailableHereException>(() =>
            new UrlSettingProbe().CheckAsync(UploaderLike(dir, url), "test", new Dictionary<string, string>(), CancellationToken.None));
        Assert.Equal(UnavailableReason.Setting, ex.Reason);
        Assert.StartsWith($"the default URL of the setting 'u.url.test' ({url}) cannot be fetched from here (", ex.Message);
        Assert.EndsWith("give one that can with -Setting @{'u.url.test' = 'http://...'}", ex.Message);
        Assert.DoesNotContain("\n", ex.Message);
        Directory.Delete(dir, true);
    }

    [Fact]
    public async Task A_given_url_that_answers_passes_and_only_the_size_in_use_is_probed()
    {
        var dir = TestPaths.NewTempDir();
        using var server = new HttpListener();
        var port = ClosedPort();
        server.Prefixes.Add($"http://127.0.0.1:{port}/");
        server.Start();
        var served = 0;
        var serving = Task.Run(async () =>
        {
            var ctx = await server.GetContextAsync();
            Interlocked.Increment(ref served);
            Assert.StartsWith("SeBS/", ctx.Request.UserAgent);
            var body = Encoding.UTF8.GetBytes("jpeg");
            await ctx.Response.OutputStream.WriteAsync(body);
            ctx.Response.Close();
        });
        var benchmark = UploaderLike(dir, "http://203.0.113.1/unreachable.jpg");

        await new UrlSettingProbe().CheckAsync(benchmark, "test",
            new Dictionary<string, string> { ["u.url.test"] = $"http://127.0.0.1:{port}/photo.jpg" }, CancellationToken.None);

        await serving.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(1, served);
        Directory.Delete(dir, true);
    }

    [Fact]
    public async Task A_url_answering_with_an_error_status_is_unreachable_too()
    {
        var dir = TestPaths.NewTempDir();
        using var server = new HttpListener();
        var port = ClosedPort();
        server.Prefixes.Add($"http://127.0.0.1:{port}/");
        server.Start();
        var serving = Task.Run(async () =>
        {
            var ctx = await server.GetContextAsync();
            ctx.Response.StatusCode = 404;
            ctx.Response.Close();
        });
        var ex = await Assert.ThrowsAsync<UnavailableHereException>(() => new UrlSettingProbe().CheckAsync(UploaderLike(dir, $"http://127.0.0.1:{port}/gone.jpg"),
            "test", new Dictionary<string, string>(), CancellationToken.None));
        Assert.Contains("(HTTP 404)", ex.Message);
        await serving;
        Directory.Delete(dir, true);
    }

    [Fact]
    public async Task Servers_020_gets_an_echo_server_and_its_settings()
    {
        var platform = RegressionSuiteTests.FailingPlatform.Create(new InvalidOperationException("unused"));
        await using var servers = await RegressionServers.StartAsync(B("020.network-benchmark", "/nowhere"), platform,
            new Dictionary<string, string>(), 0, NullSebsLog.Instance, CancellationToken.None);
        Assert.NotNull(servers);
        Assert.Equal("127.0.0.1", servers!.Settings["server-address"]);
        Assert.Equal(servers.Port.ToString(), servers.Settings["server-port"]);
        Assert.Equal(servers.Port, servers.Payload["server-port"]!.GetValue<int>());

        using var udp = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        udp.Client.ReceiveTimeout = 5000;
        await udp.SendAsync(Encoding.UTF8.GetBytes("7"), new IPEndPoint(IPAddress.Loopback, servers.Port));
        var echo = await udp.ReceiveAsync().WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal("7", Encoding.UTF8.GetString(echo.Buffer));
    }

    [Fact]
    public async Task Servers_040_gets_a_reply_server_in_the_payload_at_the_given_address_and_port()
    {
        var platform = RegressionSuiteTests.FailingPlatform.Create(new InvalidOperationException("unused"));
        var port = ClosedPort();
        var settings = new Dictionary<string, string> { ["server-address"] = "127.0.0.3", ["server-port"] = port.ToString() };
        Assert.Equal(port, RegressionServers.FirstPort(settings));
        await using var servers = await RegressionServers.StartAsync(B("040.server-reply", "/nowhere"), platform, settings,
            RegressionServers.FirstPort(settings), NullSebsLog.Instance, CancellationToken.None);
        Assert.Empty(servers!.Settings);
        Assert.Equal("127.0.0.3", servers.Payload["ip-address"]!.GetValue<string>());
        Assert.Equal(port, servers.Payload["port"]!.GetValue<int>());

        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Parse("127.0.0.3"), port);
        var buffer = new byte[64];
        var n = await tcp.GetStream().ReadAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal("accepted", Encoding.UTF8.GetString(buffer, 0, n));
    }

    [Fact]
    public async Task Other_benchmarks_get_no_server_and_a_cloud_function_without_an_address_is_unavailable()
    {
        var local = RegressionSuiteTests.FailingPlatform.Create(new InvalidOperationException("unused"));
        Assert.False(RegressionServers.IsNeededBy(B("010.sleep", "/nowhere")));
        Assert.Null(await RegressionServers.StartAsync(B("010.sleep", "/nowhere"), local, new Dictionary<string, string>(), 0, NullSebsLog.Instance, CancellationToken.None));

        var cloud = RegressionSuiteTests.FailingPlatform.Create(new InvalidOperationException("unused"), new PlatformName("Aws"));
        var ex = await Assert.ThrowsAsync<UnavailableHereException>(() => RegressionServers.StartAsync(B("030.clock-synchronization", "/nowhere"), cloud,
            new Dictionary<string, string>(), 0, NullSebsLog.Instance, CancellationToken.None));
        Assert.Equal(UnavailableReason.Setting, ex.Reason);
        Assert.Contains("-Setting @{'server-address' = ...}", ex.Message);
    }

    [Fact]
    public void A_server_port_that_is_not_a_port_is_a_config_error()
    {
        var ex = Assert.Throws<SebsException>(() => RegressionServers.FirstPort(new Dictionary<string, string> { ["server-port"] = "70000" }));
        Assert.Equal(SebsErrorIds.InvalidConfig, ex.ErrorId);
        Assert.Equal(0, RegressionServers.FirstPort(new Dictionary<string, string>()));
    }
}
