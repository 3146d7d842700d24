using System.Text.Json.Nodes;
using Google.Apis.Auth.OAuth2;
using Google.Apis.Auth.OAuth2.Responses;
using Sebs.Core;

namespace Sebs.Platforms.Gcp;

/// <summary>
/// Where GCP credentials come from (SeBS §2.7): the config's key file, else $GOOGLE_APPLICATION_CREDENTIALS, else SeBS's
/// $GCP_SECRET_APPLICATION_CREDENTIALS; a service-account key gives the project (its project_id, as in SeBS). Without
/// a key, the application-default credentials that gcloud writes (<c>gcloud auth application-default login</c>, in
/// $CLOUDSDK_CONFIG or ~/.config/gcloud) are used,
/// with the project from the config's project_name or $GOOGLE_CLOUD_PROJECT. Nothing is sent before this resolves.
/// </summary>
public sealed class GcpCredentials
{
    public const string Scope = "https://www.googleapis.com/auth/cloud-platform";

    private GcpCredentials(GoogleCredential credential, string projectId, string source, string? account)
    {
        Credential = credential;
        ProjectId = projectId;
        Source = source;
        Account = account;
    }

    /// <summary>Scoped to cloud-platform; asked for a token before every attempt (it refreshes itself).</summary>
    public GoogleCredential Credential { get; }
    public string ProjectId { get; }
    /// <summary>Where the credential came from (a path or "application-default"), for messages: never the key itself.</summary>
    public string Source { get; }
    public string? Account { get; }

    /// <summary>A token for the next attempt; a refused grant (a revoked key, a wrong token_uri) names what the token service said.</summary>
    public async ValueTask<string> TokenAsync(CancellationToken ct)
    {
        try
        {
            return await ((ITokenAccess)Credential).GetAccessTokenForRequestAsync(null, ct).ConfigureAwait(false);
        }
        catch (TokenResponseException ex)
        {
            throw new SebsException(SebsErrorIds.CloudRequestFailed, SebsErrorKind.AuthenticationError,
                $"Google OAuth: no access token for {Account ?? Source}: {ex.Error?.Error}: {ex.Error?.ErrorDescription}", ex, target: "Gcp");
        }
    }

    public override string ToString() => $"{Account ?? "application-default"} ({ProjectId})";

    public static GcpCredentials Resolve(GcpSettings settings)
    {
        var (path, from) = settings.CredentialsFile is { } c ? (c, "deployment.gcp.credentials")
            : Environment.GetEnvironmentVariable("GOOGLE_APPLICATION_CREDENTIALS") is { Length: > 0 } g ? (g, "$GOOGLE_APPLICATION_CREDENTIALS")
            : Environment.GetEnvironmentVariable("GCP_SECRET_APPLICATION_CREDENTIALS") is { Length: > 0 } s ? (s, "$GCP_SECRET_APPLICATION_CREDENTIALS")
            : (null, null);
        if (path is not null) return FromKeyFile(path, from!, settings);
        var adc = WellKnownAdcFile();
        if (File.Exists(adc))
        {
            JsonObject? file = null;
            try { file = JsonNode.Parse(File.ReadAllText(adc)) as JsonObject; }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Text.Json.JsonException)
            {
                throw Missing($"gcloud's application-default credentials {adc} cannot be read: {ex.Message}");
            }
            var project = settings.ProjectName ?? (Environment.GetEnvironmentVariable("GOOGLE_CLOUD_PROJECT") is { Length: > 0 } env ? env : null)
                ?? (file?["project_id"]?.ToString() is { Length: > 0 } p ? p : null)
                ?? (file?["quota_project_id"]?.ToString() is { Length: > 0 } q ? q : null)
                ?? throw Missing($"the application-default credentials in {adc} name no project: set deployment.gcp.project_name or $GOOGLE_CLOUD_PROJECT");
            // The well-known file is gcloud's own, of the type it says; the credential factory checks that it is that type.
            var type = file?["type"]?.ToString() ?? "";
            if (type is not ("authorized_user" or "service_account" or "impersonated_service_account" or "external_account"))
                throw Missing($"gcloud's application-default credentials {adc} are of an unknown type '{type}'");
            GoogleCredential credential;
            try { credential = CredentialFactory.FromFile(adc, type).CreateScoped(Scope); }
            catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or FormatException or IOException or System.Security.Cryptography.CryptographicException)
            {
                throw Missing($"gcloud's application-default credentials {adc} are not usable: {ex.Message}");
            }
            return new GcpCredentials(credential, project, "application-default", null);
        }
        throw Missing("set deployment.gcp.credentials.credentials-json or $GOOGLE_APPLICATION_CREDENTIALS (or $GCP_SECRET_APPLICATION_CREDENTIALS) " +
            "to a service-account key file, or run 'gcloud auth application-default login'");
    }

    private static GcpCredentials FromKeyFile(string path, string from, GcpSettings settings)
    {
        path = Environment.ExpandEnvironmentVariables(path.StartsWith("~/", StringComparison.Ordinal)
            ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), path[2..]) : path);
        JsonObject key;
        try { key = JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? throw new FormatException("not a JSON object"); }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or System.Text.Json.JsonException)
        {
            throw Missing($"the key file {path} (from {from}) cannot be read: {ex.Message}");
        }
        if (key["type"]?.ToString() != "service_account")
            throw Missing($"{path} (from {from}) is not a service-account key (its type is '{key["type"]}')");
        var project = key["project_id"]?.ToString() is { Length: > 0 } p ? p : settings.ProjectName
            ?? throw Missing($"the key file {path} has no project_id; set deployment.gcp.project_name");
        try
        {
            var account = CredentialFactory.FromFile<ServiceAccountCredential>(path);
            return new GcpCredentials(account.ToGoogleCredential().CreateScoped(Scope), project, path, account.Id);
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or FormatException or IOException or System.Security.Cryptography.CryptographicException)
        {
            throw Missing($"the key file {path} (from {from}) is not a usable service-account key: {ex.Message}");
        }
    }

    private static string WellKnownAdcFile()
    {
        var dir = Environment.GetEnvironmentVariable("CLOUDSDK_CONFIG") is { Length: > 0 } d ? d
            : OperatingSystem.IsWindows() ? Path.Combine(Environment.GetEnvironmentVariable("APPDATA") ?? "", "gcloud")
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".config", "gcloud");
        return Path.Combine(dir, "application_default_credentials.json");
    }

    private static SebsException Missing(string what) =>
        new(SebsErrorIds.MissingCredentials, SebsErrorKind.AuthenticationError, $"No usable Gcp credentials: {what}.", target: "Gcp");
}
