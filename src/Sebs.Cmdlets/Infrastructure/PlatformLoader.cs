using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Loader;
using Sebs.Core;
using Sebs.Core.Analysis;
using Sebs.Core.Platforms;

namespace Sebs.Cmdlets.Infrastructure;

/// <summary>
/// Loads a platform assembly and its SDKs (Docker.DotNet, Minio, AWSSDK, ...) from
/// <c>dependencies/Platforms.&lt;Name&gt;/</c> into a load context of its own, on first use. Sebs.Core and the
/// runtime come from the default context, so the public types scripts name stay one and the same.
/// </summary>
internal static class PlatformLoader
{
    private static readonly ConcurrentDictionary<PlatformName, Lazy<IPlatformFactory>> Factories = new();

    public static string DependenciesRoot => Path.Combine(CatalogLocator.ModuleRoot, "dependencies");

    public static IPlatformFactory Factory(PlatformName name) =>
        Factories.GetOrAdd(name, n => new Lazy<IPlatformFactory>(() => Load(n))).Value;

    private static IPlatformFactory Load(PlatformName name)
    {
        var dir = Path.Combine(DependenciesRoot, "Platforms." + name);
        var path = Path.Combine(dir, $"Sebs.Platforms.{name}.dll");
        if (!File.Exists(path))
            throw new SebsException(SebsErrorIds.PlatformNotSupported, SebsErrorKind.ResourceUnavailable,
                $"The {name} platform is not part of this build of Sebs (no {path}).", target: name.ToString());
        return DependencyLoader.CreateImplementation<IPlatformFactory>(name.ToString(), dir, path);
    }
}

/// <summary>
/// Loads an assembly that carries heavy dependencies (platform SDKs, ScottPlot/SkiaSharp) from its folder under
/// <c>dependencies/</c> into an isolated context, and creates the one class in it that implements a Core contract.
/// </summary>
internal static class DependencyLoader
{
    private static readonly ConcurrentDictionary<string, SebsLoadContext> Contexts = new(StringComparer.Ordinal);

    public static T CreateImplementation<T>(string name, string directory, string assemblyPath) where T : class
    {
        var context = Contexts.GetOrAdd(directory, d => new SebsLoadContext(name, d));
        var assembly = context.LoadFromAssemblyPath(assemblyPath);
        var type = assembly.GetTypes().FirstOrDefault(t => typeof(T).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false })
            ?? throw new SebsException(SebsErrorIds.PlatformNotSupported, SebsErrorKind.InvalidData, $"{assemblyPath} has no {typeof(T).Name}.");
        return (T)Activator.CreateInstance(type)!;
    }
}

/// <summary>The chart renderer (Sebs.Analysis with ScottPlot and SkiaSharp), loaded on the first Export-SebsChart.</summary>
internal static class AnalysisLoader
{
    private static readonly Lazy<IChartRenderer> Instance = new(Load);

    public static IChartRenderer Renderer => Instance.Value;

    private static IChartRenderer Load()
    {
        var dir = Path.Combine(PlatformLoader.DependenciesRoot, "Analysis");
        var path = Path.Combine(dir, "Sebs.Analysis.dll");
        if (!File.Exists(path))
            throw new SebsException(SebsErrorIds.PlatformNotSupported, SebsErrorKind.ResourceUnavailable,
                $"Charts are not part of this build of Sebs (no {path}).");
        return DependencyLoader.CreateImplementation<IChartRenderer>("Analysis", dir, path);
    }
}

/// <summary>One isolated context per platform folder; anything not found there falls back to the default context.</summary>
internal sealed class SebsLoadContext : AssemblyLoadContext
{
    private readonly string _directory;

    public SebsLoadContext(string name, string directory) : base("Sebs." + name, isCollectible: false) => _directory = directory;

    protected override Assembly? Load(AssemblyName assemblyName)
    {
        // Shared contracts must resolve to the default context's copy, or IPlatform would be two different types.
        if (assemblyName.Name is "Sebs.Core" or "System.Management.Automation") return null;
        var candidate = Path.Combine(_directory, assemblyName.Name + ".dll");
        return File.Exists(candidate) ? LoadFromAssemblyPath(candidate) : null;
    }

    /// <summary>
    /// The runtime's RID, then the portable one NuGet packages use (runtimes/linux-x64/native): a distro-specific RID
    /// such as debian.12-x64 has no folder of its own.
    /// </summary>
    private static readonly string[] RuntimeIds = new[]
    {
        RuntimeInformation.RuntimeIdentifier,
        (OperatingSystem.IsWindows() ? "win" : OperatingSystem.IsMacOS() ? "osx" : "linux") + "-" + RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant(),
    }.Distinct().ToArray();

    protected override IntPtr LoadUnmanagedDll(string unmanagedDllName)
    {
        // Native libraries shipped by SDK packages (runtimes/<rid>/native) next to the managed ones.
        foreach (var file in new[] { unmanagedDllName, "lib" + unmanagedDllName + ".so", unmanagedDllName + ".so", unmanagedDllName + ".dll", "lib" + unmanagedDllName + ".dylib" })
        {
            var direct = Path.Combine(_directory, file);
            if (File.Exists(direct)) return LoadUnmanagedDllFromPath(direct);
            foreach (var rid in RuntimeIds)
            {
                var native = Path.Combine(_directory, "runtimes", rid, "native", file);
                if (File.Exists(native)) return LoadUnmanagedDllFromPath(native);
            }
        }
        return IntPtr.Zero;
    }
}
