using System.Text.Json.Nodes;
using Amazon.Runtime;
using Amazon.Runtime.CredentialManagement;
using Sebs.Core;
using Sebs.Core.Configuration;
using Sebs.Core.Platforms;

namespace Sebs.Platforms.Aws;

/// <summary>
/// The <c>deployment.aws</c> section (SeBS §2.4) plus what SeBS hard-coded: service endpoints (for S3-compatible
/// stores, LocalStack or a test double) and the role and trigger choices. Credentials are kept out of ToString.
/// </summary>
public sealed class AwsSettings
{
    public string Region { get; init; } = "us-east-1";
    /// <summary>The role functions run as; null = find or create <see cref="RoleName"/>.</summary>
    public string? LambdaRoleArn { get; init; }
    public string RoleName { get; init; } = "sebs-lambda-role";
    /// <summary>HTTP trigger through a Lambda Function URL (SeBS's default); API Gateway is not offered.</summary>
    public bool UseFunctionUrl { get; init; } = true;
    /// <summary>SeBS's resources_id: names buckets and functions.</summary>
    public string? ResourcesId { get; init; }
    /// <summary>Endpoint overrides by service (lambda, iam, sts, logs, s3); default: the public AWS endpoints.</summary>
    public IReadOnlyDictionary<string, Uri> Endpoints { get; init; } = new Dictionary<string, Uri>();
    /// <summary>Code packages larger than this go through S3 instead of inline (Lambda's limit for inline zips is 50 MB).</summary>
    public long InlineCodeLimitBytes { get; init; } = 50L * 1024 * 1024;

    /// <summary>
    /// Whether a zip can go inline: below the documented 50 MB, and its base64 plus the JSON around it under the
    /// request-body limit (69,905,067 bytes) that CreateFunction and UpdateFunctionCode enforce.
    /// </summary>
    public bool FitsInline(long zipBytes) => zipBytes <= InlineCodeLimitBytes && 4 * ((zipBytes + 2) / 3) + 64 * 1024 < 69_905_067;
    /// <summary>Base images of container-image functions by language (deployment.aws.image-base); default: Lambda's public base images.</summary>
    public IReadOnlyDictionary<string, string> ImageBases { get; init; } = new Dictionary<string, string>();
    /// <summary>How long to wait for a function to become Active or finish an update.</summary>
    public TimeSpan StateTimeout { get; init; } = TimeSpan.FromMinutes(5);
    /// <summary>Poll interval of the waiters.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(1);

    public static AwsSettings From(SebsConfig config, string? region = null)
    {
        var section = AwsPlatformFactory.Aws.Section(config);
        var resources = section["resources"] as JsonObject;
        var endpoints = new Dictionary<string, Uri>(StringComparer.OrdinalIgnoreCase);
        if (section["endpoints"] is JsonObject e)
            foreach (var (service, value) in e)
                if (value?.GetValue<string>() is { Length: > 0 } url)
                    endpoints[service] = Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri
                        : throw new SebsException(SebsErrorIds.InvalidConfig, SebsErrorKind.InvalidData,
                            $"deployment.aws.endpoints.{service} must be an absolute URL, not '{url}'.");
        // SeBS's example puts lambda-role at the top level, its code reads resources.lambda-role: both work.
        var role = resources?["lambda-role"]?.GetValue<string>() ?? section["lambda-role"]?.GetValue<string>();
        return new AwsSettings
        {
            Region = AwsPlatformFactory.Aws.Region(config, region),
            LambdaRoleArn = string.IsNullOrWhiteSpace(role) ? null : role,
            UseFunctionUrl = resources?["use-function-url"]?.GetValue<bool>() ?? true,
            ResourcesId = resources?["resources_id"]?.GetValue<string>(),
            Endpoints = endpoints,
            ImageBases = section["image-base"] is JsonObject bases
                ? bases.Where(p => p.Value is JsonValue).ToDictionary(p => p.Key, p => p.Value!.GetValue<string>(), StringComparer.OrdinalIgnoreCase)
                : new Dictionary<string, string>(),
            StateTimeout = TimeSpan.FromSeconds(section["state-timeout"]?.GetValue<double>() ?? 300),
            PollInterval = TimeSpan.FromSeconds(section["poll-interval"]?.GetValue<double>() ?? 1),
        };
    }

    /// <summary>The region's partition: its DNS suffix, ARN prefix and where its global IAM endpoint is.</summary>
    public AwsPartition Partition => AwsPartition.Of(Region);

    public Uri Endpoint(string service) =>
        Endpoints.TryGetValue(service, out var uri) ? uri
        : service == "iam" ? new Uri($"https://{Partition.IamHost}/")
        : new Uri($"https://{service}.{Region}.{Partition.DnsSuffix}/");

    /// <summary>The region a service's requests are signed for (IAM is global per partition and signs for its home region).</summary>
    public string SigningRegion(string service) => service == "iam" ? Partition.IamSigningRegion : Region;

    /// <summary>
    /// Credentials in SeBS's order (config, then AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY [+ AWS_SESSION_TOKEN]), then
    /// the chain every AWS tool follows, from AWSSDK.Core's <c>DefaultAWSCredentialsIdentityResolver</c>: the shared
    /// config/credentials profile ($AWS_PROFILE or default, with SSO and assumed roles), web identity
    /// ($AWS_WEB_IDENTITY_TOKEN_FILE + $AWS_ROLE_ARN: EKS, CodeBuild), the ECS container endpoint
    /// ($AWS_CONTAINER_CREDENTIALS_RELATIVE_URI/FULL_URI) and EC2 instance metadata (IMDSv2).
    /// </summary>
    /// <remarks>Refreshing credentials (SSO, roles, instance metadata) expire: the SDK object is kept and asked before each request.</remarks>
    /// <param name="profile">A profile named by the user (-Profile / -PlatformOption @{ Profile = ... }): as with the AWS CLI's
    /// --profile, it wins over the environment's keys; only keys written into the config come first.</param>
    public static AWSCredentials ResolveCredentials(SebsConfig config, Func<AWSCredentials?>? chain = null, string? profile = null)
    {
        var section = AwsPlatformFactory.Aws.Section(config)["credentials"] as JsonObject;
        string? Config(string key) => section?[key]?.GetValue<string>() is { Length: > 0 } v ? v : null;
        // A token belongs to the keys it came with: the config's keys take the config's token, the environment's the environment's.
        if (Config("access_key") is { } configKey)
        {
            var secret = Config("secret_key") ?? throw Missing("credentials.secret_key (the config names an access_key)");
            return Config("session_token") is { } token ? new SessionAWSCredentials(configKey, secret, token) : new BasicAWSCredentials(configKey, secret);
        }
        if (!string.IsNullOrEmpty(profile))
            return ProfileStore().TryGetAWSCredentials(profile, out var named) ? named
                : throw Missing($"a '{profile}' profile in the shared AWS config/credentials files (-Profile names it)");
        var envKey = Environment.GetEnvironmentVariable("AWS_ACCESS_KEY_ID");
        var envSecret = Environment.GetEnvironmentVariable("AWS_SECRET_ACCESS_KEY");
        if (!string.IsNullOrEmpty(envKey))
        {
            if (string.IsNullOrEmpty(envSecret)) throw Missing("$AWS_SECRET_ACCESS_KEY (AWS_ACCESS_KEY_ID is set)");
            var token = Environment.GetEnvironmentVariable("AWS_SESSION_TOKEN");
            return string.IsNullOrEmpty(token) ? new BasicAWSCredentials(envKey, envSecret) : new SessionAWSCredentials(envKey, envSecret, token);
        }
        profile = Environment.GetEnvironmentVariable("AWS_PROFILE") ?? "default";
        if (ProfileStore().TryGetAWSCredentials(profile, out var fromProfile))
            return fromProfile;
        if ((chain ?? SdkChain)() is { } found) return found;
        throw Missing($"credentials.access_key and credentials.secret_key or $AWS_ACCESS_KEY_ID and $AWS_SECRET_ACCESS_KEY; no '{profile}' profile " +
            "in the shared AWS config/credentials files, no web identity token ($AWS_WEB_IDENTITY_TOKEN_FILE), no container credentials endpoint " +
            "and no instance metadata either");
    }

    /// <summary>
    /// The SDK's default chain past profiles. Instance metadata is asked only when $AWS_EC2_METADATA_DISABLED is not true
    /// (the SDK honours it); off EC2 the chain fails, which is "no credentials", not an error of its own.
    /// </summary>
    private static AWSCredentials? SdkChain()
    {
        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("AWS_WEB_IDENTITY_TOKEN_FILE")))
            return AssumeRoleWithWebIdentityCredentials.FromEnvironmentVariables();
        var container = !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"))
            || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("AWS_CONTAINER_CREDENTIALS_FULL_URI"));
        var imdsDisabled = string.Equals(Environment.GetEnvironmentVariable("AWS_EC2_METADATA_DISABLED"), "true", StringComparison.OrdinalIgnoreCase);
        if (!container && imdsDisabled) return null;
        try { return Amazon.Runtime.Credentials.DefaultAWSCredentialsIdentityResolver.GetCredentials(null); }
        catch (AmazonClientException) { return null; }
    }

    /// <summary>The shared config/credentials files, honouring $AWS_SHARED_CREDENTIALS_FILE as the AWS CLI does.</summary>
    private static CredentialProfileStoreChain ProfileStore() =>
        Environment.GetEnvironmentVariable("AWS_SHARED_CREDENTIALS_FILE") is { Length: > 0 } file ? new CredentialProfileStoreChain(file) : new CredentialProfileStoreChain();

    private static SebsException Missing(string what) =>
        new(SebsErrorIds.MissingCredentials, SebsErrorKind.AuthenticationError, $"No Aws credentials: set {what}.", target: "Aws");
}
