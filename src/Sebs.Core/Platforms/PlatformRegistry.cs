using System.Collections.Concurrent;

namespace Sebs.Core.Platforms;

/// <summary>
/// The platforms this session can use, registered by name (SeBS's registry dict in sebs/sebs.py). Factories are
/// loaded on first use, so knowing a platform's name costs nothing until it is used; aliases are looked up in the
/// loaded descriptors only when no name matches.
/// </summary>
public sealed class PlatformRegistry
{
    private readonly ConcurrentDictionary<PlatformName, Lazy<IPlatformFactory>> _factories = new();

    /// <summary>Registers (or replaces) a platform whose factory is created on first use.</summary>
    public void Register(PlatformName name, Func<IPlatformFactory> load) =>
        _factories[name] = new Lazy<IPlatformFactory>(() =>
        {
            var factory = load();
            if (factory.Descriptor.Name != name)
                throw new SebsException(SebsErrorIds.PlatformNotSupported, SebsErrorKind.InvalidData,
                    $"The platform registered as {name} calls itself {factory.Descriptor.Name}.", target: name.Value);
            return factory;
        }, LazyThreadSafetyMode.ExecutionAndPublication);

    public void Register(IPlatformFactory factory) => Register(factory.Descriptor.Name, () => factory);

    public IReadOnlyList<PlatformName> Names => _factories.Keys.OrderBy(n => n.Value, StringComparer.OrdinalIgnoreCase).ToList();

    public bool IsRegistered(PlatformName name) => _factories.ContainsKey(name);

    /// <summary>The factory of a platform named by a user (its name or an alias); an unknown name lists the registered ones.</summary>
    public IPlatformFactory Resolve(string? name, string? source = null)
    {
        if (!string.IsNullOrWhiteSpace(name) && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
        {
            if (_factories.TryGetValue(new PlatformName(name.Trim()), out var direct)) return direct.Value;
            foreach (var entry in _factories.Values)
            {
                IPlatformFactory factory;
                try { factory = entry.Value; }
                catch (SebsException) { continue; } // a platform that fails to load cannot own an alias
                if (factory.Descriptor.Matches(name.Trim())) return factory;
            }
        }
        throw new SebsException(SebsErrorIds.UnknownPlatform, SebsErrorKind.InvalidArgument,
            $"{(source is null ? "" : source + ": ")}Unknown platform '{name}'. Registered platforms: {string.Join(", ", Names)}.", target: name);
    }

    public IPlatformFactory Resolve(PlatformName name) => Resolve(name.Value);

    /// <summary>The canonical name of a platform a user named, or null when none matches (for completers and lookups).</summary>
    public PlatformName? TryCanonical(string? name)
    {
        try { return Resolve(name).Descriptor.Name; }
        catch (SebsException) { return null; }
    }
}
