using System.Net;
using Google;
using Google.Cloud.Storage.V1;
using Sebs.Core;
using Sebs.Core.Platforms;

namespace Sebs.Platforms.Gcp;

/// <summary>
/// Object storage on Google Cloud Storage through Google.Cloud.Storage.V1 (SeBS's sebs/gcp/storage.py): buckets in the
/// functions' region, objects uploaded and downloaded whole, listings by prefix. deployment.gcp.endpoints.storage points
/// the JSON API elsewhere (a test double).
/// </summary>
public sealed class GcsStorage : IObjectStorage, IDisposable
{
    private readonly StorageClient _client;
    private readonly string _project;
    private readonly string _region;

    public GcsStorage(GcpSettings settings, GcpCredentials credentials, string benchmarksBucket)
    {
        var builder = new StorageClientBuilder { GoogleCredential = credentials.Credential };
        if (settings.Endpoints.TryGetValue("storage", out var endpoint)) builder.BaseUri = new Uri(endpoint, "storage/v1/").ToString();
        _client = builder.Build();
        _project = credentials.ProjectId;
        _region = settings.Region;
        BenchmarksBucket = benchmarksBucket;
    }

    public string BenchmarksBucket { get; }

    public Task EnsureBucketAsync(string bucket, CancellationToken ct) => Wrap(async () =>
    {
        try
        {
            await _client.GetBucketAsync(bucket, cancellationToken: ct).ConfigureAwait(false);
            return;
        }
        catch (GoogleApiException ex) when (ex.HttpStatusCode == HttpStatusCode.NotFound) { }
        try
        {
            await _client.CreateBucketAsync(_project, new Google.Apis.Storage.v1.Data.Bucket { Name = bucket, Location = _region }, cancellationToken: ct).ConfigureAwait(false);
        }
        catch (GoogleApiException ex) when (ex.HttpStatusCode == HttpStatusCode.Conflict)
        {
            // Bucket names are global: a 409 here is someone else's bucket (ours would have been found above).
            throw new SebsException(SebsErrorIds.StorageError, SebsErrorKind.ResourceUnavailable,
                $"GCS bucket '{bucket}' belongs to another project (bucket names are global); set another deployment.gcp.resources.resources_id.", ex, target: bucket);
        }
    }, $"create bucket '{bucket}'");

    public Task UploadAsync(string bucket, string key, string filePath, CancellationToken ct) => Wrap(async () =>
    {
        await using var file = File.OpenRead(filePath);
        await _client.UploadObjectAsync(bucket, key, null, file, cancellationToken: ct).ConfigureAwait(false);
    }, $"upload '{key}' to '{bucket}'");

    public Task DownloadAsync(string bucket, string key, string filePath, CancellationToken ct) => Wrap(async () =>
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(filePath))!);
        await using var file = File.Create(filePath);
        await _client.DownloadObjectAsync(bucket, key, file, cancellationToken: ct).ConfigureAwait(false);
    }, $"download '{key}' from '{bucket}'");

    public async Task<IReadOnlyList<string>> ListAsync(string bucket, string prefix, CancellationToken ct)
    {
        var keys = new List<string>();
        await Wrap(async () =>
        {
            await foreach (var o in _client.ListObjectsAsync(bucket, prefix).WithCancellation(ct).ConfigureAwait(false)) keys.Add(o.Name);
        }, $"list '{bucket}/{prefix}'").ConfigureAwait(false);
        return keys;
    }

    /// <summary>Buckets of the project whose names start with the prefix (clean-up).</summary>
    public async Task<IReadOnlyList<string>> ListBucketsAsync(string prefix, CancellationToken ct)
    {
        var names = new List<string>();
        await Wrap(async () =>
        {
            await foreach (var b in _client.ListBucketsAsync(_project, new ListBucketsOptions { Prefix = prefix }).WithCancellation(ct).ConfigureAwait(false)) names.Add(b.Name);
        }, "list buckets").ConfigureAwait(false);
        return names;
    }

    /// <summary>Deletes every object, then the bucket (GCS refuses to delete a bucket that is not empty).</summary>
    public Task DeleteBucketAsync(string bucket, CancellationToken ct) => Wrap(async () =>
    {
        try
        {
            await foreach (var o in _client.ListObjectsAsync(bucket).WithCancellation(ct).ConfigureAwait(false))
                await _client.DeleteObjectAsync(bucket, o.Name, cancellationToken: ct).ConfigureAwait(false);
            await _client.DeleteBucketAsync(bucket, cancellationToken: ct).ConfigureAwait(false);
        }
        catch (GoogleApiException ex) when (ex.HttpStatusCode == HttpStatusCode.NotFound) { }
    }, $"delete bucket '{bucket}'");

    private static async Task Wrap(Func<Task> action, string what)
    {
        try { await action().ConfigureAwait(false); }
        catch (GoogleApiException ex)
        {
            var status = ex.Error?.Code is > 0 ? $"{ex.Error.Code}" : ((int)ex.HttpStatusCode).ToString();
            throw new SebsException(SebsErrorIds.StorageError, ex.HttpStatusCode is HttpStatusCode.Forbidden or HttpStatusCode.Unauthorized
                ? SebsErrorKind.AuthenticationError : SebsErrorKind.ResourceUnavailable,
                $"GCS: cannot {what}: HTTP {status}: {ex.Error?.Message ?? ex.Message}", ex);
        }
        catch (HttpRequestException ex)
        {
            throw new SebsException(SebsErrorIds.StorageError, SebsErrorKind.ConnectionError, $"GCS: cannot {what}: {ex.Message}", ex);
        }
    }

    public void Dispose() => _client.Dispose();
}
