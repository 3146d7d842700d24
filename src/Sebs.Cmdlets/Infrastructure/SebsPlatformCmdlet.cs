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
    /// <summary>A registered platform (Get-SebsPlatform lists them; SeBS's lowercase names work too). Default: deployment.name of the config, else Local.</summary>
    [Parameter]
    [ArgumentCompleter(typeof(PlatformNameCompleter))]
    public string? Platform { get; set; }

    /// <summary>The cloud region. Default: deployment.&lt;platform&gt;.region of the config, else the platform's default.</summary>
    [Parameter]
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
    protected PlatformDescriptor PlatformDescriptor { get; private set; } = null!;

    private RuntimeDefinedParameterDictionary? _dynamic;

    /// <summary>The chosen platform's options (its descriptor's Options) as parameters of this cmdlet.</summary>
    public object? GetDynamicParameters()
    {
        _dynamic = new RuntimeDefinedParameterDictionary();
        IPlatformFactory factory;
        try { factory = PlatformLoader.Factory(Platform ?? SebsSession.DefaultPlatform); }
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
            var named = Platform ?? Config.Platform ?? SebsSession.DefaultPlatform;
            PlatformDescriptor = PlatformLoader.Factory(named, Platform is null && Config.Platform is not null ? $"{Config.SourcePath} (deployment.name)" : null).Descriptor;
            Cache = SebsSession.OpenCache(CachePath is null ? null : GetUnresolvedProviderPathFromPSPath(CachePath), Config);
        }
        catch (SebsException ex)
        {
            ThrowSebsError(ex);
        }
    }

    /// <summary>-PlatformOption and the dynamic option parameters, checked against what the platform declares.</summary>
    protected IReadOnlyDictionary<string, object?> PlatformOptions(PlatformDescriptor descriptor)
    {
        var options = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
        foreach (var option in descriptor.Options)
            if (option.Default is not null) options[option.Name] = option.Default;
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
        SebsSession.Platform(descriptor.Name, Config, Cache, PlatformOptions(descriptor), log, descriptor.Name == PlatformName ? Region : null);

    protected BenchmarkCatalog Catalog(string[]? extraPaths = null) =>
        CatalogLocator.Load(extraPaths?.Select(p => GetUnresolvedProviderPathFromPSPath(p)));
}

/// <summary>Completes -Platform with the registered platforms.</summary>
public sealed class PlatformNameCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        System.Management.Automation.Language.CommandAst commandAst, IDictionary fakeBoundParameters) =>
        PlatformLoader.Registry.Names.Select(n => n.Value).Where(p => p.StartsWith(wordToComplete ?? "", StringComparison.OrdinalIgnoreCase))
            .Select(p => new CompletionResult(p, p, CompletionResultType.ParameterValue, p));
}
