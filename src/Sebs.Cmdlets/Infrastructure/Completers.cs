using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using Sebs.Core;
using Sebs.Core.Benchmarks;
using Sebs.Core.Platforms;

namespace Sebs.Cmdlets.Infrastructure;

/// <summary>What the command line typed so far says, for completers: the platform, the cache, extra benchmark folders.</summary>
internal static class CompletionContext
{
    public static string? Bound(IDictionary fake, params string[] names)
    {
        foreach (var name in names)
            if (fake.Contains(name) && fake[name] is { } value)
                return (value is PSObject pso ? pso.BaseObject : value) switch
                {
                    string s => s,
                    Benchmark b => b.Name,
                    object[] { Length: > 0 } a => a[0]?.ToString(),
                    var other => other.ToString(),
                };
        return null;
    }

    public static IEnumerable<string> BoundList(IDictionary fake, params string[] names)
    {
        foreach (var name in names)
        {
            if (!fake.Contains(name) || fake[name] is not { } value) continue;
            value = value is PSObject pso ? pso.BaseObject : value;
            if (value is string s) yield return s;
            else if (value is IEnumerable list) foreach (var item in list) if (item?.ToString() is { Length: > 0 } p) yield return p;
        }
    }

    /// <summary>-Platform, else the session's, else the config's deployment.name, else Local; null if it names nothing known.</summary>
    public static PlatformDescriptor? Platform(IDictionary fake)
    {
        try
        {
            var named = Bound(fake, "Platform") ?? SebsSession.ContextPlatform ?? Config(fake).Platform ?? SebsSession.DefaultPlatform;
            return PlatformLoader.Factory(named).Descriptor;
        }
        catch (Exception ex) when (ex is SebsException or IOException or System.Text.Json.JsonException) { return null; }
    }

    public static Core.Configuration.SebsConfig Config(IDictionary fake)
    {
        var path = Bound(fake, "ConfigPath", "Config");
        try { return SebsSession.LoadConfig(path is null ? null : System.IO.Path.GetFullPath(path)); }
        catch (Exception ex) when (ex is SebsException or IOException or System.Text.Json.JsonException) { return new Core.Configuration.SebsConfig(); }
    }

    public static Core.Caching.SebsCache Cache(IDictionary fake)
    {
        var path = Bound(fake, "CachePath");
        return SebsSession.OpenCache(path is null ? null : System.IO.Path.GetFullPath(path), Config(fake));
    }

    /// <summary>The catalog with the command's -BenchmarkPath (or Get-SebsBenchmark's -Path) folders.</summary>
    public static BenchmarkCatalog Catalog(IDictionary fake) =>
        CatalogLocator.Load(BoundList(fake, "BenchmarkPath", "Path").Select(System.IO.Path.GetFullPath));

    public static IEnumerable<CompletionResult> Matching(IEnumerable<(string Value, string Tooltip)> values, string? word)
    {
        var prefix = (word ?? "").Trim('\'', '"');
        return values.Where(v => v.Value.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            .DistinctBy(v => v.Value, StringComparer.OrdinalIgnoreCase)
            .Select(v => new CompletionResult(v.Value, v.Value, CompletionResultType.ParameterValue, v.Tooltip));
    }
}

/// <summary>Completes benchmark names from the catalog: <c>Invoke-SebsBenchmark 11&lt;Tab&gt;</c>, including -BenchmarkPath folders.</summary>
public sealed class BenchmarkNameCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var word = (wordToComplete ?? "").Trim('\'', '"');
        var pattern = new WildcardPattern(word + "*", WildcardOptions.IgnoreCase);
        // A number alone ("11") matches the id of NNN.name as well as the start of the name.
        var catalog = CompletionContext.Catalog(fakeBoundParameters);
        foreach (var b in catalog.Benchmarks)
        {
            var shortName = b.Name.Length > 4 ? b.Name[4..] : b.Name;
            if (pattern.IsMatch(b.Name) || pattern.IsMatch(shortName))
                yield return new CompletionResult(b.Name, b.Name, CompletionResultType.ParameterValue,
                    string.IsNullOrEmpty(b.Description) ? b.Name : b.Description);
        }
    }
}

/// <summary>Completes -Language with the languages the chosen benchmark has (every benchmark's when none is chosen yet).</summary>
public sealed class LanguageCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var catalog = CompletionContext.Catalog(fakeBoundParameters);
        var named = CompletionContext.Bound(fakeBoundParameters, "Name", "Benchmark", "BenchmarkObject");
        var benchmarks = catalog.Benchmarks.Where(b => named is null || string.Equals(b.Name, named, StringComparison.OrdinalIgnoreCase)).ToList();
        if (benchmarks.Count == 0) benchmarks = catalog.Benchmarks.ToList();
        return CompletionContext.Matching(benchmarks.SelectMany(b => b.Languages).Order().Select(l => (l, l)), wordToComplete);
    }
}

/// <summary>Completes -LanguageVersion with the versions the chosen platform runs for the chosen language (default first).</summary>
public sealed class LanguageVersionCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        if (CompletionContext.Platform(fakeBoundParameters) is not { } platform) return Array.Empty<CompletionResult>();
        var language = CompletionContext.Bound(fakeBoundParameters, "Language") ?? CompletionContext.Config(fakeBoundParameters).Runtime?.Language ?? "python";
        if (!platform.Runtimes.Languages.Contains(language, StringComparer.OrdinalIgnoreCase)) return Array.Empty<CompletionResult>();
        var versions = platform.Runtimes.Versions(language).Select((v, i) => (v.Version,
            $"{language} {v.Version} on {platform.Name}{(i == 0 ? " (default)" : "")}{(v.Deprecated is { } d ? $", deprecated {d:yyyy-MM-dd}" : "")}"));
        return CompletionContext.Matching(versions, wordToComplete);
    }
}

/// <summary>Completes function names from the cache (of the chosen platform, or all platforms), honouring -CachePath.</summary>
public sealed class FunctionNameCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var cache = CompletionContext.Cache(fakeBoundParameters);
        var platforms = CompletionContext.Bound(fakeBoundParameters, "Platform") is not null || SebsSession.ContextPlatform is not null
            ? new[] { CompletionContext.Platform(fakeBoundParameters)?.Name }.OfType<PlatformName>().ToArray()
            : PlatformLoader.Registry.Names.ToArray();
        var benchmark = CompletionContext.Bound(fakeBoundParameters, "Name", "Benchmark");
        var names = new List<(string, string)>();
        foreach (var b in cache.Benchmarks())
        {
            if (benchmark is not null && commandName is "Invoke-SebsBenchmark" && !string.Equals(b, benchmark, StringComparison.OrdinalIgnoreCase)) continue;
            foreach (var platform in platforms)
                foreach (var json in cache.GetFunctions(b, platform))
                    if (json["name"]?.GetValue<string>() is { } name)
                        names.Add((name, $"{b} on {platform}"));
        }
        return CompletionContext.Matching(names.OrderBy(n => n.Item1, StringComparer.Ordinal), wordToComplete);
    }
}
