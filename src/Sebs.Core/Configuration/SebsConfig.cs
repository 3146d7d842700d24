using System.Text.Json;
using System.Text.Json.Nodes;
using Sebs.Core.Platforms;

namespace Sebs.Core.Configuration;

/// <summary>The runtime a function runs on: SeBS's <c>experiments.runtime</c>.</summary>
public sealed record RuntimeSpec(string Language, string Version, string Variant = "default");

/// <summary>
/// A SeBS user config (<c>{"experiments": {...}, "deployment": {"name": ..., "&lt;platform&gt;": {...}}}</c>) as typed objects.
/// Unknown fields are kept in <see cref="Raw"/> so a round trip loses nothing.
/// </summary>
public sealed class SebsConfig
{
    /// <summary><c>deployment.name</c> as written; the cmdlets resolve it against the registered platforms (null: their default).</summary>
    public string? Platform { get; set; }
    public bool UpdateCode { get; set; }
    public bool UpdateStorage { get; set; }
    public bool DownloadResults { get; set; }
    public string Architecture { get; set; } = "x64";
    public string? SystemVariant { get; set; }
    public RuntimeSpec? Runtime { get; set; }
    /// <summary>Experiment settings by name (<c>perf-cost</c>, <c>network-ping-pong</c>, ...).</summary>
    public Dictionary<string, JsonObject> Experiments { get; } = new(StringComparer.OrdinalIgnoreCase);
    /// <summary>
    /// Per-platform deployment sections by SeBS name (<c>local</c>, <c>aws</c>, ...), secrets shown as [REDACTED] so
    /// <c>Get-SebsConfig | Format-List</c> never prints them; platforms read the real values with <see cref="DeploymentSection(string)"/>.
    /// </summary>
    public IReadOnlyDictionary<string, JsonObject> Deployments =>
        _deployments.ToDictionary(kv => kv.Key, kv => SecretRedactor.Redact(kv.Value), StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, JsonObject> _deployments = new(StringComparer.OrdinalIgnoreCase);
    /// <summary>The file this was read from, if any.</summary>
    public string? SourcePath { get; set; }
    public JsonObject Raw => SecretRedactor.Redact(_raw);
    private JsonObject _raw = new();
    /// <summary>What the file has that Sebs ignores (unknown keys, with the nearest known one); the cmdlets write these as warnings.</summary>
    public IReadOnlyList<string> Warnings { get; private set; } = Array.Empty<string>();

    /// <summary>The <c>deployment.&lt;section&gt;</c> object (empty when absent).</summary>
    public JsonObject DeploymentSection(string section) =>
        _deployments.TryGetValue(section, out var s) ? s : new JsonObject();

    /// <summary>Sets <c>deployment.&lt;section&gt;</c>.</summary>
    public void SetDeploymentSection(string section, JsonObject value) => _deployments[section] = value;

    public JsonObject DeploymentSection(PlatformName platform) => DeploymentSection(platform.ToSebsName());

    private static readonly JsonDocumentOptions DocOptions = new() { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip };

    public static SebsConfig Load(string path)
    {
        if (!File.Exists(path))
            throw new SebsException(SebsErrorIds.ConfigNotFound, SebsErrorKind.ObjectNotFound, $"Config file '{path}' does not exist.", target: path);
        var config = Parse(TextFile.ReadUtf8(path, SebsErrorIds.InvalidConfig), path);
        config.SourcePath = Path.GetFullPath(path);
        return config;
    }

    /// <summary>Parses config JSON; errors name the source, line and column, and carry a stable id.</summary>
    public static SebsConfig Parse(string json, string source = "<config>")
    {
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(json, documentOptions: DocOptions);
        }
        catch (JsonException ex)
        {
            var line = (ex.LineNumber ?? 0) + 1;
            var col = (ex.BytePositionInLine ?? 0) + 1;
            throw new SebsException(SebsErrorIds.InvalidConfig, SebsErrorKind.InvalidData,
                $"{source}: invalid JSON at line {line}, column {col}: {FirstSentence(ex.Message)}", ex, source);
        }
        if (node is not JsonObject root)
            throw Invalid(source, "the top level must be a JSON object");

        var config = new SebsConfig { _raw = root, Warnings = ConfigKeys.UnknownKeys(root, source).ToList() };
        if (root["experiments"] is JsonObject exp)
        {
            config.UpdateCode = Bool(exp, "update_code", source);
            config.UpdateStorage = Bool(exp, "update_storage", source);
            config.DownloadResults = Bool(exp, "download_results", source);
            config.Architecture = Str(exp, "architecture", source) ?? "x64";
            if (config.Architecture is not ("x64" or "arm64"))
                throw Invalid(source, $"experiments.architecture must be x64 or arm64, not '{config.Architecture}'");
            config.SystemVariant = Str(exp, "system_variant", source);
            if (config.SystemVariant is null && exp["container_deployment"] is JsonValue cd && cd.TryGetValue<bool>(out var isContainer))
                config.SystemVariant = isContainer ? "container" : "package";
            if (exp["runtime"] is JsonObject rt)
            {
                var lang = Str(rt, "language", source) ?? throw Invalid(source, "experiments.runtime.language is required");
                var ver = Str(rt, "version", source) ?? throw Invalid(source, "experiments.runtime.version is required");
                config.Runtime = new RuntimeSpec(lang, ver, Str(rt, "language-variant", source) ?? "default");
            }
            foreach (var name in new[] { "perf-cost", "network-ping-pong", "invocation-overhead", "eviction-model" })
                // A copy: a child node would lead back (Parent, Root) to the whole file, secrets included.
                if (exp[name] is JsonObject settings) config.Experiments[name] = (JsonObject)settings.DeepClone();
        }
        else if (root["experiments"] is not null)
        {
            throw Invalid(source, "'experiments' must be an object");
        }

        if (root["deployment"] is JsonObject dep)
        {
            var name = Str(dep, "name", source);
            if (name is not null) config.Platform = name;
            foreach (var (key, value) in dep)
                if (value is JsonObject section) config._deployments[key] = section;
        }
        else if (root["deployment"] is not null)
        {
            throw Invalid(source, "'deployment' must be an object");
        }
        return config;
    }

    /// <summary>The SeBS JSON of this config, with secrets left out.</summary>
    public JsonObject ToJson()
    {
        var exp = new JsonObject
        {
            ["update_code"] = UpdateCode,
            ["update_storage"] = UpdateStorage,
            ["download_results"] = DownloadResults,
            ["architecture"] = Architecture,
        };
        if (SystemVariant is not null) exp["system_variant"] = SystemVariant;
        if (Runtime is not null)
            exp["runtime"] = new JsonObject { ["language"] = Runtime.Language, ["version"] = Runtime.Version, ["language-variant"] = Runtime.Variant };
        foreach (var (k, v) in Experiments) exp[k] = v.DeepClone();
        var dep = new JsonObject();
        if (Platform is not null) dep["name"] = Platform.ToLowerInvariant();
        foreach (var (k, v) in _deployments) dep[k] = SecretRedactor.Redact(v);
        return new JsonObject { ["experiments"] = exp, ["deployment"] = dep };
    }

    private static string FirstSentence(string message)
    {
        var i = message.IndexOf(" Path:", StringComparison.Ordinal);
        return i > 0 ? message[..i] : message;
    }

    private static SebsException Invalid(string source, string reason) =>
        new(SebsErrorIds.InvalidConfig, SebsErrorKind.InvalidData, $"{source}: {reason}", target: source);

    private static bool Bool(JsonObject obj, string key, string source)
    {
        if (obj[key] is null) return false;
        if (obj[key] is JsonValue v && v.TryGetValue<bool>(out var b)) return b;
        throw Invalid(source, $"'{key}' must be true or false");
    }

    private static string? Str(JsonObject obj, string key, string source)
    {
        if (obj[key] is null) return null;
        if (obj[key] is JsonValue v && v.TryGetValue<string>(out var s)) return s;
        throw Invalid(source, $"'{key}' must be a string");
    }
}

/// <summary>Blanks values whose keys name secrets, so configs can be shown and written to results safely.</summary>
public static class SecretRedactor
{
    private static readonly string[] SecretWords = { "secret", "password", "access_key", "accesskey", "connection_string", "credential", "token", "key_json", "private" };

    public static bool IsSecretKey(string key)
    {
        var k = key.Replace("-", "_").ToLowerInvariant();
        return SecretWords.Any(w => k.Contains(w));
    }

    public static JsonNode? Redact(JsonNode? node) => node switch
    {
        JsonObject obj => new JsonObject(obj.Select(kv => new KeyValuePair<string, JsonNode?>(kv.Key,
            IsSecretKey(kv.Key) && kv.Value is JsonValue ? JsonValue.Create("[REDACTED]") : Redact(kv.Value)))),
        JsonArray arr => new JsonArray(arr.Select(Redact).ToArray()),
        _ => node?.DeepClone(),
    };

    public static JsonObject Redact(JsonObject obj) => (JsonObject)Redact((JsonNode)obj)!;
}
