using Sebs.Core.Platforms;

namespace Sebs.Core.Configuration;

/// <summary>
/// Resolves cloud credentials the way SeBS does: the config's <c>credentials</c> block first, then the environment
/// variables SeBS documents. Values are never logged or serialised; only which source was used.
/// </summary>
public static class Credentials
{
    /// <summary>The environment variables each platform reads, in SeBS's order.</summary>
    public static IReadOnlyList<string> EnvironmentVariables(PlatformName platform) => platform switch
    {
        PlatformName.Aws => new[] { "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY" },
        PlatformName.Azure => new[] { "AZURE_SECRET_APPLICATION_ID", "AZURE_SECRET_TENANT", "AZURE_SECRET_PASSWORD" },
        PlatformName.Gcp => new[] { "GOOGLE_APPLICATION_CREDENTIALS", "GCP_SECRET_APPLICATION_CREDENTIALS" },
        _ => Array.Empty<string>(),
    };

    private static readonly Dictionary<string, (string Config, string Env)[]> Keys = new()
    {
        ["aws"] = new[] { ("access_key", "AWS_ACCESS_KEY_ID"), ("secret_key", "AWS_SECRET_ACCESS_KEY") },
        ["azure"] = new[] { ("appId", "AZURE_SECRET_APPLICATION_ID"), ("tenant", "AZURE_SECRET_TENANT"), ("password", "AZURE_SECRET_PASSWORD") },
    };

    /// <summary>
    /// Returns the credential values for a cloud platform, or throws <see cref="SebsErrorIds.MissingCredentials"/>
    /// naming what is missing (never the values).
    /// </summary>
    public static IReadOnlyDictionary<string, string> Resolve(SebsConfig config, PlatformName platform)
    {
        var result = new Dictionary<string, string>();
        var creds = config.DeploymentSection(platform)["credentials"] as System.Text.Json.Nodes.JsonObject;
        if (platform == PlatformName.Gcp)
        {
            var path = creds?["credentials-json"]?.GetValue<string>()
                ?? Environment.GetEnvironmentVariable("GOOGLE_APPLICATION_CREDENTIALS")
                ?? Environment.GetEnvironmentVariable("GCP_SECRET_APPLICATION_CREDENTIALS");
            if (string.IsNullOrEmpty(path))
                throw Missing(platform, "credentials.credentials-json or GOOGLE_APPLICATION_CREDENTIALS / GCP_SECRET_APPLICATION_CREDENTIALS");
            if (!File.Exists(path))
                throw new SebsException(SebsErrorIds.MissingCredentials, SebsErrorKind.AuthenticationError,
                    $"The GCP credentials file '{path}' does not exist.");
            result["credentials-json"] = path;
            return result;
        }
        if (!Keys.TryGetValue(platform.ToSebsName(), out var keys)) return result;
        var missing = new List<string>();
        foreach (var (configKey, env) in keys)
        {
            // Azure's docs spell it appID; the code read appId. Accept both.
            var value = creds?[configKey]?.GetValue<string>() ?? (configKey == "appId" ? creds?["appID"]?.GetValue<string>() : null)
                ?? Environment.GetEnvironmentVariable(env);
            if (string.IsNullOrEmpty(value)) missing.Add($"credentials.{configKey} or ${env}");
            else result[configKey] = value;
        }
        if (missing.Count > 0) throw Missing(platform, string.Join(", ", missing));
        return result;
    }

    private static SebsException Missing(PlatformName platform, string what) =>
        new(SebsErrorIds.MissingCredentials, SebsErrorKind.AuthenticationError,
            $"No {platform} credentials: set {what}.", target: platform.ToString());
}
