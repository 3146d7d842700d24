using System.Text.Json.Nodes;
using Sebs.Core.Platforms;

namespace Sebs.Platforms.Gcp;

/// <summary>A Cloud Run function (SeBS's GCPFunction, gen2): its full resource name, runtime, Cloud Run service and revision.</summary>
public sealed class GcpFunction : SebsFunction
{
    /// <summary>projects/{p}/locations/{r}/functions/{id}.</summary>
    public string? ResourceName { get; set; }
    /// <summary>The v2 runtime id (python312, nodejs22).</summary>
    public string? Runtime { get; set; }
    /// <summary>serviceConfig.service: projects/{p}/locations/{r}/services/{svc}, where the invoker policy and the request logs live.</summary>
    public string? Service { get; set; }
    public string? Revision { get; set; }
    /// <summary>The storage object the last build came from (generateUploadUrl's storageSource).</summary>
    public JsonObject? Source { get; set; }

    /// <summary>The Cloud Run service's short name (the request logs' resource.labels.service_name).</summary>
    public string ServiceId => Service is { } s ? s[(s.LastIndexOf('/') + 1)..] : Name;

    protected override void WriteState(JsonObject state)
    {
        state["resource_name"] = ResourceName;
        state["runtime"] = Runtime;
        state["service"] = Service;
        state["revision"] = Revision;
        if (Source is not null) state["source"] = Source.DeepClone();
    }

    protected override void ReadState(JsonObject cached)
    {
        ResourceName = cached["resource_name"]?.GetValue<string>();
        Runtime = cached["runtime"]?.GetValue<string>();
        Service = cached["service"]?.GetValue<string>();
        Revision = cached["revision"]?.GetValue<string>();
        Source = cached["source"]?.DeepClone() as JsonObject;
    }
}
