using Minio;
using Minio.DataModel.Args;
using Minio.Exceptions;
using Sebs.Core;
using Sebs.Core.Platforms;

namespace Sebs.Platforms.Local.Storage;

/// <summary>Connection facts of an S3-compatible endpoint (MinIO, s3rver, ...), SeBS's MinioConfig.</summary>
public sealed record S3Endpoint(string Address, string AccessKey, string SecretKey, bool Secure = false, string Region = "us-east-1");

/// <summary>Object storage on any S3-compatible endpoint through the Minio SDK.</summary>
public sealed class S3CompatibleStorage : IObjectStorage, IDisposable
{
    private readonly IMinioClient _client;

    public S3CompatibleStorage(S3Endpoint endpoint, string benchmarksBucket, HttpClient? httpClient = null)
    {
        Endpoint = endpoint;
        BenchmarksBucket = benchmarksBucket;
        var builder = new MinioClient().WithEndpoint(endpoint.Address).WithCredentials(endpoint.AccessKey, endpoint.SecretKey)
            .WithSSL(endpoint.Secure).WithRegion(endpoint.Region);
        if (httpClient is not null) builder = builder.WithHttpClient(httpClient);
        _client = builder.Build();
    }

    public S3Endpoint Endpoint { get; }
    public string BenchmarksBucket { get; }

    public async Task EnsureBucketAsync(string bucket, CancellationToken ct)
    {
        await Wrap(async () =>
        {
            if (!await _client.BucketExistsAsync(new BucketExistsArgs().WithBucket(bucket), ct).ConfigureAwait(false))
                await _client.MakeBucketAsync(new MakeBucketArgs().WithBucket(bucket), ct).ConfigureAwait(false);
        }, $"create bucket '{bucket}'").ConfigureAwait(false);
    }

    public Task UploadAsync(string bucket, string key, string filePath, CancellationToken ct) =>
        Wrap(() => _client.PutObjectAsync(new PutObjectArgs().WithBucket(bucket).WithObject(key).WithFileName(filePath)
            .WithContentType("application/octet-stream"), ct), $"upload '{key}' to '{bucket}'");

    public Task DownloadAsync(string bucket, string key, string filePath, CancellationToken ct) =>
        Wrap(() => _client.GetObjectAsync(new GetObjectArgs().WithBucket(bucket).WithObject(key).WithFile(filePath), ct), $"download '{key}' from '{bucket}'");

    public async Task<IReadOnlyList<string>> ListAsync(string bucket, string prefix, CancellationToken ct)
    {
        var keys = new List<string>();
        await Wrap(async () =>
        {
            await foreach (var item in _client.ListObjectsEnumAsync(new ListObjectsArgs().WithBucket(bucket).WithPrefix(prefix).WithRecursive(true), ct).ConfigureAwait(false))
                keys.Add(item.Key);
        }, $"list '{bucket}/{prefix}'").ConfigureAwait(false);
        return keys;
    }

    private async Task Wrap(Func<Task> action, string what)
    {
        try
        {
            await action().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is MinioException or HttpRequestException)
        {
            throw new SebsException(SebsErrorIds.StorageError, ex is HttpRequestException ? SebsErrorKind.ConnectionError : SebsErrorKind.InvalidOperation,
                $"Cannot {what} at {Endpoint.Address}: {ex.Message}", ex, Endpoint.Address);
        }
    }

    public void Dispose() => (_client as IDisposable)?.Dispose();
}
