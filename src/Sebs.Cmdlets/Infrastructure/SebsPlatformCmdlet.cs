using System.Management.Automation;
using Sebs.Core;
using Sebs.Core.Benchmarks;
using Sebs.Core.Caching;
using Sebs.Core.Configuration;
using Sebs.Core.Diagnostics;
using Sebs.Core.Packaging;
using Sebs.Core.Platforms;

namespace Sebs.Cmdlets.Infrastructure;

/// <summary>Common parameters of the cmdlets that talk to a platform: -Platform, -ConfigPath, -CachePath, -Sandbox.</summary>
public abstract class SebsPlatformCmdlet : SebsCmdlet
{
    /// <summary>Local, Aws, Azure or Gcp (SeBS's lowercase names work too). Default: deployment.name of the config, else Local.</summary>
    [Parameter]
    [ArgumentCompleter(typeof(PlatformNameCompleter))]
    public string? Platform { get; set; }

    /// <summary>A SeBS-compatible config file (experiments + deployment sections).</summary>
    [Parameter]
    [Alias("Config")]
    public string? ConfigPath { get; set; }

    /// <summary>The cache folder (default: per user, or $env:SEBS_CACHE).</summary>
    [Parameter]
    public string? CachePath { get; set; }

    /// <summary>Local platform only: Auto (Docker when available, else a host process), Process or Docker.</summary>
    [Parameter]
    [ValidateSet("Auto", "Process", "Docker", IgnoreCase = true)]
    public string Sandbox { get; set; } = "Auto";

    protected SebsConfig Config { get; private set; } = new();
    protected SebsCache Cache { get; private set; } = null!;
    protected PlatformName PlatformName { get; private set; }

    protected override void BeginProcessing()
    {
        try
        {
            Config = SebsSession.LoadConfig(ConfigPath is null ? null : GetUnresolvedProviderPathFromPSPath(ConfigPath));
            PlatformName = Platform is null ? Config.Platform : PlatformNames.Parse(Platform);
            Cache = SebsSession.OpenCache(CachePath is null ? null : GetUnresolvedProviderPathFromPSPath(CachePath), Config);
        }
        catch (SebsException ex)
        {
            ThrowSebsError(ex);
        }
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

    protected IPlatform OpenPlatform(ISebsLog log) =>
        SebsSession.Platform(PlatformName, Config, Cache, new Dictionary<string, object?> { ["Sandbox"] = Sandbox }, log);

    protected BenchmarkCatalog Catalog(string[]? extraPaths = null) =>
        CatalogLocator.Load(extraPaths?.Select(p => GetUnresolvedProviderPathFromPSPath(p)));
}

/// <summary>Completes -Platform.</summary>
public sealed class PlatformNameCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        System.Management.Automation.Language.CommandAst commandAst, System.Collections.IDictionary fakeBoundParameters) =>
        PlatformNames.All.Where(p => p.StartsWith(wordToComplete ?? "", StringComparison.OrdinalIgnoreCase))
            .Select(p => new CompletionResult(p, p, CompletionResultType.ParameterValue, p));
}
