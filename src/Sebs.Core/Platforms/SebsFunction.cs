using System.Text.Json.Nodes;

namespace Sebs.Core.Platforms;

public enum TriggerType
{
    Http,
    Library,
}

/// <summary>Memory, timeout and runtime of a function (SeBS's FunctionConfig).</summary>
public sealed record FunctionConfig(int MemoryMB, int TimeoutSeconds, string Language, string LanguageVersion, string Architecture = "x64")
{
    public JsonObject ToJson() => new()
    {
        ["timeout"] = TimeoutSeconds,
        ["memory"] = MemoryMB,
        ["runtime"] = new JsonObject { ["language"] = Language, ["version"] = LanguageVersion, ["language-variant"] = "default" },
        ["architecture"] = Architecture,
    };

    public static FunctionConfig FromJson(JsonObject o) => new(
        o["memory"]?.GetValue<int>() ?? 128,
        o["timeout"]?.GetValue<int>() ?? 60,
        o["runtime"]?["language"]?.GetValue<string>() ?? "python",
        o["runtime"]?["version"]?.GetValue<string>() ?? "",
        o["architecture"]?.GetValue<string>() ?? "x64");
}

/// <summary>A deployed function on some platform, with what is needed to find and invoke it again.</summary>
public sealed class SebsFunction
{
    public required string Name { get; init; }
    public required string Benchmark { get; init; }
    public required PlatformName Platform { get; init; }
    public string Region { get; init; } = "";
    public required FunctionConfig Config { get; set; }
    /// <summary>Hash of the code package the function runs.</summary>
    public string CodeHash { get; set; } = "";
    /// <summary>HTTP endpoint, when it has one.</summary>
    public string? Url { get; set; }
    /// <summary>Platform-specific handles (container id, pid, ARN, ...), serialised into the cache with the function.</summary>
    public JsonObject Properties { get; init; } = new();
    public List<TriggerType> Triggers { get; init; } = new() { TriggerType.Http };
    /// <summary>Whether the function's sandbox answers right now (set by Get-SebsFunction).</summary>
    public bool? IsRunning { get; set; }

    public string Language => Config.Language;
    public string LanguageVersion => Config.LanguageVersion;
    public int MemoryMB => Config.MemoryMB;
    public int TimeoutSeconds => Config.TimeoutSeconds;

    /// <summary>SeBS's Function.serialize() shape plus the platform's properties.</summary>
    public JsonObject ToJson()
    {
        var o = new JsonObject
        {
            ["name"] = Name,
            ["hash"] = CodeHash,
            ["benchmark"] = Benchmark,
            ["config"] = Config.ToJson(),
            ["triggers"] = new JsonArray(Triggers.Select(t => (JsonNode)new JsonObject
            {
                ["type"] = t == TriggerType.Http ? "HTTP" : "Library",
                ["url"] = t == TriggerType.Http ? Url : null,
                ["name"] = t == TriggerType.Library ? Name : null,
            }).ToArray()),
            ["platform"] = Platform.ToSebsName(),
            ["region"] = Region,
        };
        if (Url is not null) o["url"] = Url;
        foreach (var (k, v) in Properties) o[k] = v?.DeepClone();
        return o;
    }

    public static SebsFunction FromJson(JsonObject o, PlatformName platform)
    {
        var known = new HashSet<string> { "name", "hash", "benchmark", "config", "triggers", "platform", "region", "url" };
        var props = new JsonObject();
        foreach (var (k, v) in o) if (!known.Contains(k)) props[k] = v?.DeepClone();
        var triggers = (o["triggers"] as JsonArray)?.Select(t => t?["type"]?.GetValue<string>() == "Library" ? TriggerType.Library : TriggerType.Http).Distinct().ToList()
            ?? new List<TriggerType> { TriggerType.Http };
        return new SebsFunction
        {
            Name = o["name"]!.GetValue<string>(),
            Benchmark = o["benchmark"]?.GetValue<string>() ?? "",
            Platform = platform,
            Region = o["region"]?.GetValue<string>() ?? "",
            Config = o["config"] is JsonObject c ? FunctionConfig.FromJson(c) : new FunctionConfig(128, 60, "python", ""),
            CodeHash = o["hash"]?.GetValue<string>() ?? "",
            Url = o["url"]?.GetValue<string>(),
            Properties = props,
            Triggers = triggers,
        };
    }

    public override string ToString() => $"{Name} ({Platform})";
}
