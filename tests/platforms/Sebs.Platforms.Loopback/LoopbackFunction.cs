using System.Text.Json.Nodes;
using Sebs.Core.Platforms;

namespace Sebs.Platforms.Loopback;

/// <summary>A loopback function: the host process serving it and the code folder it runs.</summary>
public sealed class LoopbackFunction : SebsFunction
{
    public int? ProcessId { get; set; }
    public string? CodePath { get; set; }

    protected override void WriteState(JsonObject state)
    {
        state["pid"] = ProcessId;
        state["code_path"] = CodePath;
    }

    protected override void ReadState(JsonObject cached)
    {
        ProcessId = cached["pid"]?.GetValue<int>();
        CodePath = cached["code_path"]?.GetValue<string>();
    }
}
