using System.Net;
using Amazon;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Sebs.Core;
using Sebs.Core.Platforms;

namespace Sebs.Platforms.Aws;

/// <summary>Object storage on Amazon S3 (or an S3-compatible endpoint given in deployment.aws.endpoints.s3) through AWSSDK.S3.</summary>
public sealed class S3Storage : IObjectStorage, IDisposable
{
    private readonly AmazonS3Client _client;
    private readonly string _region;
    private readonly bool _customEndpoint;

    public S3Storage(AwsSettings settings, AWSCredentials credentials, string benchmarksBucket)
    {
        _region = settings.Region;
        var config = new AmazonS3Config
        {
            // Checksums only where S3 requires them: S3-compatible stores do not all understand the trailing ones.
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        };
        if (settings.Endpoints.TryGetValue("s3", out var endpoint))
        {
            _customEndpoint = true;
            config.ServiceURL = endpoint.ToString();
            config.AuthenticationRegion = settings.Region;
            config.ForcePathStyle = true;
        }
        else config.RegionEndpoint = RegionEndpoint.GetBySystemName(settings.Region);
        _client = new AmazonS3Client(credentials, config);
        BenchmarksBucket = benchmarksBucket;
    }

    public string BenchmarksBucket { get; }

    public Task EnsureBucketAsync(string bucket, CancellationToken ct) => Wrap(async () =>
    {
        try
        {
            var location = await _client.GetBucketLocationAsync(new GetBucketLocationRequest { BucketName = bucket }, ct).ConfigureAwait(false);
            // An empty constraint is us-east-1 and "EU" is eu-west-1; functions need their buckets in their own region.
            var region = location.Location?.Value is { Length: > 0 } v ? (v == "EU" ? "eu-west-1" : v) : "us-east-1";
            if (!_customEndpoint && region != _region)
                throw new SebsException(SebsErrorIds.StorageError, SebsErrorKind.InvalidOperation,
                    $"S3 bucket '{bucket}' is in {region}, not in {_region} where the functions run; use another deployment.aws.resources.resources_id.", target: bucket);
            return;
        }
        catch (AmazonS3Exception ex) when (ex.StatusCode == HttpStatusCode.NotFound) { }
        catch (AmazonS3Exception ex) when (ex.StatusCode == HttpStatusCode.Forbidden)
        {
            throw new SebsException(SebsErrorIds.StorageError, SebsErrorKind.AuthenticationError,
                $"S3 bucket '{bucket}' exists but is not yours (bucket names are global); set another deployment.aws.resources.resources_id.", ex, target: bucket);
        }
        var put = new PutBucketRequest { BucketName = bucket };
        // us-east-1 takes no LocationConstraint; every other region needs it (SeBS §6.4).
        if (_region != "us-east-1") put.BucketRegionName = _region;
        try { await _client.PutBucketAsync(put, ct).ConfigureAwait(false); }
        catch (AmazonS3Exception ex) when (ex.ErrorCode is "BucketAlreadyOwnedByYou") { }
    }, $"create bucket '{bucket}'");

    public Task UploadAsync(string bucket, string key, string filePath, CancellationToken ct) => Wrap(() =>
        _client.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, FilePath = filePath, UseChunkEncoding = false }, ct),
        $"upload '{key}' to '{bucket}'");

    public Task DownloadAsync(string bucket, string key, string filePath, CancellationToken ct) => Wrap(async () =>
    {
        using var response = await _client.GetObjectAsync(bucket, key, ct).ConfigureAwait(false);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(filePath))!);
        await using var file = File.Create(filePath);
        await response.ResponseStream.CopyToAsync(file, ct).ConfigureAwait(false);
    }, $"download '{key}' from '{bucket}'");

    public async Task<IReadOnlyList<string>> ListAsync(string bucket, string prefix, CancellationToken ct)
    {
        var keys = new List<string>();
        await Wrap(async () =>
        {
            var request = new ListObjectsV2Request { BucketName = bucket, Prefix = prefix };
            ListObjectsV2Response page;
            do
            {
                page = await _client.ListObjectsV2Async(request, ct).ConfigureAwait(false);
                keys.AddRange((page.S3Objects ?? new List<S3Object>()).Select(o => o.Key));
                request.ContinuationToken = page.NextContinuationToken;
            }
            while (page.IsTruncated == true);
        }, $"list '{bucket}/{prefix}'").ConfigureAwait(false);
        return keys;
    }

    /// <summary>Uploads a large code package for CreateFunction/UpdateFunctionCode (SeBS: the deployment bucket).</summary>
    public Task UploadBytesAsync(string bucket, string key, byte[] data, CancellationToken ct) => Wrap(() =>
        _client.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, InputStream = new MemoryStream(data), UseChunkEncoding = false }, ct),
        $"upload '{key}' to '{bucket}'");

    /// <summary>Whether the bucket exists (and is ours: a 403 is someone else's bucket, not ours to list or delete).</summary>
    public async Task<bool> BucketExistsAsync(string bucket, CancellationToken ct)
    {
        try
        {
            await _client.GetBucketLocationAsync(new GetBucketLocationRequest { BucketName = bucket }, ct).ConfigureAwait(false);
            return true;
        }
        catch (AmazonS3Exception ex) when (ex.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Forbidden) { return false; }
    }

    /// <summary>Empties the bucket (every object, page by page) and deletes it; a missing bucket is done.</summary>
    public Task DeleteBucketAsync(string bucket, CancellationToken ct) => Wrap(async () =>
    {
        if (!await BucketExistsAsync(bucket, ct).ConfigureAwait(false)) return;
        var request = new ListObjectsV2Request { BucketName = bucket };
        ListObjectsV2Response page;
        do
        {
            page = await _client.ListObjectsV2Async(request, ct).ConfigureAwait(false);
            // One DeleteObject per key: S3-compatible stores do not all take the multi-object DeleteObjects (its Content-MD5).
            foreach (var o in page.S3Objects ?? new List<S3Object>())
                await _client.DeleteObjectAsync(bucket, o.Key, ct).ConfigureAwait(false);
            request.ContinuationToken = page.NextContinuationToken;
        }
        while (page.IsTruncated == true);
        await _client.DeleteBucketAsync(bucket, ct).ConfigureAwait(false);
    }, $"delete bucket '{bucket}'");

    private static async Task Wrap(Func<Task> action, string what)
    {
        try { await action().ConfigureAwait(false); }
        catch (AmazonServiceException ex)
        {
            throw new SebsException(SebsErrorIds.StorageError, ex.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.Unauthorized
                ? SebsErrorKind.AuthenticationError : SebsErrorKind.ResourceUnavailable, $"S3: cannot {what}: {ex.ErrorCode ?? ex.StatusCode.ToString()}: {ex.Message}", ex);
        }
        catch (HttpRequestException ex)
        {
            throw new SebsException(SebsErrorIds.StorageError, SebsErrorKind.ConnectionError, $"S3: cannot {what}: {ex.Message}", ex);
        }
    }

    public void Dispose() => _client.Dispose();
}
