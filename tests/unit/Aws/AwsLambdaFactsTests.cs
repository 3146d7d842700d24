using System.Net;
using System.Text.Json.Nodes;
using Sebs.Core;
using Sebs.Core.Configuration;
using Sebs.Core.Http;
using Sebs.Core.Results;
using Sebs.Platforms.Aws;
using Xunit;

namespace Sebs.Tests.Aws;

/// <summary>Lambda as of December 2026: runtimes, log formats, partitions, error shapes and wheels per runtime.</summary>
public class AwsLambdaFactsTests
{
    private static readonly Sebs.Core.Platforms.RuntimeTable Runtimes = new AwsPlatformFactory().Descriptor.Runtimes;
    private static readonly DateOnly December2026 = new(2026, 12, 1);

    private sealed class Log : Sebs.Core.Diagnostics.ISebsLog
    {
        public List<string> Warnings { get; } = new();
        public void Verbose(string message) { }
        public void Debug(string message) { }
        public void Warning(string message) => Warnings.Add(message);
    }

    [Fact]
    public void Defaults_are_the_newest_runtimes_lambda_supports()
    {
        Assert.Equal("3.14", Runtimes.Resolve("python", null, today: December2026));
        Assert.Equal("24", Runtimes.Resolve("nodejs", null, today: December2026));
        Assert.Equal(new[] { "3.14", "3.13", "3.12" }, Runtimes.SupportedVersions("python").Take(3));
        Assert.Equal(new[] { "24", "22" }, Runtimes.SupportedVersions("nodejs").Take(2));
    }

    [Theory]
    [InlineData("nodejs", "20", "2026-06-01")]
    [InlineData("python", "3.9", "2026-06-01")]
    [InlineData("python", "3.10", "2026-07-31")]
    public void Refuses_runtimes_lambda_blocks_for_new_functions_with_the_date(string language, string version, string blocked)
    {
        var ex = Assert.Throws<SebsException>(() => Runtimes.Resolve(language, version, today: December2026));
        Assert.Contains(blocked, ex.Message);
        Assert.Contains("no longer accepts", ex.Message);
    }

    [Fact]
    public void Warns_with_the_dates_before_a_runtime_is_blocked()
    {
        var log = new Log();
        Assert.Equal("20", Runtimes.Resolve("nodejs", "20", log, new DateOnly(2026, 5, 10)));
        var warning = Assert.Single(log.Warnings);
        Assert.Contains("deprecated since 2026-04-30", warning);
        Assert.Contains("blocked from 2026-06-01", warning);
        Assert.Equal("22", Runtimes.Resolve("nodejs", "22", log, December2026));
        Assert.Single(log.Warnings);
    }

    [Fact]
    public void Reads_the_json_log_formats_platform_report_with_init_and_timeout()
    {
        var line = """{"time":"2026-12-01T10:00:00.123Z","type":"platform.report","record":{"requestId":"r-1","metrics":{"durationMs":102.25,"billedDurationMs":103,"memorySizeMB":256,"maxMemoryUsedMB":71,"initDurationMs":180.5},"status":"timeout"}}""";
        var report = LambdaReport.Parse(line)!;
        Assert.Equal("r-1", report.RequestId);
        Assert.True(report.TimedOut);
        var r = new ExecutionResult();
        report.ApplyTo(r);
        Assert.Equal(102250, r.ProviderTimes.ExecutionMicroseconds);
        Assert.Equal(180500, r.ProviderTimes.InitializationMicroseconds);
        Assert.Equal(103, r.Billing.BilledTimeMilliseconds);
        Assert.Equal(71, r.Stats.MemoryUsedMB);
        Assert.True(r.TimedOut);
        Assert.Null(LambdaReport.Parse("""{"time":"x","type":"platform.start","record":{"requestId":"r-1"}}"""));
        Assert.Null(LambdaReport.Parse("""{"level":"INFO","message":"REPORT RequestId is a word here"}"""));
    }

    [Fact]
    public void Reads_snapstarts_restore_duration_and_a_text_timeout()
    {
        var line = "REPORT RequestId: abc\tDuration: 10.00 ms\tBilled Duration: 120 ms\tMemory Size: 512 MB\tMax Memory Used: 90 MB\tRestore Duration: 310.50 ms\tBilled Restore Duration: 110 ms\tStatus: timeout\t";
        var report = LambdaReport.Parse(line)!;
        Assert.Equal(310.5, report.RestoreDurationMs);
        Assert.Null(report.InitDurationMs);
        Assert.True(report.TimedOut);
        var r = new ExecutionResult();
        report.ApplyTo(r);
        Assert.Equal(310500, r.ProviderTimes.InitializationMicroseconds);
        Assert.Equal(120, r.Billing.BilledTimeMilliseconds);
    }

    [Fact]
    public void The_log_filter_matches_both_formats() =>
        Assert.Equal("?\"REPORT RequestId\" ?\"platform.report\"", LambdaReport.FilterPattern);

    [Theory]
    [InlineData("cn-north-1", "aws-cn", "https://lambda.cn-north-1.amazonaws.com.cn/", "https://iam.cn-north-1.amazonaws.com.cn/", "cn-north-1")]
    [InlineData("cn-northwest-1", "aws-cn", "https://lambda.cn-northwest-1.amazonaws.com.cn/", "https://iam.cn-north-1.amazonaws.com.cn/", "cn-north-1")]
    [InlineData("us-gov-west-1", "aws-us-gov", "https://lambda.us-gov-west-1.amazonaws.com/", "https://iam.us-gov.amazonaws.com/", "us-gov-west-1")]
    [InlineData("eu-west-1", "aws", "https://lambda.eu-west-1.amazonaws.com/", "https://iam.amazonaws.com/", "us-east-1")]
    public void Partitions_get_their_endpoints_arns_and_iam_signing_region(string region, string partition, string lambda, string iam, string iamRegion)
    {
        var s = new AwsSettings { Region = region };
        Assert.Equal(partition, s.Partition.Name);
        Assert.Equal(new Uri(lambda), s.Endpoint("lambda"));
        Assert.Equal(new Uri(iam), s.Endpoint("iam"));
        Assert.Equal(iamRegion, s.SigningRegion("iam"));
        Assert.All(IamClient.RolePolicies(partition), arn => Assert.StartsWith($"arn:{partition}:iam::aws:policy/", arn));
    }

    private static ControlPlaneResponse Answer(int status, string body, string? errorType = null) =>
        new((HttpStatusCode)status, body, errorType is null ? new Dictionary<string, string>() : new Dictionary<string, string> { ["x-amzn-errortype"] = errorType });

    [Fact]
    public void Reads_aws_error_shapes_and_knows_which_pass()
    {
        Assert.Equal(("ThrottlingException", "Rate exceeded"), AwsErrors.ErrorOf(Answer(400, """{"__type":"com.amazon.coral#ThrottlingException","message":"Rate exceeded"}""")));
        Assert.Equal(("NoSuchEntity", "gone"), AwsErrors.ErrorOf(Answer(404, "<ErrorResponse><Error><Type>Sender</Type><Code>NoSuchEntity</Code><Message>gone</Message></Error></ErrorResponse>")));
        Assert.True(AwsErrors.IsTransient(Answer(400, """{"__type":"ThrottlingException","message":"Rate exceeded"}""")));
        Assert.True(AwsErrors.IsTransient(Answer(409, """{"Type":"User","message":"An update is in progress for resource: arn"}""", "ResourceConflictException")));
        Assert.False(AwsErrors.IsTransient(Answer(409, """{"Type":"User","message":"Function already exist: f"}""", "ResourceConflictException")));
        Assert.True(AwsErrors.IsTransient(Answer(400, """{"Type":"User","message":"The role defined for the function cannot be assumed by Lambda."}""", "InvalidParameterValueException")));
        Assert.False(AwsErrors.IsTransient(Answer(400, """{"message":"bad"}""", "ValidationException")));
    }

    [Theory]
    [InlineData("3.14", "x64", "manylinux_2_34_x86_64,manylinux_2_28_x86_64,manylinux2014_x86_64")]
    [InlineData("3.12", "arm64", "manylinux_2_34_aarch64,manylinux_2_28_aarch64,manylinux2014_aarch64")]
    [InlineData("3.11", "x64", "manylinux2014_x86_64")]
    [InlineData("3.10", "arm64", "manylinux2014_aarch64")]
    public void Pip_asks_for_the_wheels_the_runtimes_glibc_loads(string version, string arch, string platforms)
    {
        var installer = new LambdaDependencyInstaller(arch, Sebs.Core.Diagnostics.NullSebsLog.Instance);
        var args = installer.PipArguments("/pkg", version, new[] { "numpy==2.1.0" });
        var given = args.Select((a, i) => (a, i)).Where(p => p.a == "--platform").Select(p => args[p.i + 1]);
        Assert.Equal(platforms.Split(','), given);
        Assert.Equal(version, args[args.ToList().IndexOf("--python-version") + 1]);
        Assert.Contains("--only-binary=:all:", args);
        Assert.Equal("numpy==2.1.0", args[^1]);
    }

    [Fact]
    public void A_failed_invocation_keeps_the_functions_own_log_lines()
    {
        var tail = "START RequestId: r Version: $LATEST\nTraceback (most recent call last):\nValueError: boom\nEND RequestId: r\nREPORT RequestId: r\tDuration: 1.00 ms\tBilled Duration: 1 ms\tMemory Size: 128 MB\tMax Memory Used: 40 MB\t\n";
        Assert.Equal("\nFunction log:\nTraceback (most recent call last):\nValueError: boom", LambdaLibraryTrigger.FunctionLog(tail));
        Assert.Equal("", LambdaLibraryTrigger.FunctionLog(""));
    }

    [Fact]
    public void Credentials_past_the_environment_come_from_the_sdk_chain()
    {
        var config = SebsConfig.Parse("""{"deployment": {"name": "aws", "aws": {}}}""");
        var saved = (Environment.GetEnvironmentVariable("AWS_ACCESS_KEY_ID"), Environment.GetEnvironmentVariable("AWS_PROFILE"), Environment.GetEnvironmentVariable("AWS_SHARED_CREDENTIALS_FILE"), Environment.GetEnvironmentVariable("AWS_CONFIG_FILE"));
        try
        {
            Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", null);
            Environment.SetEnvironmentVariable("AWS_PROFILE", "sebs-none");
            Environment.SetEnvironmentVariable("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/credentials");
            Environment.SetEnvironmentVariable("AWS_CONFIG_FILE", "/nonexistent/config");
            var chained = new Amazon.Runtime.BasicAWSCredentials("FROMCHAIN", "s");
            Assert.Same(chained, AwsSettings.ResolveCredentials(config, () => chained));
            var ex = Assert.Throws<SebsException>(() => AwsSettings.ResolveCredentials(config, () => null));
            Assert.Equal("Sebs.MissingCredentials", ex.ErrorId);
            Assert.Contains("web identity", ex.Message);
        }
        finally
        {
            Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", saved.Item1);
            Environment.SetEnvironmentVariable("AWS_PROFILE", saved.Item2);
            Environment.SetEnvironmentVariable("AWS_SHARED_CREDENTIALS_FILE", saved.Item3);
            Environment.SetEnvironmentVariable("AWS_CONFIG_FILE", saved.Item4);
        }
    }

    [Fact]
    public void A_named_profile_wins_over_the_environments_keys_and_a_missing_one_is_named()
    {
        var config = SebsConfig.Parse("""{"deployment": {"name": "aws", "aws": {}}}""");
        var dir = TestPaths.NewTempDir();
        var file = Path.Combine(dir, "credentials");
        File.WriteAllText(file, "[research]\naws_access_key_id = AKIARESEARCH\naws_secret_access_key = research-secret\n");
        var saved = (Environment.GetEnvironmentVariable("AWS_ACCESS_KEY_ID"), Environment.GetEnvironmentVariable("AWS_SECRET_ACCESS_KEY"),
            Environment.GetEnvironmentVariable("AWS_SHARED_CREDENTIALS_FILE"), Environment.GetEnvironmentVariable("AWS_CONFIG_FILE"));
        try
        {
            Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", "AKIAFROMENV");
            Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", "env-secret");
            Environment.SetEnvironmentVariable("AWS_SHARED_CREDENTIALS_FILE", file);
            Environment.SetEnvironmentVariable("AWS_CONFIG_FILE", Path.Combine(dir, "config"));
            Assert.Equal("AKIARESEARCH", AwsSettings.ResolveCredentials(config, () => null, profile: "research").GetCredentials().AccessKey);
            Assert.Equal("AKIAFROMENV", AwsSettings.ResolveCredentials(config, () => null).GetCredentials().AccessKey);
            var ex = Assert.Throws<SebsException>(() => AwsSettings.ResolveCredentials(config, () => null, profile: "nope"));
            Assert.Equal("Sebs.MissingCredentials", ex.ErrorId);
            Assert.Contains("'nope' profile", ex.Message);
        }
        finally
        {
            Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", saved.Item1);
            Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", saved.Item2);
            Environment.SetEnvironmentVariable("AWS_SHARED_CREDENTIALS_FILE", saved.Item3);
            Environment.SetEnvironmentVariable("AWS_CONFIG_FILE", saved.Item4);
            Directory.Delete(dir, true);
        }
    }
}

public class AwsContainerImageTests
{
    [Theory]
    [InlineData("python", "3.14", "public.ecr.aws/lambda/python:3.14")]
    [InlineData("nodejs", "24", "public.ecr.aws/lambda/nodejs:24")]
    public void Builds_from_lambdas_base_image_of_the_runtime(string language, string version, string image) =>
        Assert.Equal(image, ContainerImageBuilder.DefaultBase(language, version));

    [Fact]
    public void Registry_credentials_never_print_their_token() =>
        Assert.Equal("https://123456789012.dkr.ecr.us-east-1.amazonaws.com",
            new EcrLogin("https://123456789012.dkr.ecr.us-east-1.amazonaws.com", "QVdTOnNlY3JldA==").ToString());

    [Fact]
    public void Reads_the_base_images_of_the_config()
    {
        var config = SebsConfig.Parse("""{"deployment": {"name": "aws", "aws": {"image-base": {"python": "scratch"}}}}""");
        Assert.Equal("scratch", AwsSettings.From(config).ImageBases["python"]);
    }
}
