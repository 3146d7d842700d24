using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.Loader;
using Sebs.Core;
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
        var context = new SebsLoadContext(name.ToString(), dir);
        var assembly = context.LoadFromAssemblyPath(path);
        var type = assembly.GetTypes().FirstOrDefault(t => typeof(IPlatformFactory).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false })
            ?? throw new SebsException(SebsErrorIds.PlatformNotSupported, SebsErrorKind.InvalidData, $"{path} has no platform factory.");
        return (IPlatformFactory)Activator.CreateInstance(type)!;
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

    protected override IntPtr LoadUnmanagedDll(string unmanagedDllName)
    {
        // Native libraries shipped by SDK packages (runtimes/<rid>/native) next to the managed ones.
        foreach (var file in new[] { unmanagedDllName, "lib" + unmanagedDllName + ".so", unmanagedDllName + ".so", unmanagedDllName + ".dll", "lib" + unmanagedDllName + ".dylib" })
        {
            var direct = Path.Combine(_directory, file);
            if (File.Exists(direct)) return LoadUnmanagedDllFromPath(direct);
            var rid = Path.Combine(_directory, "runtimes", System.Runtime.InteropServices.RuntimeInformation.RuntimeIdentifier, "native", file);
            if (File.Exists(rid)) return LoadUnmanagedDllFromPath(rid);
        }
        return IntPtr.Zero;
    }
}
