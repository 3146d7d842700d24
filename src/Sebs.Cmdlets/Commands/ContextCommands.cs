using System.Management.Automation;
using Sebs.Cmdlets.Infrastructure;
using Sebs.Core;

namespace Sebs.Cmdlets.Commands;

/// <summary>
/// Sets the session's defaults (platform, region, config, cache, platform options) for every later Sebs cmdlet;
/// their own parameters still win. Credentials are checked now (no network call), so a missing key shows here.
/// </summary>
[Cmdlet(VerbsCommunications.Connect, "SebsPlatform")]
[OutputType(typeof(SebsContext))]
public sealed class ConnectSebsPlatformCommand : SebsPlatformCmdlet
{
    protected override void BeginProcessing()
    {
        // A new connection starts from the parameters, the config and the platform's defaults, not from the previous one.
        SebsSession.Context = null;
        base.BeginProcessing();
    }

    protected override void ProcessRecord()
    {
        try
        {
            var descriptor = PlatformDescriptor;
            // Opening the platform checks its credentials and options before anything else runs on it.
            _ = OpenPlatform(DirectLog);
            var context = new SebsContext
            {
                Platform = descriptor.Name.Value,
                Region = descriptor.FunctionsRunLocally && string.IsNullOrEmpty(Region) ? "" : descriptor.Region(Config, Region),
                RegionGiven = !string.IsNullOrEmpty(Region),
                ConfigPath = Config.SourcePath ?? "",
                CachePath = Cache.Root,
                PlatformOption = new Dictionary<string, object?>(PlatformOptions(descriptor), StringComparer.OrdinalIgnoreCase),
            };
            SebsSession.Context = context;
            WriteVerbose($"Later Sebs cmdlets use {context.Platform}{(context.Region.Length > 0 ? " in " + context.Region : "")}, cache {context.CachePath}" +
                (context.ConfigPath.Length > 0 ? $", config {context.ConfigPath}" : "") + ".");
            WriteObject(context);
        }
        catch (Exception ex) when (ex is SebsException or ArgumentException)
        {
            ThrowSebsError(ex, Platform);
        }
    }
}

/// <summary>The session's defaults set by Connect-SebsPlatform, if any.</summary>
[Cmdlet(VerbsCommon.Get, "SebsContext")]
[OutputType(typeof(SebsContext))]
public sealed class GetSebsContextCommand : SebsCmdlet
{
    protected override void ProcessRecord()
    {
        if (SebsSession.Context is { } context) WriteObject(context);
        else WriteVerbose("No session defaults: run Connect-SebsPlatform to set them.");
    }
}

/// <summary>Clears the session's defaults; later cmdlets go back to their parameters, the config and Local.</summary>
[Cmdlet(VerbsCommunications.Disconnect, "SebsPlatform")]
[OutputType(typeof(SebsContext))]
public sealed class DisconnectSebsPlatformCommand : SebsCmdlet
{
    /// <summary>Write the defaults that were cleared.</summary>
    [Parameter] public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        var previous = SebsSession.Context;
        SebsSession.Context = null;
        if (PassThru && previous is not null) WriteObject(previous);
    }
}
