using Sebs.Core.Platforms;
using System.Text.Json.Nodes;

namespace Sebs.Tests;

/// <summary>Platform names and declarations for tests that need a platform but no platform assembly.</summary>
public static class TestPlatforms
{
    public static readonly PlatformName Local = new("Local");

    public static PlatformDescriptor Descriptor(string name, string defaultRegion = "", params string[] aliases) => new()
    {
        Name = new PlatformName(name),
        Aliases = aliases,
        DefaultRegion = defaultRegion,
        Runtimes = new RuntimeTable(name, new Dictionary<string, RuntimeVersion[]>
        {
            ["python"] = new RuntimeVersion[] { new("3.11"), new("3.12") },
            ["nodejs"] = new RuntimeVersion[] { new("22") },
        }),
    };

    /// <summary>A registry with a Local and an Aws (alias lambda) declaration.</summary>
    public static PlatformRegistry Registry()
    {
        var registry = new PlatformRegistry();
        registry.Register(new Factory(Descriptor("Local", "local")));
        registry.Register(new Factory(Descriptor("Aws", "us-east-1", "lambda")));
        return registry;
    }

    private sealed class Factory(PlatformDescriptor descriptor) : IPlatformFactory
    {
        public PlatformDescriptor Descriptor => descriptor;
        public IPlatform Create(PlatformContext context) => throw new NotSupportedException("declaration only");
        public SebsFunction RestoreFunction(JsonObject cached) => SebsFunction.Restore<SebsFunction>(cached, descriptor.Name);
    }
}
