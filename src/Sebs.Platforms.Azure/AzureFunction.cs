using System.Text.Json.Nodes;
using Sebs.Core.Platforms;

namespace Sebs.Platforms.Azure;

/// <summary>A function app with one HTTP-triggered function "handler" (SeBS's AzureFunction): its ARM ids and plan.</summary>
public sealed class AzureFunction : SebsFunction
{
    /// <summary>ARM id of the site (…/Microsoft.Web/sites/{app}).</summary>
    public string? SiteId { get; set; }
    /// <summary>ARM id of the plan (…/Microsoft.Web/serverfarms/{plan}).</summary>
    public string? PlanId { get; set; }
    public AzureHostingPlan Plan { get; set; } = AzureHostingPlan.Flex;
    /// <summary>The instance size the app runs with (Flex: 512/2048/4096 MB; Y1: a fixed 1536 MB).</summary>
    public int InstanceMemoryMB { get; set; }
    public string? ResourceGroup { get; set; }
    /// <summary>Storage account holding the app's deployment container / package.</summary>
    public string? StorageAccount { get; set; }
    /// <summary>The Application Insights component's appId the app sends telemetry to (the query API's key).</summary>
    public string? InsightsAppId { get; set; }
    /// <summary>SeBS's cold-start counter value last set as ForceColdStart.</summary>
    public int ColdStartCounter { get; set; }
    /// <summary>The code package last deployed (redeployed when only the timeout, which lives in host.json, changes).</summary>
    public string? PackagePath { get; set; }
    /// <summary>The app's SCM (Kudu) host name as ARM reports it.</summary>
    public string? ScmHost { get; set; }

    protected override void WriteState(JsonObject state)
    {
        state["site_id"] = SiteId;
        state["plan_id"] = PlanId;
        state["hosting_plan"] = Plan.ToString();
        state["instance_memory"] = InstanceMemoryMB;
        state["resource_group"] = ResourceGroup;
        state["storage_account"] = StorageAccount;
        state["insights_app_id"] = InsightsAppId;
        state["cold_start_counter"] = ColdStartCounter;
        state["package_path"] = PackagePath;
        state["scm_host"] = ScmHost;
    }

    protected override void ReadState(JsonObject cached)
    {
        SiteId = cached["site_id"]?.GetValue<string>();
        PlanId = cached["plan_id"]?.GetValue<string>();
        Plan = Enum.TryParse<AzureHostingPlan>(cached["hosting_plan"]?.GetValue<string>(), out var p) ? p : AzureHostingPlan.Flex;
        InstanceMemoryMB = cached["instance_memory"]?.GetValue<int>() ?? 0;
        ResourceGroup = cached["resource_group"]?.GetValue<string>();
        StorageAccount = cached["storage_account"]?.GetValue<string>();
        InsightsAppId = cached["insights_app_id"]?.GetValue<string>();
        ColdStartCounter = cached["cold_start_counter"]?.GetValue<int>() ?? 0;
        PackagePath = cached["package_path"]?.GetValue<string>();
        ScmHost = cached["scm_host"]?.GetValue<string>();
    }
}
