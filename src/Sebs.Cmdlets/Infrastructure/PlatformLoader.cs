using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Loader;
using Sebs.Core;
using Sebs.Core.Analysis;
using Sebs.Core.Platforms;

namespace Sebs.Cmdlets.Infrastructure;

/// <summary>
/// The session's platform registry. The module's own platforms are found by folder (<c>dependencies/Platforms.&lt;Name&gt;/
/// Sebs.Platforms.&lt;Name&gt;.dll</c>) without loading them; Register-SebsPlatform adds others (a user's own, or a test's).
/// Each platform assembly and its SDKs (Docker.DotNet, Minio, AWSSDK, Azure, Google) load on first use into a context of
/// their own; Sebs.Core and the runtime come from the default context, so the public types scripts name stay one.
/// </summary>
internal static class PlatformLoader
{
    private static readonly Lazy<PlatformRegistry> Instance = new(Discover);

    public static string DependenciesRoot => Path.Combine(CatalogLocator.ModuleRoot, "dependencies");

    public static PlatformRegistry Registry => Instance.Value;

    /// <summary>The platform a user named (name or alias); an unknown name lists the registered ones.</summary>
    public static IPlatformFactory Factory(string? name, string? source = null) => Registry.Resolve(name, source);

    public static IPlatformFactory Factory(PlatformName name) => Registry.Resolve(name);

    private static PlatformRegistry Discover()
    {
        var registry = new PlatformRegistry();
        if (!Directory.Exists(DependenciesRoot)) return registry;
        foreach (var dir in Directory.EnumerateDirectories(DependenciesRoot, "Platforms.*"))
        {
            var suffix = Path.GetFileName(dir)["Platforms.".Length..];
            var path = Path.Combine(dir, $"Sebs.Platforms.{suffix}.dll");
            if (!File.Exists(path) || !suffix.All(char.IsAsciiLetterOrDigit)) continue;
            registry.Register(new PlatformName(suffix), () => DependencyLoader.CreateImplementation<IPlatformFactory>(suffix, dir, path));
        }
        return registry;
    }

    /// <summary>Registers the platform in an assembly (its folder holds its dependencies) and returns its declaration.</summary>
    public static PlatformDescriptor Register(string assemblyPath)
    {
        var full = Path.GetFullPath(assemblyPath);
        if (!File.Exists(full))
            throw new SebsException(SebsErrorIds.PlatformNotSupported, SebsErrorKind.ObjectNotFound, $"No platform assembly at '{full}'.", target: full);
        var dir = Path.GetDirectoryName(full)!;
        var factory = DependencyLoader.CreateImplementation<IPlatformFactory>(Path.GetFileNameWithoutExtension(full), dir, full);
        Registry.Register(factory);
        return factory.Descriptor;
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

    private static readonly string FrameworkDirectory = Path.GetDirectoryName(typeof(object).Assembly.Location)!;

    public SebsLoadContext(string name, string directory) : base("Sebs." + name, isCollectible: false) => _directory = directory;

    protected override Assembly? Load(AssemblyName assemblyName)
    {
        // Shared contracts must resolve to the default context's copy, or IPlatform would be two different types.
        if (assemblyName.Name is "Sebs.Core" or "System.Management.Automation") return null;
        // So must the framework: an SDK package's own System.Text.Json would make Core's JsonObject another type here
        // (PSBicep's DependencyAssemblyLoadContext defers to what the host already has in the same way).
        if (assemblyName.Name is { } name && File.Exists(Path.Combine(FrameworkDirectory, name + ".dll"))) return null;
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
