using System.IO.Compression;
using System.Text.Json.Nodes;
using Amazon.Runtime;
using Sebs.Core.Configuration;
using Sebs.Core.Results;
using Sebs.Platforms.Aws;
using Xunit;

namespace Sebs.Tests.Aws;

public class SigV4SignerTests
{
    private static string Auth(HttpRequestMessage r) => r.Headers.GetValues("Authorization").Single();

    // AWS's published Signature V4 test suite: credentials, date and expected signatures of two of its requests.
    private static readonly ImmutableCredentials Example = new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", null);
    private static readonly DateTime SignedAt = new(2015, 8, 30, 12, 36, 0, DateTimeKind.Utc);

    [Theory]
    [InlineData("https://example.amazonaws.com/", "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31")]
    [InlineData("https://example.amazonaws.com/?Param2=value2&Param1=value1", "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500")]
    [InlineData("https://example.amazonaws.com/?Param1=value1", "a67d582fa61cc504c4bae71f336f98b97f1ea3c7a6bfe1b6e45aec72011b9aeb")]
    public async Task Matches_the_published_test_suite(string url, string signature)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        await SigV4Signer.SignAsync(request, Example, "us-east-1", "service", SignedAt);
        Assert.Equal("20150830T123600Z", request.Headers.GetValues("X-Amz-Date").Single());
        Assert.Equal($"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature={signature}",
            Auth(request));
    }

    [Fact]
    public async Task Matches_the_published_post_vanilla_vector()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "https://example.amazonaws.com/");
        await SigV4Signer.SignAsync(request, Example, "us-east-1", "service", SignedAt);
        Assert.EndsWith("SignedHeaders=host;x-amz-date, Signature=5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b", Auth(request));
    }

    [Fact]
    public async Task Signs_each_attempt_afresh_with_the_current_time()
    {
        var clock = new DateTime(2026, 12, 1, 10, 0, 0, DateTimeKind.Utc);
        var auth = new SigV4Authenticator(new BasicAWSCredentials("AK", "SK"), "us-east-1", "lambda") { UtcNow = () => clock };
        using var first = new HttpRequestMessage(HttpMethod.Get, "https://lambda.us-east-1.amazonaws.com/2015-03-31/functions/");
        await auth.AuthenticateAsync(first, default);
        clock = clock.AddSeconds(3);
        using var second = new HttpRequestMessage(HttpMethod.Get, "https://lambda.us-east-1.amazonaws.com/2015-03-31/functions/");
        await auth.AuthenticateAsync(second, default);
        Assert.Equal("20261201T100000Z", first.Headers.GetValues("X-Amz-Date").Single());
        Assert.Equal("20261201T100003Z", second.Headers.GetValues("X-Amz-Date").Single());
        Assert.NotEqual(Auth(first), Auth(second));
    }

    [Fact]
    public async Task Signs_the_session_token_and_content_type_of_a_body()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "https://lambda.eu-west-1.amazonaws.com/2015-03-31/functions")
        {
            Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json"),
        };
        await SigV4Signer.SignAsync(request, new ImmutableCredentials("AK", "SK", "TOKEN"), "eu-west-1", "lambda", SignedAt);
        Assert.Equal("TOKEN", request.Headers.GetValues("X-Amz-Security-Token").Single());
        Assert.Contains("SignedHeaders=content-type;host;x-amz-date;x-amz-security-token,", Auth(request));
        Assert.Contains("Credential=AK/20150830/eu-west-1/lambda/aws4_request", Auth(request));
    }

    [Theory]
    [InlineData("/2015-03-31/functions/my-fn/invocations", "lambda", "/2015-03-31/functions/my-fn/invocations")]
    [InlineData("/bucket/a%20b.txt", "s3", "/bucket/a%20b.txt")]
    [InlineData("/bucket/a%20b.txt", "lambda", "/bucket/a%2520b.txt")]
    public void Encodes_paths_once_for_s3_and_twice_for_other_services(string path, string service, string expected) =>
        Assert.Equal(expected, SigV4Signer.CanonicalPath(new Uri("https://host" + path), service));
}

public class LambdaReportTests
{
    [Fact]
    public void Parses_a_cold_report_line_into_provider_times_memory_and_billing()
    {
        var line = "REPORT RequestId: 3f5e2c1a-1111-2222-3333-444455556666\tDuration: 102.25 ms\tBilled Duration: 103 ms\tMemory Size: 256 MB\tMax Memory Used: 71 MB\tInit Duration: 180.50 ms\t\n";
        var report = LambdaReport.Parse(line)!;
        Assert.Equal("3f5e2c1a-1111-2222-3333-444455556666", report.RequestId);
        var r = new ExecutionResult();
        report.ApplyTo(r);
        Assert.Equal(102250, r.ProviderTimes.ExecutionMicroseconds);
        Assert.Equal(180500, r.ProviderTimes.InitializationMicroseconds);
        Assert.Equal(71, r.Stats.MemoryUsedMB);
        Assert.Equal(103, r.Billing.BilledTimeMilliseconds);
        Assert.Equal(256, r.Billing.MemoryMB);
        Assert.Equal(0.103 * 0.25, r.Billing.GBSeconds, 9);
    }

    [Fact]
    public void Finds_the_report_in_a_log_tail_and_skips_other_lines()
    {
        var log = "START RequestId: abc Version: $LATEST\nhello\nEND RequestId: abc\nREPORT RequestId: abc\tDuration: 1.00 ms\tBilled Duration: 1 ms\tMemory Size: 128 MB\tMax Memory Used: 40 MB\t\n";
        var report = Assert.Single(LambdaReport.ParseAll(log));
        Assert.Equal("abc", report.RequestId);
        Assert.Null(report.InitDurationMs);
        Assert.Null(LambdaReport.Parse("END RequestId: abc"));
    }
}

public class AwsPackagingTests
{
    [Fact]
    public void Zips_the_package_with_forward_slashes_and_readable_modes()
    {
        var dir = TestPaths.NewTempDir();
        Directory.CreateDirectory(Path.Combine(dir, "function"));
        File.WriteAllText(Path.Combine(dir, "handler.py"), "def handler(e, c): pass\n");
        File.WriteAllText(Path.Combine(dir, "function", "function.py"), "x = 1\n");
        File.SetUnixFileMode(Path.Combine(dir, "handler.py"), UnixFileMode.UserRead | UnixFileMode.UserWrite);
        // A script that lost its mode (copied from Windows, say) is still recognised as executable.
        File.WriteAllText(Path.Combine(dir, "function", "run.sh"), "#!/bin/sh\necho hi\n");
        File.SetUnixFileMode(Path.Combine(dir, "function", "run.sh"), UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var zip = AwsPlatform.Zip(dir);
        using var archive = new ZipArchive(new MemoryStream(zip));
        Assert.Equal(new[] { "function/function.py", "function/run.sh", "handler.py" }, archive.Entries.Select(e => e.FullName).OrderBy(n => n, StringComparer.Ordinal));
        var mode = (archive.GetEntry("handler.py")!.ExternalAttributes >> 16) & 0x1FF;
        Assert.Equal(0b110_100_100, mode);
        Assert.Equal(0b111_101_101, (archive.GetEntry("function/run.sh")!.ExternalAttributes >> 16) & 0x1FF);
    }

    [Theory]
    [InlineData("python", "3.11", "python3.11")]
    [InlineData("nodejs", "20", "nodejs20.x")]
    public void Names_lambda_runtimes(string language, string version, string runtime) =>
        Assert.Equal(runtime, LambdaClient.RuntimeName(language, version));

    [Theory]
    [InlineData(50L * 1024 * 1024, false)]   // base64 of 50 MiB is past the 69,905,067-byte request limit
    [InlineData(48L * 1024 * 1024, true)]
    [InlineData(51L * 1024 * 1024, false)]
    public void Sends_a_zip_inline_only_when_the_request_stays_under_lambdas_body_limit(long zipBytes, bool inline) =>
        Assert.Equal(inline, new AwsSettings().FitsInline(zipBytes));

    [Fact]
    public void Asks_pip_for_the_glibc_tags_of_the_runtime()
    {
        var log = Sebs.Core.Diagnostics.NullSebsLog.Instance;
        Assert.Equal(new[] { "manylinux_2_34_x86_64", "manylinux_2_28_x86_64", "manylinux2014_x86_64" }, new LambdaDependencyInstaller("x64", log).Platforms("3.12"));
        // Amazon Linux 2 (python3.11) has glibc 2.26: a manylinux_2_28 wheel would not load there.
        Assert.Equal(new[] { "manylinux2014_aarch64" }, new LambdaDependencyInstaller("arm64", log).Platforms("3.11"));
    }

    [Fact]
    public void Drops_packages_the_lambda_python_runtime_provides()
    {
        Assert.Equal("boto3", LambdaDependencyInstaller.NameOf("boto3>=1.20"));
        Assert.Equal("Pillow", LambdaDependencyInstaller.NameOf("Pillow==10.0.1"));
    }
}

public class AwsSettingsTests
{
    [Fact]
    public void Reads_region_role_endpoints_and_trigger_choice_with_both_role_spellings()
    {
        var config = SebsConfig.Parse("""
        {"deployment": {"name": "aws", "aws": {"region": "eu-central-1", "lambda-role": "arn:aws:iam::1:role/top",
          "resources": {"use-function-url": false, "resources_id": "abcd1234"},
          "endpoints": {"lambda": "http://127.0.0.1:9999", "s3": "http://127.0.0.1:9000"}}}}
        """);
        var s = AwsSettings.From(config);
        Assert.Equal("eu-central-1", s.Region);
        Assert.Equal("arn:aws:iam::1:role/top", s.LambdaRoleArn);
        Assert.False(s.UseFunctionUrl);
        Assert.Equal("abcd1234", s.ResourcesId);
        Assert.Equal(new Uri("http://127.0.0.1:9999"), s.Endpoint("lambda"));
        Assert.Equal(new Uri("https://logs.eu-central-1.amazonaws.com/"), s.Endpoint("logs"));
        Assert.Equal(new Uri("https://iam.amazonaws.com/"), s.Endpoint("iam"));
        Assert.Equal("us-east-1", s.SigningRegion("iam"));
    }

    [Fact]
    public void Rejects_an_endpoint_that_is_not_a_url()
    {
        var config = SebsConfig.Parse("""{"deployment": {"name": "aws", "aws": {"endpoints": {"lambda": "not a url"}}}}""");
        var ex = Assert.Throws<Sebs.Core.SebsException>(() => AwsSettings.From(config));
        Assert.Equal("Sebs.InvalidConfig", ex.ErrorId);
    }
}
