using System.Management.Automation;
using Sebs.Cmdlets.Infrastructure;
using Sebs.Core;
using Sebs.Core.Platforms;

namespace Sebs.Cmdlets.Commands;

/// <summary>Lists the registered platforms with what each declares: runtimes, default region, options, triggers.</summary>
[Cmdlet(VerbsCommon.Get, "SebsPlatform")]
[OutputType(typeof(PlatformDescriptor))]
public sealed class GetSebsPlatformCommand : SebsCmdlet
{
    /// <summary>Platform names or aliases (wildcards allowed on names).</summary>
    [Parameter(Position = 0)]
    [SupportsWildcards]
    public string[] Name { get; set; } = { "*" };

    protected override void ProcessRecord()
    {
        foreach (var name in Name)
        {
            var pattern = new WildcardPattern(name, WildcardOptions.IgnoreCase);
            var matched = PlatformLoader.Registry.Names.Where(n => pattern.IsMatch(n.Value)).ToList();
            if (matched.Count == 0 && !WildcardPattern.ContainsWildcardCharacters(name))
            {
                // An alias ("lambda") is found through the loaded declarations.
                try { WriteObject(PlatformLoader.Factory(name).Descriptor); }
                catch (SebsException ex) { WriteSebsError(ex, name); }
                continue;
            }
            foreach (var n in matched)
            {
                try { WriteObject(PlatformLoader.Factory(n).Descriptor); }
                catch (SebsException ex) { WriteSebsError(ex, n.Value); }
            }
        }
    }
}

/// <summary>Registers a platform from its assembly (one IPlatformFactory; its dependencies beside it) for this session.</summary>
[Cmdlet(VerbsLifecycle.Register, "SebsPlatform", SupportsShouldProcess = true)]
[OutputType(typeof(PlatformDescriptor))]
public sealed class RegisterSebsPlatformCommand : SebsCmdlet
{
    /// <summary>The platform assembly (Sebs.Platforms.&lt;Name&gt;.dll or any assembly with one IPlatformFactory).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName")]
    public string Path { get; set; } = "";

    protected override void ProcessRecord()
    {
        var full = GetUnresolvedProviderPathFromPSPath(Path);
        if (!ShouldProcess(full, "Register the platform in this assembly")) return;
        try { WriteObject(PlatformLoader.Register(full)); }
        catch (SebsException ex) { WriteSebsError(ex, full); }
    }
}

/// <summary>The resource filters Get-SebsResource and Remove-SebsResource share.</summary>
public abstract class SebsResourceCmdlet : SebsPlatformCmdlet
{
    /// <summary>Only resources of these kinds (function, bucket, log-group, table, role, resource-group, sandbox, ...).</summary>
    [Parameter]
    public string[]? Kind { get; set; }

    /// <summary>Only resources with these names (wildcards allowed).</summary>
    [Parameter(Position = 0)]
    [SupportsWildcards]
    public string[]? Name { get; set; }

    protected bool Matches(PlatformResource resource) =>
        (Kind is not { Length: > 0 } || Kind.Contains(resource.Kind, StringComparer.OrdinalIgnoreCase)) &&
        (Name is not { Length: > 0 } || Name.Any(n => new WildcardPattern(n, WildcardOptions.IgnoreCase).IsMatch(resource.Name)));
}

/// <summary>
/// Lists everything Sebs created on a platform: functions and their URLs or APIs, log groups, buckets, tables, roles,
/// resource groups (SeBS's cleanup_resources, found from the provider and the cache).
/// </summary>
[Cmdlet(VerbsCommon.Get, "SebsResource")]
[OutputType(typeof(PlatformResource))]
public sealed class GetSebsResourceCommand : SebsResourceCmdlet
{
    protected override void ProcessRecord() => RunAsync(async (queue, ct) =>
    {
        var platform = OpenPlatform(queue);
        await foreach (var resource in platform.ListResourcesAsync(ct).ConfigureAwait(false))
            if (Matches(resource)) queue.WriteObject(resource);
    });
}

/// <summary>Deletes what Sebs created on a platform, one confirmation (ShouldProcess) per resource, children before parents.</summary>
[Cmdlet(VerbsCommon.Remove, "SebsResource", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(PlatformResource))]
public sealed class RemoveSebsResourceCommand : SebsResourceCmdlet
{
    /// <summary>Deletes without asking for each resource (-WhatIf still only reports).</summary>
    [Parameter] public SwitchParameter Force { get; set; }

    /// <summary>Writes each deleted resource to the pipeline.</summary>
    [Parameter] public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        var found = new List<PlatformResource>();
        RunAsync(async (queue, ct) =>
        {
            var platform = OpenPlatform(queue);
            await foreach (var resource in platform.ListResourcesAsync(ct).ConfigureAwait(false))
                if (Matches(resource)) found.Add(resource);
        });
        var whatIf = MyInvocation.BoundParameters.ContainsKey("WhatIf");
        foreach (var resource in found.OrderBy(r => r.Order))
        {
            var where = string.IsNullOrEmpty(resource.Region) ? "" : $" in {resource.Region}";
            if (!(Force && !whatIf) && !ShouldProcess($"{resource.Kind} {resource.Name}{where} on {resource.Platform}", "Delete")) continue;
            RunForItem(resource, async (queue, ct) =>
            {
                await OpenPlatform(queue).DeleteResourceAsync(resource, ct).ConfigureAwait(false);
                if (PassThru) queue.WriteObject(resource);
            });
        }
    }
}
