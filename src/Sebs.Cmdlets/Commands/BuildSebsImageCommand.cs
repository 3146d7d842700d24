using System.Management.Automation;
using Sebs.Cmdlets.Infrastructure;
using Sebs.Core;
using Sebs.Core.Platforms;

namespace Sebs.Cmdlets.Commands;

/// <summary>Builds the local platform's run images (SeBS's <c>docker build --image-type run</c>).</summary>
[Cmdlet("Build", "SebsImage", SupportsShouldProcess = true)]
[OutputType(typeof(RunImage))]
public sealed class BuildSebsImageCommand : SebsCmdlet
{
    [Parameter(Position = 0)]
    [ValidateSet("python", "nodejs", IgnoreCase = true)]
    public string[] Language { get; set; } = { "python", "nodejs" };

    /// <summary>Language version (default: python 3.11, nodejs 18, Debian's versions that -Offline builds).</summary>
    [Parameter]
    public string? Version { get; set; }

    /// <summary>Build from Debian packages with debootstrap + docker import, for machines that reach no container registry.</summary>
    [Parameter]
    public SwitchParameter Offline { get; set; }

    /// <summary>Rebuild even when the image exists.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>The cache folder (default: per user, or $env:SEBS_CACHE).</summary>
    [Parameter]
    public string? CachePath { get; set; }

    protected override void ProcessRecord()
    {
        foreach (var language in Language.Select(l => l.ToLowerInvariant()))
        {
            var version = Version ?? (language == "python" ? "3.11" : "18");
            if (!ShouldProcess($"sebs/run.local.{language}:{version}", Offline ? "Build run image offline (debootstrap)" : "Build run image")) continue;
            var cache = SebsSession.OpenCache(CachePath is null ? null : GetUnresolvedProviderPathFromPSPath(CachePath));
            RunForItem(language, async (queue, ct) =>
            {
                queue.Report(new Core.Diagnostics.SebsProgress("Build-SebsImage", $"Building sebs/run.local.{language}:{version}"));
                var platform = SebsSession.Platform(new PlatformName(SebsSession.DefaultPlatform), new Core.Configuration.SebsConfig(), cache,
                    new Dictionary<string, object?> { ["Sandbox"] = "Docker" }, queue);
                var builder = (IRunImageBuilder)platform;
                queue.WriteObject(await builder.BuildRunImageAsync(language, version, Offline, Force, ct).ConfigureAwait(false));
            });
        }
    }
}
