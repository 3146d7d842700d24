using System.Text.Json.Nodes;

namespace Sebs.Core.Platforms;

/// <summary>
/// What a platform declares about itself through its factory, so Core needs no table or branch per platform (SeBS keeps
/// these facts in its registry, systems.json and each System class).
/// </summary>
public sealed record PlatformDescriptor
{
    public required PlatformName Name { get; init; }
    /// <summary>Other names users may type (SeBS's names where they differ, e.g. "google" for Gcp).</summary>
    public IReadOnlyList<string> Aliases { get; init; } = Array.Empty<string>();
    public required RuntimeTable Runtimes { get; init; }
    /// <summary>The region used when neither the config nor a parameter names one.</summary>
    public string DefaultRegion { get; init; } = "";
    /// <summary>The config's <c>deployment.&lt;section&gt;</c> this platform reads (SeBS's lowercase name).</summary>
    public string ConfigSection => Name.ToSebsName();
    /// <summary>Environment variables that hold this platform's credentials: never handed to functions, never written out.</summary>
    public IReadOnlyList<string> CredentialVariables { get; init; } = Array.Empty<string>();
    public IReadOnlyList<TriggerType> Triggers { get; init; } = new[] { TriggerType.Http };
    /// <summary>
    /// Functions run on this machine: servers they must reach (ping-pong, clock sync) listen on 127.0.0.1, and no pause is
    /// needed between batches for the provider to settle.
    /// </summary>
    public bool FunctionsRunLocally { get; init; }
    /// <summary>SeBS's pause between perf-cost batches (5 s in the cloud) and between cold samples of invocation-overhead.</summary>
    public TimeSpan BatchPause { get; init; } = TimeSpan.FromSeconds(5);
    public TimeSpan ColdSamplePause { get; init; } = TimeSpan.FromSeconds(1);
    /// <summary>
    /// Provider metrics describe every result (local memory) rather than only those missing them; they are read once
    /// instead of again while cloud logs lag.
    /// </summary>
    public bool MetricsAreImmediate { get; init; }

    /// <summary>
    /// Options only this platform has (the local sandbox kind, an Azure hosting plan), given as <c>-PlatformOption @{...}</c>
    /// or as the dynamic parameters the cmdlets derive from them; they reach the platform in <see cref="PlatformContext.Options"/>.
    /// </summary>
    public IReadOnlyList<PlatformOption> Options { get; init; } = Array.Empty<PlatformOption>();

    /// <summary>Whether a name typed by a user means this platform.</summary>
    public bool Matches(string name) =>
        string.Equals(Name.Value, name, StringComparison.OrdinalIgnoreCase) ||
        Aliases.Any(a => string.Equals(a, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>The platform's <c>deployment.&lt;name&gt;</c> section of a config (empty when absent).</summary>
    public JsonObject Section(Configuration.SebsConfig config) => config.DeploymentSection(ConfigSection);

    /// <summary>The region: a parameter, else <c>deployment.&lt;name&gt;.region</c>, else the platform's default.</summary>
    public string Region(Configuration.SebsConfig config, string? parameter = null) =>
        !string.IsNullOrEmpty(parameter) ? parameter
        : Section(config)["region"] is System.Text.Json.Nodes.JsonValue v && v.TryGetValue<string>(out var r) && r.Length > 0 ? r
        : DefaultRegion;
}

/// <summary>One platform-specific option: its name, what it does, and the values it takes (null: any string).</summary>
public sealed record PlatformOption(string Name, string Description, IReadOnlyList<string>? AllowedValues = null, string? Default = null);
