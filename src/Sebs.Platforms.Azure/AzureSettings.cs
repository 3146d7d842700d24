using System.Globalization;
using System.Text.Json.Nodes;
using Sebs.Core;
using Sebs.Core.Configuration;
using Sebs.Core.Platforms;

namespace Sebs.Platforms.Azure;

/// <summary>The hosting plan function apps are created on.</summary>
public enum AzureHostingPlan
{
    /// <summary>Flex Consumption (FC1): the default; Linux Consumption retires on 30 Sep 2028 (facts A1).</summary>
    Flex,
    /// <summary>Classic Linux Consumption (Y1, "Dynamic"), as SeBS used it, so results compare with SeBS's papers (facts A2).</summary>
    Consumption,
}

/// <summary>
/// The <c>deployment.azure</c> section (SeBS §2.4) plus what SeBS hard-coded or left to the az CLI: subscription,
/// hosting plan, instance limits and the service endpoints (ARM, SCM, Blob, Application Insights, Entra), which tests
/// point at fakes. Credentials are resolved separately (<see cref="AzureCredentials"/>) and never kept here.
/// </summary>
public sealed class AzureSettings
{
    public string Region { get; init; } = "westeurope";
    public string SubscriptionId { get; init; } = "";
    /// <summary>SeBS's resources_id: names the resource group, storage account and apps.</summary>
    public string? ResourcesId { get; init; }
    /// <summary>A resource group given by the user (SeBS: resources.resource_group); else sebs-resource-group-&lt;rid&gt;.</summary>
    public string? ResourceGroup { get; init; }
    public AzureHostingPlan Plan { get; init; } = AzureHostingPlan.Flex;
    /// <summary>Flex Consumption's maximumInstanceCount (40 to 1000; facts A1).</summary>
    public int MaximumInstances { get; init; } = 100;
    public Uri ArmEndpoint { get; init; } = new("https://management.azure.com/");
    /// <summary>The audience of ARM tokens (and of SCM calls, which take the ARM token; facts A1).</summary>
    public string ArmAudience { get; init; } = "https://management.azure.com/";
    /// <summary>SCM (Kudu) base URL of an app; <c>{app}</c> is replaced. Default: https://{app}.scm.azurewebsites.net/.</summary>
    public string ScmTemplate { get; init; } = "https://{app}.scm.azurewebsites.net/";
    /// <summary>Whether endpoints.scm was given; else the site's own SCM host name (hostNameSslStates) is used when known.</summary>
    public bool ScmOverridden { get; init; }
    /// <summary>Blob endpoint of a storage account; <c>{account}</c> is replaced. Default: https://{account}.blob.core.windows.net/.</summary>
    public string BlobTemplate { get; init; } = "https://{account}.blob.core.windows.net/";
    public Uri AppInsightsEndpoint { get; init; } = new("https://api.applicationinsights.io/");
    public string AppInsightsAudience { get; init; } = "https://api.applicationinsights.io/";
    /// <summary>The Entra authority host service-principal credentials get tokens from (null: Azure public cloud).</summary>
    public Uri? AuthorityHost { get; init; }
    /// <summary>
    /// A PEM certificate trusted as the root of the authority's TLS certificate, besides the system's (a private cloud's
    /// or a test's own authority; <c>endpoints.authority-certificate</c>).
    /// </summary>
    public string? AuthorityCertificate { get; init; }
    /// <summary>How long ARM operations, deployments and restarts may take.</summary>
    public TimeSpan StateTimeout { get; init; } = TimeSpan.FromMinutes(10);
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(1);
    /// <summary>How long Get-SebsMetrics re-reads Application Insights while telemetry lags (minutes on Azure).</summary>
    public TimeSpan MetricsTimeout { get; init; } = TimeSpan.FromMinutes(5);
    /// <summary>"manylinux" (pip wheels for Azure's Linux, npm for linux/x64; default) or "host" (the host's own packages).</summary>
    public string DependencyInstaller { get; init; } = "manylinux";

    /// <summary>Flex Consumption instance sizes (facts A1, R3).</summary>
    public static readonly int[] FlexMemorySizes = { 512, 2048, 4096 };

    public static AzureSettings From(SebsConfig config, IReadOnlyDictionary<string, object?> options, string? region = null)
    {
        var section = AzurePlatformFactory.Azure.Section(config);
        var resources = section["resources"] as JsonObject;
        var endpoints = section["endpoints"] as JsonObject;
        string? Text(JsonObject? o, string key) => o?[key] is JsonValue v && v.TryGetValue<string>(out var s) && s.Trim().Length > 0 ? s.Trim() : null;
        string? Option(string key) => options.TryGetValue(key, out var v) && v is not null && v.ToString() is { Length: > 0 } s ? s : null;
        Uri Url(string key, string fallback)
        {
            var text = Text(endpoints, key) ?? fallback;
            return Uri.TryCreate(text.EndsWith('/') ? text : text + "/", UriKind.Absolute, out var uri) ? uri
                : throw Invalid($"deployment.azure.endpoints.{key} must be an absolute URL, not '{text}'.");
        }
        string Template(string key, string fallback, string placeholder)
        {
            var text = Text(endpoints, key) ?? fallback;
            if (!text.Contains(placeholder, StringComparison.Ordinal) || !Uri.TryCreate(text.Replace(placeholder, "x"), UriKind.Absolute, out _))
                throw Invalid($"deployment.azure.endpoints.{key} must be an absolute URL containing {placeholder}, not '{text}'.");
            return text.EndsWith('/') ? text : text + "/";
        }
        var planText = Option("HostingPlan") ?? Text(section, "hosting-plan") ?? "Flex";
        var plan = planText.ToLowerInvariant() switch
        {
            "flex" or "flexconsumption" or "fc1" => AzureHostingPlan.Flex,
            "consumption" or "y1" or "dynamic" => AzureHostingPlan.Consumption,
            _ => throw Invalid($"Unknown Azure hosting plan '{planText}': use Flex (Flex Consumption, FC1, the default) or Consumption (classic Linux Consumption, Y1, as SeBS)."),
        };
        var max = Option("MaximumInstances") is { } m ? int.Parse(m, CultureInfo.InvariantCulture)
            : section["maximum-instances"] is JsonValue mv && mv.TryGetValue<int>(out var mi) ? mi : 100;
        if (max is < 40 or > 1000)
            throw Invalid($"Flex Consumption takes a maximum instance count from 40 to 1000, not {max}.");
        double Seconds(string key, double fallback) => section[key] is JsonValue v && v.TryGetValue<double>(out var d) ? d : fallback;
        var subscription = Option("Subscription") ?? Text(section, "subscription_id") ?? Text(section, "subscription")
            ?? Text(section["credentials"] as JsonObject, "subscription_id") ?? Environment.GetEnvironmentVariable("AZURE_SUBSCRIPTION_ID") ?? "";
        return new AzureSettings
        {
            Region = AzurePlatformFactory.Azure.Region(config, region),
            SubscriptionId = subscription.Trim(),
            ResourcesId = Text(resources, "resources_id"),
            ResourceGroup = Text(resources, "resource_group"),
            Plan = plan,
            MaximumInstances = max,
            ArmEndpoint = Url("arm", "https://management.azure.com/"),
            ScmTemplate = Template("scm", "https://{app}.scm.azurewebsites.net/", "{app}"),
            ScmOverridden = Text(endpoints, "scm") is not null,
            BlobTemplate = Template("storage", "https://{account}.blob.core.windows.net/", "{account}"),
            AppInsightsEndpoint = Url("appinsights", "https://api.applicationinsights.io/"),
            AuthorityHost = Text(endpoints, "authority") is { } a ? Url("authority", a) : null,
            AuthorityCertificate = Text(endpoints, "authority-certificate"),
            StateTimeout = TimeSpan.FromSeconds(Seconds("state-timeout", 600)),
            PollInterval = TimeSpan.FromSeconds(Seconds("poll-interval", 1)),
            MetricsTimeout = TimeSpan.FromSeconds(Seconds("metrics-timeout", 300)),
            DependencyInstaller = Text(section, "dependency-installer") ?? "manylinux",
        };
    }

    /// <summary>No subscription: one clear error before any call.</summary>
    public void RequireSubscription()
    {
        if (SubscriptionId.Length == 0)
            throw new SebsException(SebsErrorIds.MissingCredentials, SebsErrorKind.AuthenticationError,
                "No Azure subscription: set deployment.azure.subscription_id in the config, -PlatformOption @{ Subscription = '<id>' } or $AZURE_SUBSCRIPTION_ID.", target: "Azure");
        if (!Guid.TryParse(SubscriptionId, out _))
            throw Invalid($"The Azure subscription id '{SubscriptionId}' is not a GUID.");
    }

    /// <summary>The app's SCM base URL: the override, else the site's Repository host name, else {app}.scm.azurewebsites.net.</summary>
    public Uri Scm(string app, string? repositoryHost = null) =>
        !ScmOverridden && repositoryHost is { Length: > 0 } host ? new Uri($"https://{host}/") : new(ScmTemplate.Replace("{app}", app, StringComparison.Ordinal));
    public Uri Blob(string account) => new(BlobTemplate.Replace("{account}", account, StringComparison.Ordinal));

    /// <summary>The account's connection string with its blob endpoint (which is what the SDK and the function shims use).</summary>
    public string ConnectionString(string account, string key) =>
        $"DefaultEndpointsProtocol={Blob(account).Scheme};AccountName={account};AccountKey={key};BlobEndpoint={Blob(account).ToString().TrimEnd('/')};";

    private static SebsException Invalid(string message) => new(SebsErrorIds.InvalidConfig, SebsErrorKind.InvalidData, message, target: "Azure");
}
