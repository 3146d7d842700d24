using System.Management.Automation;
using System.Text.Json;
using Sebs.Cmdlets.Infrastructure;
using Sebs.Core;
using Sebs.Core.Caching;
using Sebs.Core.Configuration;
using Sebs.Core.Platforms;

namespace Sebs.Cmdlets.Commands;

/// <summary>Starts MinIO in Docker for the local platform (SeBS's <c>storage start object</c>).</summary>
[Cmdlet(VerbsLifecycle.Start, "SebsStorage", SupportsShouldProcess = true)]
[OutputType(typeof(StorageInstance))]
public sealed class StartSebsStorageCommand : SebsCmdlet
{
    /// <summary>The MinIO image (SeBS's default release); any local image of MinIO works.</summary>
    [Parameter]
    public string Image { get; set; } = "minio/minio:RELEASE.2024-07-16T23-46-41Z";

    /// <summary>Port on 127.0.0.1 (default: a free one).</summary>
    [Parameter]
    [ValidateRange(1, 65535)]
    public int Port { get; set; }

    /// <summary>Host folder for MinIO's data (default: minio-data in the cache).</summary>
    [Parameter]
    public string? DataPath { get; set; }

    /// <summary>Write the storage JSON (deployment.local.storage of a SeBS config) here, readable by the owner only.</summary>
    [Parameter]
    public string? OutputPath { get; set; }

    /// <summary>The cache folder (default: per user, or $env:SEBS_CACHE).</summary>
    [Parameter]
    public string? CachePath { get; set; }

    protected override void ProcessRecord()
    {
        if (!ShouldProcess(Image, "Start MinIO container")) return;
        try
        {
            var cache = SebsSession.OpenCache(CachePath is null ? null : GetUnresolvedProviderPathFromPSPath(CachePath));
            var data = DataPath is null ? Path.Combine(cache.Root, "local", "minio-data") : GetUnresolvedProviderPathFromPSPath(DataPath);
            var output = OutputPath is null ? null : GetUnresolvedProviderPathFromPSPath(OutputPath);
            RunForItem(Image, async (queue, ct) =>
            {
                var platform = (IStorageServiceHost)SebsSession.Platform(new PlatformName(SebsSession.DefaultPlatform), new SebsConfig(), cache,
                    new Dictionary<string, object?> { ["Sandbox"] = "Docker" }, queue);
                var instance = await platform.StartObjectStorageAsync(new StorageStartOptions(Image, Port > 0 ? Port : null, data), ct).ConfigureAwait(false);
                if (output is not null)
                    SebsCache.WriteAtomic(output, instance.ToConfigJson().ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
                queue.WriteObject(instance);
            });
        }
        catch (SebsException ex) { WriteError(ToErrorRecord(ex, Image)); }
    }
}

/// <summary>Stops a MinIO started by Start-SebsStorage.</summary>
[Cmdlet(VerbsLifecycle.Stop, "SebsStorage", SupportsShouldProcess = true, DefaultParameterSetName = "Object")]
[OutputType(typeof(StorageInstance))]
public sealed class StopSebsStorageCommand : SebsCmdlet
{
    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = "Object")]
    public StorageInstance? InputObject { get; set; }

    /// <summary>A storage JSON written by Start-SebsStorage -OutputPath.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = "Path")]
    public string? Path { get; set; }

    /// <summary>Write the stopped instance to the pipeline.</summary>
    [Parameter] public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        try
        {
            var instance = InputObject ?? StorageInstance.FromConfigJson(
                System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(GetUnresolvedProviderPathFromPSPath(Path!))) as System.Text.Json.Nodes.JsonObject
                ?? throw new SebsException(SebsErrorIds.InvalidConfig, SebsErrorKind.InvalidData, $"{Path} is not a storage JSON object."));
            if (!ShouldProcess(instance.ToString(), "Stop storage container")) return;
            RunAsync(async (queue, ct) =>
            {
                var platform = (IStorageServiceHost)SebsSession.Platform(new PlatformName(SebsSession.DefaultPlatform), new SebsConfig(), SebsSession.OpenCache(null),
                    new Dictionary<string, object?> { ["Sandbox"] = "Docker" }, queue);
                await platform.StopObjectStorageAsync(instance, ct).ConfigureAwait(false);
                if (PassThru) queue.WriteObject(instance);
            });
        }
        catch (PipelineStoppedException) { throw; }
        catch (Exception ex) when (ex is not JsonException) { WriteError(ToErrorRecord(ex, Path)); }
        catch (JsonException ex) { WriteError(ToErrorRecord(new SebsException(SebsErrorIds.InvalidConfig, SebsErrorKind.InvalidData, $"{Path}: {ex.Message}", ex), Path)); }
    }
}
