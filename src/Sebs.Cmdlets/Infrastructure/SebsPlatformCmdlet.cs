using System.Collections;
using System.Collections.ObjectModel;
using System.Management.Automation;
using Sebs.Core;
using Sebs.Core.Benchmarks;
using Sebs.Core.Caching;
using Sebs.Core.Configuration;
using Sebs.Core.Diagnostics;
using Sebs.Core.Packaging;
using Sebs.Core.Platforms;

namespace Sebs.Cmdlets.Infrastructure;

/// <summary>
/// Common parameters of the cmdlets that talk to a platform: -Platform, -Region, -ConfigPath, -CachePath,
/// -PlatformOption, and the chosen platform's own options as dynamic parameters (the local platform's -Sandbox).
/// </summary>
public abstract class SebsPlatformCmdlet : SebsCmdlet, IDynamicParameters
{
    /// <summary>A registered platform (Get-SebsPlatform lists them; SeBS's lowercase names work too). Default: the session's (Connect-SebsPlatform), else deployment.name of the config, else Local.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(PlatformNameCompleter))]
    public string? Platform { get; set; }

    /// <summary>The cloud region. Default: the session's on its platform, else deployment.&lt;platform&gt;.region of the config, else the platform's default.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? Region { get; set; }

    /// <summary>A SeBS-compatible config file (experiments + deployment sections).</summary>
    [Parameter]
    [Alias("Config")]
    public string? ConfigPath { get; set; }

    /// <summary>The cache folder (default: per user, or $env:SEBS_CACHE).</summary>
    [Parameter]
    public string? CachePath { get; set; }

    /// <summary>Options only the chosen platform has, by name (Get-SebsPlatform shows them), e.g. @{ Sandbox = 'Docker' } on Local.</summary>
    [Parameter]
    public Hashtable? PlatformOption { get; set; }

    protected SebsConfig Config { get; private set; } = new();
    protected SebsCache Cache { get; private set; } = null!;
    protected PlatformName PlatformName => PlatformDescriptor.Name;

    private PlatformDescriptor? _descriptor;
    private string? _descriptorFor;

    /// <summary>
    /// The platform this call (or this pipeline item: -Platform binds from piped objects' Platform) works on:
    /// -Platform, else the session's, else the config's deployment.name, else Local.
    /// </summary>
    protected PlatformDescriptor PlatformDescriptor
    {
        get
        {
            if (_descriptor is null || !string.Equals(_descriptorFor, Platform, StringComparison.Ordinal))
            {
                var named = Platform ?? SebsSession.ContextPlatform ?? Config.Platform ?? SebsSession.DefaultPlatform;
                var source = Platform is null && SebsSession.ContextPlatform is null && Config.Platform is not null ? $"{Config.SourcePath} (deployment.name)" : null;
                _descriptor = PlatformLoader.Factory(named, source).Descriptor;
                _descriptorFor = Platform;
            }
            return _descriptor;
        }
    }

    /// <summary>-Region, else the session's when this call is on the session's platform (the config and platform defaults follow inside the platform).</summary>
    protected string? EffectiveRegion(PlatformDescriptor descriptor) =>
        Region is { Length: > 0 } && descriptor.Name == PlatformName ? Region
        : SebsSession.Context is { RegionGiven: true } c && c.IsOn(descriptor.Name) ? c.Region
        : null;

    private RuntimeDefinedParameterDictionary? _dynamic;

    /// <summary>The chosen platform's options (its descriptor's Options) as parameters of this cmdlet.</summary>
    public object? GetDynamicParameters()
    {
        _dynamic = new RuntimeDefinedParameterDictionary();
        IPlatformFactory factory;
        try { factory = PlatformLoader.Factory(Platform ?? SebsSession.ContextPlatform ?? SebsSession.DefaultPlatform); }
        catch (SebsException) { return _dynamic; } // the unknown name is reported when the cmdlet runs
        foreach (var option in factory.Descriptor.Options)
        {
            if (MyInvocation.MyCommand is CmdletInfo info && info.ImplementingType.GetProperty(option.Name) is not null) continue;
            var attributes = new Collection<Attribute> { new ParameterAttribute { HelpMessage = option.Description } };
            if (option.AllowedValues is { Count: > 0 } values)
                attributes.Add(new ValidateSetAttribute(values.ToArray()) { IgnoreCase = true });
            _dynamic[option.Name] = new RuntimeDefinedParameter(option.Name, typeof(string), attributes);
        }
        return _dynamic;
    }

    protected override void BeginProcessing()
    {
        try
        {
            Config = SebsSession.LoadConfig(ConfigPath is null ? null : GetUnresolvedProviderPathFromPSPath(ConfigPath));
            foreach (var warning in Config.Warnings) WriteWarning(warning);
            _ = PlatformDescriptor; // an unknown platform stops the call here, before any item
            Cache = SebsSession.OpenCache(CachePath is null ? null : GetUnresolvedProviderPathFromPSPath(CachePath), Config);
        }
        // A cache folder that cannot be created, a path PowerShell cannot resolve: still an error with a Sebs id.
        catch (Exception ex) when (ex is SebsException or IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            ThrowSebsError(ex, CachePath ?? ConfigPath);
        }
    }

    /// <summary>-PlatformOption and the dynamic option parameters, checked against what the platform declares.</summary>
    protected IReadOnlyDictionary<string, object?> PlatformOptions(PlatformDescriptor descriptor)
    {
        var options = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
        foreach (var option in descriptor.Options)
            if (option.Default is not null) options[option.Name] = option.Default;
        if (SebsSession.Context is { } context && context.IsOn(descriptor.Name))
            foreach (var (name, value) in context.PlatformOption) options[name] = value;
        if (PlatformOption is not null)
            foreach (DictionaryEntry entry in PlatformOption)
            {
                var name = entry.Key?.ToString() ?? "";
                var declared = descriptor.Options.FirstOrDefault(o => string.Equals(o.Name, name, StringComparison.OrdinalIgnoreCase))
                    ?? throw new SebsException(SebsErrorIds.InvalidConfig, SebsErrorKind.InvalidArgument,
                        $"-PlatformOption: {descriptor.Name} has no option '{name}'." +
                        (descriptor.Options.Count > 0 ? $" Its options: {string.Join(", ", descriptor.Options.Select(o => o.Name))}." : " It has no options."), target: name);
                var value = entry.Value is PSObject pso ? pso.BaseObject : entry.Value;
                if (declared.AllowedValues is { Count: > 0 } allowed && !allowed.Contains(value?.ToString() ?? "", StringComparer.OrdinalIgnoreCase))
                    throw new SebsException(SebsErrorIds.InvalidConfig, SebsErrorKind.InvalidArgument,
                        $"-PlatformOption {declared.Name} must be one of {string.Join(", ", allowed)}, not '{value}'.", target: name);
                options[declared.Name] = value;
            }
        if (_dynamic is not null && descriptor.Name == PlatformName)
            foreach (var (name, parameter) in _dynamic)
                if (parameter.IsSet) options[name] = parameter.Value;
        return options;
    }

    /// <summary>
    /// SeBS's runtime choice: the parameter, else the config's experiments.runtime, else Python. The config's version
    /// applies only to the config's language, so -Language nodejs with a Python config gets Node's default version.
    /// </summary>
    protected (string Language, string? Version) ResolveRuntime(string? language, string? version)
    {
        var lang = LanguageRuntimes.NormalizeLanguage(language ?? Config.Runtime?.Language ?? "python");
        if (!string.IsNullOrEmpty(version)) return (lang, version);
        var configured = Config.Runtime is { } rt && LanguageRuntimes.NormalizeLanguage(rt.Language) == lang && !string.IsNullOrEmpty(rt.Version)
            ? rt.Version : null;
        return (lang, configured);
    }

    protected IPlatform OpenPlatform(ISebsLog log) => OpenPlatform(PlatformDescriptor, log);

    /// <summary>The session's instance of a platform, with this call's region and options.</summary>
    protected IPlatform OpenPlatform(PlatformDescriptor descriptor, ISebsLog log) =>
        SebsSession.Platform(descriptor.Name, Config, Cache, PlatformOptions(descriptor), log, EffectiveRegion(descriptor));

    /// <summary>A platform for results that name their own region (Get-SebsMetrics): that region, unless -Region says otherwise.</summary>
    protected IPlatform OpenPlatform(PlatformDescriptor descriptor, string? region, ISebsLog log) =>
        SebsSession.Platform(descriptor.Name, Config, Cache, PlatformOptions(descriptor), log,
            string.IsNullOrEmpty(region) ? EffectiveRegion(descriptor) : region);

    private readonly HashSet<string> _warnedShadows = new(StringComparer.Ordinal);

    /// <summary>The catalog with the user's folders first.</summary>
    protected BenchmarkCatalog Catalog(string[]? extraPaths = null) =>
        CatalogLocator.Load(extraPaths?.Select(p => GetUnresolvedProviderPathFromPSPath(p)));

    /// <summary>
    /// The benchmark to use: a piped Benchmark object as it is (wherever Get-SebsBenchmark found it), else the catalog's
    /// by name; a user's benchmark that shadows another of its name is warned about once per call.
    /// </summary>
    protected Benchmark FindBenchmark(string name, string[]? extraPaths, Benchmark? piped = null)
    {
        if (piped is not null) return piped;
        var catalog = Catalog(extraPaths);
        var benchmark = catalog.Get(name);
        foreach (var shadow in catalog.Shadows.Where(s => string.Equals(s.Name, benchmark.Name, StringComparison.OrdinalIgnoreCase)))
            if (_warnedShadows.Add(shadow.Used)) WriteWarning(CatalogLocator.ShadowWarning(shadow));
        return benchmark;
    }
}

/// <summary>Completes -Platform with the registered platforms.</summary>
public sealed class PlatformNameCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        System.Management.Automation.Language.CommandAst commandAst, IDictionary fakeBoundParameters) =>
        PlatformLoader.Registry.Names.Select(n => n.Value).Where(p => p.StartsWith(wordToComplete ?? "", StringComparison.OrdinalIgnoreCase))
            .Select(p => new CompletionResult(p, p, CompletionResultType.ParameterValue, p));
}
