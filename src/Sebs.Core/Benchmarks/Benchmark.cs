using System.Text.Json.Serialization;

namespace Sebs.Core.Benchmarks;

/// <summary>How a benchmark produces its input payload.</summary>
public enum InputGeneratorKind
{
    /// <summary>No generator: the payload must be given with -Payload.</summary>
    None,
    /// <summary>Our declarative <c>input.json</c>.</summary>
    Declarative,
    /// <summary>A SeBS <c>input.py</c> run with the host python3.</summary>
    SebsInputPy,
}

/// <summary>A language a benchmark is written in, with the variants it declares (SeBS: "default", "pypy", "bun", ...).</summary>
public sealed record BenchmarkLanguage(string Language, IReadOnlyList<string> Variants)
{
    public override string ToString() => Language;
}

/// <summary>One benchmark of the suite, read from <c>benchmarks/&lt;group&gt;/&lt;NNN.name&gt;/config.json</c>.</summary>
public sealed class Benchmark
{
    public required string Name { get; init; }
    /// <summary>The group folder, e.g. <c>100.webapps</c>; empty for a benchmark given directly.</summary>
    public string Group { get; init; } = "";
    public required string Path { get; init; }
    /// <summary>Function timeout in seconds.</summary>
    public int TimeoutSeconds { get; init; }
    /// <summary>Minimum function memory in MB.</summary>
    public int MemoryMB { get; init; }
    [JsonIgnore]
    public IReadOnlyList<BenchmarkLanguage> LanguageSpecs { get; init; } = Array.Empty<BenchmarkLanguage>();
    public string[] Languages => LanguageSpecs.Select(l => l.Language).ToArray();
    /// <summary>SeBS modules the function uses: <c>storage</c>, <c>nosql</c>.</summary>
    public string[] Modules { get; init; } = Array.Empty<string>();
    public InputGeneratorKind InputGenerator { get; init; }
    public string Description { get; init; } = "";

    public bool SupportsLanguage(string language) =>
        LanguageSpecs.Any(l => string.Equals(l.Language, language, StringComparison.OrdinalIgnoreCase));

    public bool UsesModule(string module) => Modules.Contains(module, StringComparer.OrdinalIgnoreCase);

    /// <summary>The folder with the function code for one language (<c>python/</c>, <c>nodejs/</c>).</summary>
    public string LanguagePath(string language) => System.IO.Path.Combine(Path, language.ToLowerInvariant());

    public override string ToString() => Name;
}

/// <summary>The sizes SeBS defines for benchmark input.</summary>
public static class InputSizes
{
    public static IReadOnlyList<string> All { get; } = new[] { "test", "small", "large" };

    public static string Normalize(string size)
    {
        var match = All.FirstOrDefault(s => string.Equals(s, size, StringComparison.OrdinalIgnoreCase));
        return match ?? throw new SebsException(SebsErrorIds.UnknownSize, SebsErrorKind.InvalidArgument,
            $"Unknown input size '{size}'. Valid sizes: {string.Join(", ", All)}.");
    }
}
