using System.Text.Json.Nodes;
using Sebs.Core;
using Sebs.Core.Http;

namespace Sebs.Platforms.Azure;

/// <summary>The Application Insights component functions report to: its query key (appId) and ingestion connection string.</summary>
public sealed record InsightsComponent(string Id, string AppId, string ConnectionString);

/// <summary>
/// The ARM resources of Sebs on Azure (what SeBS created with az): resource group, storage account, Log Analytics
/// workspace + workspace-based Application Insights, hosting plan, function app and its settings. Paths, api-versions
/// and bodies from the facts file (A1-A4).
/// </summary>
public sealed class AzureResources(ArmClient arm, AzureSettings settings)
{
    public const string ResourcesApi = "2021-04-01";
    public const string StorageApi = "2023-05-01";
    public const string WebApi = "2024-04-01";
    public const string WorkspaceApi = "2025-02-01";
    public const string InsightsApi = "2020-02-02";

    private string Subscription => $"/subscriptions/{settings.SubscriptionId}";
    public string GroupId(string group) => $"{Subscription}/resourceGroups/{group}";
    public string StorageId(string group, string account) => $"{GroupId(group)}/providers/Microsoft.Storage/storageAccounts/{account}";
    public string SiteId(string group, string app) => $"{GroupId(group)}/providers/Microsoft.Web/sites/{app}";
    public string PlanId(string group, string plan) => $"{GroupId(group)}/providers/Microsoft.Web/serverfarms/{plan}";
    public string WorkspaceId(string group, string name) => $"{GroupId(group)}/providers/Microsoft.OperationalInsights/workspaces/{name}";
    public string ComponentId(string group, string name) => $"{GroupId(group)}/providers/Microsoft.Insights/components/{name}";

    public async Task EnsureResourceGroupAsync(string group, CancellationToken ct)
    {
        if (await arm.GetAsync(GroupId(group), ResourcesApi, "GET resource group", ct).ConfigureAwait(false) is not null) return;
        await arm.PutAsync(GroupId(group), ResourcesApi, new JsonObject { ["location"] = settings.Region, ["tags"] = Tags() }, "PUT resource group", ct).ConfigureAwait(false);
    }

    public Task<bool> DeleteResourceGroupAsync(string group, CancellationToken ct) => arm.DeleteAsync(GroupId(group), ResourcesApi, "DELETE resource group", ct);

    /// <summary>A general-purpose v2 account (LRS), no anonymous blob access; creation is a long-running operation.</summary>
    public async Task EnsureStorageAccountAsync(string group, string account, CancellationToken ct)
    {
        if (await arm.GetAsync(StorageId(group, account), StorageApi, "GET storage account", ct).ConfigureAwait(false) is not null) return;
        await arm.PutAsync(StorageId(group, account), StorageApi, new JsonObject
        {
            ["location"] = settings.Region,
            ["kind"] = "StorageV2",
            ["sku"] = new JsonObject { ["name"] = "Standard_LRS" },
            ["tags"] = Tags(),
            ["properties"] = new JsonObject { ["minimumTlsVersion"] = "TLS1_2", ["allowBlobPublicAccess"] = false, ["supportsHttpsTrafficOnly"] = true },
        }, "PUT storage account", ct).ConfigureAwait(false);
    }

    public async Task<string> StorageKeyAsync(string group, string account, CancellationToken ct)
    {
        var keys = await arm.PostAsync(StorageId(group, account) + "/listKeys", StorageApi, null, "POST storage listKeys", ct).ConfigureAwait(false);
        return (keys["keys"] as JsonArray)?.FirstOrDefault()?["value"]?.GetValue<string>()
            ?? throw new SebsException(SebsErrorIds.CloudRequestFailed, SebsErrorKind.InvalidData, $"Storage account {account} returned no keys.", target: account);
    }

    /// <summary>Facts A4: a Log Analytics workspace and a workspace-based "web" component on it.</summary>
    public async Task<InsightsComponent> EnsureInsightsAsync(string group, string workspace, string component, CancellationToken ct)
    {
        var workspaceId = WorkspaceId(group, workspace);
        if (await arm.GetAsync(workspaceId, WorkspaceApi, "GET workspace", ct).ConfigureAwait(false) is null)
            await arm.PutAsync(workspaceId, WorkspaceApi, new JsonObject
            {
                ["location"] = settings.Region,
                ["tags"] = Tags(),
                ["properties"] = new JsonObject { ["sku"] = new JsonObject { ["name"] = "PerGB2018" }, ["retentionInDays"] = 30 },
            }, "PUT workspace", ct).ConfigureAwait(false);
        var id = ComponentId(group, component);
        var existing = await arm.GetAsync(id, InsightsApi, "GET Application Insights", ct).ConfigureAwait(false)
            ?? await arm.PutAsync(id, InsightsApi, new JsonObject
            {
                ["location"] = settings.Region,
                ["kind"] = "web",
                ["tags"] = Tags(),
                ["properties"] = new JsonObject { ["Application_Type"] = "web", ["WorkspaceResourceId"] = workspaceId },
            }, "PUT Application Insights", ct).ConfigureAwait(false);
        var p = existing["properties"];
        return new InsightsComponent(id, p?["AppId"]?.GetValue<string>() ?? "", p?["ConnectionString"]?.GetValue<string>() ?? "");
    }

    /// <summary>Facts A1/A2: FC1 (Flex Consumption) or Y1 (Dynamic), Linux (reserved).</summary>
    public Task<JsonObject> EnsurePlanAsync(string group, string plan, AzureHostingPlan hosting, CancellationToken ct) =>
        arm.PutAsync(PlanId(group, plan), WebApi, new JsonObject
        {
            ["location"] = settings.Region,
            ["kind"] = "functionapp",
            ["tags"] = Tags(),
            ["sku"] = hosting == AzureHostingPlan.Flex
                ? new JsonObject { ["tier"] = "FlexConsumption", ["name"] = "FC1" }
                : new JsonObject { ["name"] = "Y1", ["tier"] = "Dynamic", ["size"] = "Y1", ["family"] = "Y" },
            ["properties"] = hosting == AzureHostingPlan.Flex
                ? new JsonObject { ["reserved"] = true }
                : new JsonObject { ["computeMode"] = "Dynamic", ["reserved"] = true },
        }, "PUT plan", ct);

    public Task<bool> DeletePlanAsync(string planId, CancellationToken ct) => arm.DeleteAsync(planId, WebApi, "DELETE plan", ct);

    /// <summary>The site as ARM shows it, or null.</summary>
    public Task<JsonObject?> GetSiteAsync(string siteId, CancellationToken ct) => arm.GetAsync(siteId, WebApi, "GET site", ct);

    /// <summary>
    /// Creates the function app. Flex: functionAppConfig with the blob deployment container (connection-string
    /// authentication), instance memory, maximum instances and the runtime; no FUNCTIONS_*/WEBSITE_* settings (facts A1).
    /// Y1: linuxFxVersion and the classic settings, the package comes later through WEBSITE_RUN_FROM_PACKAGE (facts A2).
    /// </summary>
    public Task<JsonObject> CreateSiteAsync(SiteSpec spec, CancellationToken ct)
    {
        var appSettings = new JsonArray(spec.Settings.Select(kv => (JsonNode)new JsonObject { ["name"] = kv.Key, ["value"] = kv.Value }).ToArray());
        var properties = new JsonObject
        {
            ["serverFarmId"] = spec.PlanId,
            ["reserved"] = true,
            ["httpsOnly"] = true,
            ["siteConfig"] = new JsonObject { ["appSettings"] = appSettings },
        };
        if (spec.Plan == AzureHostingPlan.Flex)
            properties["functionAppConfig"] = new JsonObject
            {
                ["deployment"] = new JsonObject
                {
                    ["storage"] = new JsonObject
                    {
                        ["type"] = "blobContainer",
                        ["value"] = spec.DeploymentContainerUrl,
                        ["authentication"] = new JsonObject { ["type"] = "StorageAccountConnectionString", ["storageAccountConnectionStringName"] = DeploymentStorageSetting },
                    },
                },
                ["scaleAndConcurrency"] = new JsonObject { ["maximumInstanceCount"] = settings.MaximumInstances, ["instanceMemoryMB"] = spec.MemoryMB },
                ["runtime"] = new JsonObject { ["name"] = RuntimeName(spec.Language), ["version"] = spec.LanguageVersion },
            };
        else
            ((JsonObject)properties["siteConfig"]!)["linuxFxVersion"] = $"{(spec.Language == "nodejs" ? "Node" : "Python")}|{spec.LanguageVersion}";
        return arm.PutAsync(spec.SiteId, WebApi, new JsonObject
        {
            ["location"] = settings.Region,
            ["kind"] = "functionapp,linux",
            ["tags"] = Tags(),
            ["properties"] = properties,
        }, "PUT site", ct);
    }

    public Task<bool> DeleteSiteAsync(string siteId, CancellationToken ct) => arm.DeleteAsync(siteId, WebApi, "DELETE site", ct);

    /// <summary>The setting that names the Flex deployment container's connection string.</summary>
    public const string DeploymentStorageSetting = "DEPLOYMENT_STORAGE_CONNECTION_STRING";

    /// <summary>Flex Consumption runtime names (facts A1).</summary>
    public static string RuntimeName(string language) => language == "nodejs" ? "node" : "python";

    public async Task<Dictionary<string, string>> ListAppSettingsAsync(string siteId, CancellationToken ct)
    {
        var list = await arm.PostAsync(siteId + "/config/appsettings/list", WebApi, null, "POST appsettings/list", ct).ConfigureAwait(false);
        var settingsMap = new Dictionary<string, string>(StringComparer.Ordinal);
        if (list["properties"] is JsonObject props)
            foreach (var (k, v) in props) settingsMap[k] = v?.GetValue<string>() ?? "";
        return settingsMap;
    }

    /// <summary>
    /// Facts A2: the PUT replaces every setting, so the current ones are listed and the new values merged in; nothing
    /// else is dropped (SeBS filtered prefixes and could lose settings). Returns whether anything changed.
    /// </summary>
    public Task<bool> MergeAppSettingsAsync(string siteId, IReadOnlyDictionary<string, string> changes, CancellationToken ct) =>
        MergeAppSettingsAsync(siteId, _ => changes, ct);

    /// <summary>The same, with the changes worked out from the settings the app has now (listed once for both).</summary>
    public async Task<bool> MergeAppSettingsAsync(string siteId, Func<IReadOnlyDictionary<string, string>, IReadOnlyDictionary<string, string>> changesFor, CancellationToken ct)
    {
        var current = await ListAppSettingsAsync(siteId, ct).ConfigureAwait(false);
        var changes = changesFor(current);
        var changed = false;
        foreach (var (k, v) in changes)
        {
            if (current.TryGetValue(k, out var old) && old == v) continue;
            current[k] = v;
            changed = true;
        }
        if (!changed) return false;
        var properties = new JsonObject();
        foreach (var (k, v) in current) properties[k] = v;
        await arm.PutAsync(siteId + "/config/appsettings", WebApi, new JsonObject { ["properties"] = properties }, "PUT appsettings", ct).ConfigureAwait(false);
        return true;
    }

    /// <summary>Flex Consumption: instance memory (and the maximum instance count) on the live app.</summary>
    public Task<JsonObject> SetFlexScaleAsync(string siteId, int memoryMB, CancellationToken ct) =>
        arm.PatchAsync(siteId, WebApi, new JsonObject
        {
            ["properties"] = new JsonObject
            {
                ["functionAppConfig"] = new JsonObject
                {
                    ["scaleAndConcurrency"] = new JsonObject { ["maximumInstanceCount"] = settings.MaximumInstances, ["instanceMemoryMB"] = memoryMB },
                },
            },
        }, "PATCH site scale", ct);

    /// <summary>Y1 after WEBSITE_RUN_FROM_PACKAGE changes: the platform re-reads the triggers (facts A2).</summary>
    public Task SyncTriggersAsync(string siteId, CancellationToken ct) => arm.PostAsync(siteId + "/syncfunctiontriggers", WebApi, null, "POST syncfunctiontriggers", ct);

    /// <summary>
    /// Facts A3: GET …/functions/handler gives invoke_url_template. Right after a deployment the function may not be
    /// indexed yet (404): polled until it is.
    /// </summary>
    public Task<string> InvokeUrlAsync(string siteId, CancellationToken ct) =>
        OperationPoller.PollAsync(async token =>
        {
            var f = await arm.GetAsync(siteId + "/functions/" + AzurePackageLayout.FunctionFolder, WebApi, "GET function", token).ConfigureAwait(false);
            return f?["properties"]?["invoke_url_template"]?.GetValue<string>() is { Length: > 0 } url
                ? PollStep<string>.Finished(url) : PollStep<string>.Running(f is null ? "not indexed yet" : "no invoke_url_template");
        }, new PollOptions(settings.PollInterval, settings.StateTimeout, "function discovery") { BackOff = true }, ct);

    /// <summary>Facts A3: the host's master key (for the admin endpoints; the trigger itself is anonymous).</summary>
    public async Task<string> MasterKeyAsync(string siteId, CancellationToken ct)
    {
        var keys = await arm.PostAsync(siteId + "/host/default/listkeys", WebApi, null, "POST host listkeys", ct).ConfigureAwait(false);
        return keys["masterKey"]?.GetValue<string>()
            ?? throw new SebsException(SebsErrorIds.CloudRequestFailed, SebsErrorKind.InvalidData, $"{siteId} returned no master key.", target: siteId);
    }

    private static JsonObject Tags() => new() { ["created-by"] = "sebs" };
}

/// <summary>What a new function app is made of.</summary>
public sealed record SiteSpec(string SiteId, string PlanId, AzureHostingPlan Plan, string Language, string LanguageVersion, int MemoryMB,
    string DeploymentContainerUrl, IReadOnlyDictionary<string, string> Settings);
