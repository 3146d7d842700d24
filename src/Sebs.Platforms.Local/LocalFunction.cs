using System.Globalization;
using System.Text.Json.Nodes;
using Sebs.Core.Platforms;
using Sebs.Platforms.Local.Sandboxes;

namespace Sebs.Platforms.Local;

/// <summary>A local function: the sandbox serving it (container or host process), its port and its code folder.</summary>
public sealed class LocalFunction : SebsFunction
{
    /// <summary>docker or process; empty before the first start.</summary>
    public string Sandbox { get; set; } = "";
    /// <summary>The container id or the process id.</summary>
    public string? InstanceId { get; set; }
    public int? Port { get; set; }
    public DateTime Started { get; set; }
    /// <summary>The code package folder the sandbox runs (restarts use it).</summary>
    public string? CodePath { get; set; }
    /// <summary>The interpreter version the sandbox really runs (a host process runs the host's python3/node), if known.</summary>
    public string? RuntimeVersion { get; set; }

    internal SandboxInstance? Instance =>
        InstanceId is { } id && Port is { } port
            ? new SandboxInstance(Enum.TryParse<SandboxKind>(Sandbox, true, out var k) ? k : SandboxKind.Process, id, port, Started)
            : null;

    protected override void WriteState(JsonObject state)
    {
        if (InstanceId is null) return;
        state["sandbox"] = Sandbox;
        state["instance_id"] = InstanceId;
        state["port"] = Port;
        state["started"] = Started.ToString("o", CultureInfo.InvariantCulture);
        state["code_path"] = CodePath;
        if (RuntimeVersion is not null) state["runtime_version"] = RuntimeVersion;
    }

    protected override void ReadState(JsonObject cached)
    {
        Sandbox = cached["sandbox"]?.GetValue<string>() ?? "";
        InstanceId = cached["instance_id"]?.GetValue<string>();
        Port = cached["port"]?.GetValue<int>();
        Started = DateTime.TryParse(cached["started"]?.GetValue<string>(), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var d) ? d : default;
        CodePath = cached["code_path"]?.GetValue<string>();
        RuntimeVersion = cached["runtime_version"]?.GetValue<string>();
    }
}
