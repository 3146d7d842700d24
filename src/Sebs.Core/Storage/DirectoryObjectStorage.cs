
using Sebs.Core.Platforms;

namespace Sebs.Core.Storage;

/// <summary>
/// The embedded object store: a bucket is a folder, a key a relative path. Functions in process sandboxes use the
/// same folder through SEBS_STORAGE_DIR, so no storage server is needed.
/// </summary>
public sealed class DirectoryObjectStorage : IObjectStorage
{
    public DirectoryObjectStorage(string root, string benchmarksBucket)
    {
        Root = Path.GetFullPath(root);
        BenchmarksBucket = benchmarksBucket;
        Directory.CreateDirectory(Root);
    }

    public string Root { get; }
    public string BenchmarksBucket { get; }

    private string PathOf(string bucket, string key = "")
    {
        var full = Path.GetFullPath(Path.Combine(Root, bucket, key));
        if (!full.StartsWith(Root + Path.DirectorySeparatorChar, StringComparison.Ordinal) && full != Root)
            throw new SebsException(SebsErrorIds.StorageError, SebsErrorKind.InvalidArgument, $"Key '{key}' escapes the storage folder.");
        return full;
    }

    public Task EnsureBucketAsync(string bucket, CancellationToken ct)
    {
        Directory.CreateDirectory(PathOf(bucket));
        return Task.CompletedTask;
    }

    public async Task UploadAsync(string bucket, string key, string filePath, CancellationToken ct)
    {
        var dest = PathOf(bucket, key);
        Directory.CreateDirectory(Path.GetDirectoryName(dest)!);
        var temp = dest + ".uploading";
        await using (var src = File.OpenRead(filePath))
        await using (var dst = File.Create(temp))
            await src.CopyToAsync(dst, ct).ConfigureAwait(false);
        File.Move(temp, dest, overwrite: true);
    }

    public async Task DownloadAsync(string bucket, string key, string filePath, CancellationToken ct)
    {
        var src = PathOf(bucket, key);
        if (!File.Exists(src))
            throw new SebsException(SebsErrorIds.StorageError, SebsErrorKind.ObjectNotFound, $"No object '{key}' in bucket '{bucket}'.", target: key);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(filePath))!);
        await using var s = File.OpenRead(src);
        await using var d = File.Create(filePath);
        await s.CopyToAsync(d, ct).ConfigureAwait(false);
    }

    public Task<IReadOnlyList<string>> ListAsync(string bucket, string prefix, CancellationToken ct)
    {
        var root = PathOf(bucket);
        IReadOnlyList<string> keys = !Directory.Exists(root) ? Array.Empty<string>()
            : Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
                .Select(f => Path.GetRelativePath(root, f).Replace('\\', '/'))
                .Where(k => k.StartsWith(prefix, StringComparison.Ordinal) && !k.EndsWith(".uploading", StringComparison.Ordinal))
                .OrderBy(k => k, StringComparer.Ordinal).ToList();
        return Task.FromResult(keys);
    }
}
