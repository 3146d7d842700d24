namespace Sebs.Core.Platforms;

/// <summary>
/// How a platform lays out its code packages (SeBS's package_code per System): where its wrappers are, which wrapper
/// files go to the package root, and any files the provider needs generated (Azure's function.json, ...).
/// </summary>
public interface IPackageLayout
{
    /// <summary>The folder of the function-side wrapper files for a language (handler, storage and NoSQL shims).</summary>
    string WrapperDirectory(string language);

    /// <summary>Whether a wrapper file goes to the package root (the entry point) rather than into <c>function/</c>.</summary>
    bool IsRootFile(string fileName) => fileName.StartsWith("handler.", StringComparison.Ordinal) || fileName is "host.json" or "setup.py";

    /// <summary>Runs after the code and wrappers are in place and before dependencies are installed.</summary>
    Task CompleteAsync(string packageDirectory, Benchmarks.Benchmark benchmark, string language, string languageVersion, CancellationToken cancellationToken) =>
        Task.CompletedTask;
}

/// <summary>SeBS's layout: <c>&lt;module&gt;/benchmarks/wrappers/&lt;platform&gt;/&lt;language&gt;/</c>, handler at the root.</summary>
public sealed class WrapperFolderLayout(string wrappersRoot, PlatformName platform) : IPackageLayout
{
    public string WrapperDirectory(string language) => Path.Combine(wrappersRoot, platform.ToSebsName(), language);
}
