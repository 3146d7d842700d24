using System.Text.Json.Nodes;
using Sebs.Core.Platforms;

namespace Sebs.Platforms.Loopback;

public sealed class LoopbackPlatformFactory : IPlatformFactory
{
    internal static readonly PlatformDescriptor Loopback = new()
    {
        Name = new PlatformName("Loopback"),
        Aliases = new[] { "loop" },
        Runtimes = new RuntimeTable("Loopback", new Dictionary<string, RuntimeVersion[]>
        {
            ["python"] = new RuntimeVersion[] { new("host") },
            ["nodejs"] = new RuntimeVersion[] { new("host") },
        }),
        DefaultRegion = "loopback-1",
        CredentialVariables = new[] { "SEBS_LOOPBACK_TOKEN" },
        FunctionsRunLocally = true,
        BatchPause = TimeSpan.Zero,
        ColdSamplePause = TimeSpan.Zero,
    };

    public PlatformDescriptor Descriptor => Loopback;
    public IPlatform Create(PlatformContext context) => new LoopbackPlatform(context);
    public SebsFunction RestoreFunction(JsonObject cached) => SebsFunction.Restore<LoopbackFunction>(cached, Loopback.Name);
}
