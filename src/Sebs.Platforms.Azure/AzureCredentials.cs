using System.Text.Json.Nodes;
using Azure.Core;
using Azure.Identity;
using Sebs.Core;
using Sebs.Core.Configuration;

namespace Sebs.Platforms.Azure;

/// <summary>
/// Which Entra credential Sebs uses, in this order: the config's <c>credentials {appId, tenant, password}</c> (SeBS §2.7),
/// SeBS's <c>AZURE_SECRET_APPLICATION_ID</c>/<c>AZURE_SECRET_TENANT</c>/<c>AZURE_SECRET_PASSWORD</c>, the standard
/// <c>AZURE_CLIENT_ID</c>/<c>AZURE_CLIENT_SECRET</c>/<c>AZURE_TENANT_ID</c>, else <see cref="DefaultAzureCredential"/> when
/// one of its sources is present on this machine (workload identity, managed identity, an az/azd/PowerShell login).
/// </summary>
public static class AzureCredentials
{
    public static readonly string[] Variables =
    {
        "AZURE_SECRET_APPLICATION_ID", "AZURE_SECRET_TENANT", "AZURE_SECRET_PASSWORD",
        "AZURE_CLIENT_ID", "AZURE_CLIENT_SECRET", "AZURE_TENANT_ID", "AZURE_FEDERATED_TOKEN_FILE", "AZURE_CLIENT_CERTIFICATE_PATH",
    };

    /// <summary>Resolves a credential without any network call; none at all is Sebs.MissingCredentials.</summary>
    public static TokenCredential Resolve(SebsConfig config, AzureSettings settings)
    {
        var section = AzurePlatformFactory.Azure.Section(config)["credentials"] as JsonObject;
        // SeBS's code reads "appId" (its docs say "appID"): both are accepted.
        string? Config(params string[] keys) => keys.Select(k => section?[k] is JsonValue v && v.TryGetValue<string>(out var s) && s.Length > 0 ? s : null).FirstOrDefault(s => s is not null);
        static string? Env(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } v ? v : null;

        if (Config("appId", "appID") is { } appId)
            return Secret(Config("tenant") ?? throw Missing("credentials.tenant (the config names an appId)"),
                appId, Config("password") ?? throw Missing("credentials.password (the config names an appId)"), settings);
        if (Env("AZURE_SECRET_APPLICATION_ID") is { } sebsId)
            return Secret(Env("AZURE_SECRET_TENANT") ?? throw Missing("$AZURE_SECRET_TENANT (AZURE_SECRET_APPLICATION_ID is set)"),
                sebsId, Env("AZURE_SECRET_PASSWORD") ?? throw Missing("$AZURE_SECRET_PASSWORD (AZURE_SECRET_APPLICATION_ID is set)"), settings);
        if (Env("AZURE_CLIENT_ID") is { } clientId && Env("AZURE_CLIENT_SECRET") is { } secret)
            return Secret(Env("AZURE_TENANT_ID") ?? throw Missing("$AZURE_TENANT_ID (AZURE_CLIENT_ID and AZURE_CLIENT_SECRET are set)"), clientId, secret, settings);
        if (DefaultSourcePresent())
            return new DefaultAzureCredential(new DefaultAzureCredentialOptions { AuthorityHost = settings.AuthorityHost ?? AzureAuthorityHosts.AzurePublicCloud });
        throw Missing("credentials.appId/tenant/password in the config, $AZURE_SECRET_APPLICATION_ID/$AZURE_SECRET_TENANT/$AZURE_SECRET_PASSWORD, " +
            "$AZURE_CLIENT_ID/$AZURE_CLIENT_SECRET/$AZURE_TENANT_ID, or sign in with 'az login' (DefaultAzureCredential found no source)");
    }

    private static TokenCredential Secret(string tenant, string clientId, string secret, AzureSettings settings)
    {
        var options = new ClientSecretCredentialOptions();
        if (settings.AuthorityHost is { } host)
        {
            options.AuthorityHost = host;
            // A private authority (a sovereign cloud's or a test's) has no entry in Entra's instance discovery.
            options.DisableInstanceDiscovery = true;
        }
        if (settings.AuthorityCertificate is { } pem)
            options.Transport = new global::Azure.Core.Pipeline.HttpClientTransport(TrustingHandler(pem));
        return new ClientSecretCredential(tenant, clientId, secret, options);
    }

    /// <summary>Validates the authority's certificate against the system roots, else against the one given root.</summary>
    private static HttpMessageHandler TrustingHandler(string pemPath)
    {
        if (!File.Exists(pemPath))
            throw new SebsException(SebsErrorIds.InvalidConfig, SebsErrorKind.InvalidData,
                $"deployment.azure.endpoints.authority-certificate: no file '{pemPath}'.", target: "Azure");
        var root = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(File.ReadAllText(pemPath));
        var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, chain, errors) =>
        {
            if (errors == System.Net.Security.SslPolicyErrors.None) return true;
            if (certificate is null || (errors & System.Net.Security.SslPolicyErrors.RemoteCertificateNameMismatch) != 0) return false;
            using var custom = new System.Security.Cryptography.X509Certificates.X509Chain();
            custom.ChainPolicy.TrustMode = System.Security.Cryptography.X509Certificates.X509ChainTrustMode.CustomRootTrust;
            custom.ChainPolicy.CustomTrustStore.Add(root);
            custom.ChainPolicy.RevocationMode = System.Security.Cryptography.X509Certificates.X509RevocationMode.NoCheck;
            return custom.Build(new System.Security.Cryptography.X509Certificates.X509Certificate2(certificate));
        };
        return handler;
    }

    /// <summary>Whether DefaultAzureCredential has anything to try here, judged from files and variables only.</summary>
    private static bool DefaultSourcePresent()
    {
        if (Environment.GetEnvironmentVariable("AZURE_FEDERATED_TOKEN_FILE") is { Length: > 0 }) return true;
        if (Environment.GetEnvironmentVariable("AZURE_CLIENT_CERTIFICATE_PATH") is { Length: > 0 }) return true;
        if (Environment.GetEnvironmentVariable("IDENTITY_ENDPOINT") is { Length: > 0 } || Environment.GetEnvironmentVariable("MSI_ENDPOINT") is { Length: > 0 }) return true;
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        var azureConfig = Environment.GetEnvironmentVariable("AZURE_CONFIG_DIR") is { Length: > 0 } d ? d : Path.Combine(home, ".azure");
        return File.Exists(Path.Combine(azureConfig, "msal_token_cache.json")) || File.Exists(Path.Combine(azureConfig, "msal_token_cache.bin"))
            || Directory.Exists(Path.Combine(home, ".azd", "auth"));
    }

    private static SebsException Missing(string what) =>
        new(SebsErrorIds.MissingCredentials, SebsErrorKind.AuthenticationError, $"No Azure credentials: set {what}.", target: "Azure");
}
