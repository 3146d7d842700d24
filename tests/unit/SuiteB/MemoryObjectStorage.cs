using System.Collections.Concurrent;
using Sebs.Core.Platforms;

namespace Sebs.Tests.SuiteB;

/// <summary>Object storage in memory, counting uploads.</summary>
internal sealed class MemoryObjectStorage : IObjectStorage
{
    public ConcurrentDictionary<string, byte[]> Objects { get; } = new();
    public int Uploads;

    public string BenchmarksBucket => "sebs-benchmarks-test";

    public Task EnsureBucketAsync(string bucket, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task UploadAsync(string bucket, string key, string filePath, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref Uploads);
        Objects[bucket + "/" + key] = File.ReadAllBytes(filePath);
        return Task.CompletedTask;
    }

    public void Put(string bucket, string key, string text) => Objects[bucket + "/" + key] = System.Text.Encoding.UTF8.GetBytes(text);

    public Task DownloadAsync(string bucket, string key, string filePath, CancellationToken cancellationToken)
    {
        if (!Objects.TryGetValue(bucket + "/" + key, out var data)) throw new FileNotFoundException($"no object {bucket}/{key}");
        File.WriteAllBytes(filePath, data);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<string>> ListAsync(string bucket, string prefix, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<string>>(Objects.Keys.Where(k => k.StartsWith(bucket + "/" + prefix, StringComparison.Ordinal))
            .Select(k => k[(bucket.Length + 1)..]).OrderBy(k => k, StringComparer.Ordinal).ToList());
}
