using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Sebs.Core;
using Sebs.Core.Platforms;

namespace Sebs.Platforms.Azure;

/// <summary>
/// Blob containers as buckets (SeBS's sebs/azure/blob_storage.py) in Sebs's storage account, through Azure.Storage.Blobs
/// with the account's connection string (looked up through ARM when first needed, never cached on disk).
/// </summary>
public sealed class BlobObjectStorage(Func<CancellationToken, Task<string>> connectionString, string benchmarksBucket) : IObjectStorage
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private BlobServiceClient? _client;

    public string BenchmarksBucket { get; } = benchmarksBucket;

    public async Task<BlobServiceClient> ClientAsync(CancellationToken ct)
    {
        if (_client is not null) return _client;
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            return _client ??= new BlobServiceClient(await connectionString(ct).ConfigureAwait(false));
        }
        finally { _gate.Release(); }
    }

    private async Task<BlobContainerClient> ContainerAsync(string bucket, CancellationToken ct) =>
        (await ClientAsync(ct).ConfigureAwait(false)).GetBlobContainerClient(bucket);

    public Task EnsureBucketAsync(string bucket, CancellationToken ct) => Wrap(bucket, async () =>
        await (await ContainerAsync(bucket, ct).ConfigureAwait(false)).CreateIfNotExistsAsync(cancellationToken: ct).ConfigureAwait(false));

    public Task UploadAsync(string bucket, string key, string filePath, CancellationToken ct) => Wrap(bucket, async () =>
        await (await ContainerAsync(bucket, ct).ConfigureAwait(false)).GetBlobClient(key).UploadAsync(filePath, overwrite: true, ct).ConfigureAwait(false));

    public async Task UploadBytesAsync(string bucket, string key, byte[] data, CancellationToken ct) => await Wrap(bucket, async () =>
        await (await ContainerAsync(bucket, ct).ConfigureAwait(false)).GetBlobClient(key).UploadAsync(new BinaryData(data), overwrite: true, ct).ConfigureAwait(false)).ConfigureAwait(false);

    public Task DownloadAsync(string bucket, string key, string filePath, CancellationToken ct) => Wrap(bucket, async () =>
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(filePath))!);
        await (await ContainerAsync(bucket, ct).ConfigureAwait(false)).GetBlobClient(key).DownloadToAsync(filePath, ct).ConfigureAwait(false);
    });

    public async Task<IReadOnlyList<string>> ListAsync(string bucket, string prefix, CancellationToken ct)
    {
        var keys = new List<string>();
        await Wrap(bucket, async () =>
        {
            var container = await ContainerAsync(bucket, ct).ConfigureAwait(false);
            await foreach (var item in container.GetBlobsAsync(BlobTraits.None, BlobStates.None, prefix, ct).ConfigureAwait(false))
                keys.Add(item.Name);
        }).ConfigureAwait(false);
        return keys;
    }

    public async Task<bool> DeleteContainerAsync(string bucket, CancellationToken ct)
    {
        var deleted = false;
        await Wrap(bucket, async () => deleted = (await (await ContainerAsync(bucket, ct).ConfigureAwait(false)).DeleteIfExistsAsync(cancellationToken: ct).ConfigureAwait(false)).Value).ConfigureAwait(false);
        return deleted;
    }

    public async Task<IReadOnlyList<string>> ContainersAsync(string prefix, CancellationToken ct)
    {
        var names = new List<string>();
        var client = await ClientAsync(ct).ConfigureAwait(false);
        await Wrap(prefix, async () =>
        {
            await foreach (var c in client.GetBlobContainersAsync(BlobContainerTraits.None, prefix, ct).ConfigureAwait(false)) names.Add(c.Name);
        }).ConfigureAwait(false);
        return names;
    }

    private static async Task Wrap(string bucket, Func<Task> action)
    {
        try { await action().ConfigureAwait(false); }
        catch (RequestFailedException ex)
        {
            throw new SebsException(SebsErrorIds.StorageError, ex.Status == 404 ? SebsErrorKind.ObjectNotFound : SebsErrorKind.InvalidOperation,
                $"Azure Blob storage, container '{bucket}': {ex.ErrorCode ?? ex.Status.ToString()}: {ex.Message.Split('\n')[0]}", ex, target: bucket);
        }
    }
}
