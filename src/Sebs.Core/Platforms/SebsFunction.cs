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

/// <summary>
/// A deployed function on some platform, with what is needed to find and invoke it again. Platforms derive their own
/// function type with the state they need (ARN, app name, sandbox, trigger URLs and keys) and serialise it themselves
/// (SeBS: each platform's Function.serialize/deserialize); Core sees only this part.
/// </summary>
public class SebsFunction
{
    public string Name { get; set; } = "";
    public string Benchmark { get; set; } = "";
    public PlatformName Platform { get; set; }
    public string Region { get; set; } = "";
    public FunctionConfig Config { get; set; } = new(128, 60, "python", "");
    /// <summary>Hash of the code package the function runs.</summary>
    public string CodeHash { get; set; } = "";
    /// <summary>HTTP endpoint, when it has one.</summary>
    public string? Url { get; set; }
    public List<TriggerType> Triggers { get; set; } = new() { TriggerType.Http };
    /// <summary>Whether the function's sandbox answers right now (set by Get-SebsFunction where the platform can tell).</summary>
    public bool? IsRunning { get; set; }

    public string Language => Config.Language;
    public string LanguageVersion => Config.LanguageVersion;
    public int MemoryMB => Config.MemoryMB;
    public int TimeoutSeconds => Config.TimeoutSeconds;

    private static readonly HashSet<string> CommonKeys = new() { "name", "hash", "benchmark", "config", "triggers", "platform", "region", "url" };

    /// <summary>SeBS's Function.serialize() shape plus the platform's own state.</summary>
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
        var state = new JsonObject();
        WriteState(state);
        foreach (var (k, v) in state)
        {
            if (CommonKeys.Contains(k)) throw new InvalidOperationException($"{GetType().Name} writes the common key '{k}' as its state.");
            o[k] = v?.DeepClone();
        }
        return o;
    }

    /// <summary>Writes the platform's own state next to SeBS's fields (keys other than the common ones).</summary>
    protected virtual void WriteState(JsonObject state) { }

    /// <summary>Reads the platform's own state back (the counterpart of <see cref="WriteState"/>).</summary>
    protected virtual void ReadState(JsonObject cached) { }

    /// <summary>Restores a function of a platform's type from its cache entry: the common fields, then its state.</summary>
    public static T Restore<T>(JsonObject o, PlatformName platform) where T : SebsFunction, new()
    {
        var triggers = (o["triggers"] as JsonArray)?.Select(t => t?["type"]?.GetValue<string>() == "Library" ? TriggerType.Library : TriggerType.Http).Distinct().ToList()
            ?? new List<TriggerType> { TriggerType.Http };
        var function = new T
        {
            Name = o["name"]?.GetValue<string>() ?? throw new SebsException(SebsErrorIds.CacheCorrupt, SebsErrorKind.InvalidData, "A cached function has no name."),
            Benchmark = o["benchmark"]?.GetValue<string>() ?? "",
            Platform = platform,
            Region = o["region"]?.GetValue<string>() ?? "",
            Config = o["config"] is JsonObject c ? FunctionConfig.FromJson(c) : new FunctionConfig(128, 60, "python", ""),
            CodeHash = o["hash"]?.GetValue<string>() ?? "",
            Url = o["url"]?.GetValue<string>(),
            Triggers = triggers,
        };
        function.ReadState(o);
        return function;
    }

    /// <summary>A copy of the common part and (for derived types) the state, through the cache shape.</summary>
    public override string ToString() => $"{Name} ({Platform})";
}
