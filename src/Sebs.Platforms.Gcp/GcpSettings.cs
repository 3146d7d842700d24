using System.Text.Json.Nodes;
using Sebs.Core;
using Sebs.Core.Configuration;

namespace Sebs.Platforms.Gcp;

/// <summary>
/// The <c>deployment.gcp</c> section (SeBS §2.4): region, credentials, the function-gen2 configuration (vCPUs,
/// concurrency, min/max instances), plus what SeBS hard-coded: API endpoints (for a test double), poll interval and
/// deadlines. Secrets are never held here: only the key file's path.
/// </summary>
public sealed class GcpSettings
{
    public string Region { get; init; } = "europe-west1";
    /// <summary>The project when the credential does not name one (application-default credentials); a key's project_id wins, as in SeBS.</summary>
    public string? ProjectName { get; init; }
    /// <summary>credentials.credentials-json (SeBS's object) or credentials as a plain path (SeBS's docs).</summary>
    public string? CredentialsFile { get; init; }
    public string? ResourcesId { get; init; }
    /// <summary>configuration.function-gen2.vcpus (SeBS default 1).</summary>
    public string Cpu { get; init; } = "1";
    /// <summary>configuration.function-gen2.gcp-concurrency: requests one instance serves at once (SeBS default 80).</summary>
    public int Concurrency { get; init; } = 80;
    public int MinInstances { get; init; }
    public int MaxInstances { get; init; } = 20;
    /// <summary>Endpoint overrides by API: cloudfunctions, run, logging, datastore, firestore, storage.</summary>
    public IReadOnlyDictionary<string, Uri> Endpoints { get; init; } = new Dictionary<string, Uri>();
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(2);
    /// <summary>How long a deployment (build + revision) may take before it is reported as stuck (SeBS #156 looped for ever).</summary>
    public TimeSpan DeployTimeout { get; init; } = TimeSpan.FromMinutes(10);
    /// <summary>First wait after a Cloud Logging quota error (SeBS sleeps 30 s on ResourceExhausted).</summary>
    public TimeSpan LoggingBackoff { get; init; } = TimeSpan.FromSeconds(30);

    public static GcpSettings From(SebsConfig config, string? region = null)
    {
        var section = GcpPlatformFactory.Gcp.Section(config);
        var endpoints = new Dictionary<string, Uri>(StringComparer.OrdinalIgnoreCase);
        if (section["endpoints"] is JsonObject e)
            foreach (var (api, value) in e)
                if (value is JsonValue v && v.TryGetValue<string>(out var url) && url.Length > 0)
                    endpoints[api] = Uri.TryCreate(url.EndsWith('/') ? url : url + "/", UriKind.Absolute, out var uri) ? uri
                        : throw new SebsException(SebsErrorIds.InvalidConfig, SebsErrorKind.InvalidData,
                            $"deployment.gcp.endpoints.{api} must be an absolute URL, not '{url}'.");
        // SeBS's code reads credentials["credentials-json"]; its docs show a plain string: both work here.
        var credentials = section["credentials"] switch
        {
            JsonObject o => Text(o, "credentials-json"),
            JsonValue v when v.TryGetValue<string>(out var s) && s.Length > 0 => s,
            _ => null,
        };
        var gen2 = section["configuration"]?["function-gen2"] as JsonObject;
        return new GcpSettings
        {
            Region = GcpPlatformFactory.Gcp.Region(config, region),
            ProjectName = Text(section, "project_name"),
            CredentialsFile = credentials,
            ResourcesId = Text(section["resources"] as JsonObject, "resources_id"),
            Cpu = gen2?["vcpus"]?.ToString() is { Length: > 0 } cpu ? cpu : "1",
            Concurrency = Int(gen2, "gcp-concurrency") ?? 80,
            MinInstances = Int(gen2, "min-instances") ?? 0,
            MaxInstances = Int(gen2, "max-instances") ?? 20,
            Endpoints = endpoints,
            PollInterval = TimeSpan.FromSeconds(Double(section, "poll-interval") ?? 2),
            DeployTimeout = TimeSpan.FromSeconds(Double(section, "deploy-timeout") ?? 600),
            LoggingBackoff = TimeSpan.FromSeconds(Double(section, "logging-backoff") ?? 30),
        };
    }

    /// <summary>The base URL of a Google API (public default, or the config's override).</summary>
    public Uri Endpoint(string api) => Endpoints.TryGetValue(api, out var uri) ? uri : new Uri($"https://{api}.googleapis.com/");

    private static string? Text(JsonObject? o, string key) =>
        o?[key] is JsonValue v && v.TryGetValue<string>(out var s) && s.Length > 0 ? s : null;
    private static int? Int(JsonObject? o, string key) =>
        o?[key] is JsonValue v && (v.TryGetValue<int>(out var i) || (v.TryGetValue<string>(out var s) && int.TryParse(s, out i))) ? i : null;
    private static double? Double(JsonObject? o, string key) =>
        o?[key] is JsonValue v && v.TryGetValue<double>(out var d) ? d : null;
}
