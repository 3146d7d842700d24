using System.IO.Compression;

namespace Sebs.Core.Validation;

/// <summary>
/// 311.compression: the uploaded ZIP lists exactly the input files of <c>object.key</c> (entries are
/// <c>&lt;last segment of key&gt;/&lt;relative path&gt;</c>; directory entries ignored) and every entry decompresses. The input
/// files are the local data set folder as in SeBS, or without a data root the keys listed under <c>&lt;input prefix&gt;/&lt;key&gt;/</c>.
/// </summary>
public sealed class CompressionValidator : IOutputValidator
{
    public string Benchmark => "311.compression";

    /// <summary>The benchmark's folder below the data root (input.json "data").</summary>
    internal const string DataFolder = "300.utilities/311.compression";

    public async Task<string?> ValidateAsync(ValidationContext context, CancellationToken cancellationToken)
    {
        var (bucket, key, problem) = ProducedObject.Locate(context.Output);
        if (problem is not null) return problem;
        if (context.Storage is null) return "no object storage to read the input listing and the archive from";
        var inputBucket = ProducedObject.Text(context.Payload["bucket"]?["bucket"]) ?? bucket!;
        var inputPrefix = ProducedObject.Text(context.Payload["bucket"]?["input"]);
        var dir = ProducedObject.Text(context.Payload["object"]?["key"])?.Trim('/');
        if (string.IsNullOrEmpty(inputPrefix) || string.IsNullOrEmpty(dir)) return "the payload has no bucket.input/object.key";
        var prefix = $"{inputPrefix}/{dir}/";
        // As SeBS: the local files of the data set; without a data root, what the storage lists under the prefix.
        var local = context.DataRoot is null ? null : Path.Combine(context.DataRoot, DataFolder, dir);
        var expected = local is not null && Directory.Exists(local)
            ? Directory.EnumerateFiles(local, "*", SearchOption.AllDirectories)
                .Select(f => Path.GetRelativePath(local, f).Replace('\\', '/')).ToHashSet(StringComparer.Ordinal)
            : (await context.Storage.ListAsync(inputBucket, prefix, cancellationToken).ConfigureAwait(false))
                .Select(k => k[prefix.Length..]).ToHashSet(StringComparer.Ordinal);
        if (expected.Count == 0) return $"no input files for '{dir}': neither under the data root ({local ?? "not given"}) nor listed under {inputBucket}/{prefix}";
        var path = await ProducedObject.DownloadAsync(context, bucket!, key!, cancellationToken).ConfigureAwait(false);
        return Check(path, dir.Split('/')[^1], expected, key!);
    }

    internal static string? Check(string zipPath, string name, IReadOnlySet<string> expected, string key)
    {
        List<string> files;
        try
        {
            using var zip = ZipFile.OpenRead(zipPath);
            files = new List<string>();
            foreach (var entry in zip.Entries)
            {
                if (entry.FullName.EndsWith('/')) continue;
                using (var s = entry.Open()) s.CopyTo(Stream.Null); // every entry must decompress
                files.Add(entry.FullName);
            }
        }
        catch (InvalidDataException ex)
        {
            return $"'{key}' is not a readable ZIP: {ex.Message}";
        }
        var outside = files.Where(f => !f.StartsWith(name + "/", StringComparison.Ordinal)).ToList();
        if (outside.Count > 0) return $"the ZIP has entries outside '{name}/': {string.Join(", ", outside.Take(5))}";
        var actual = files.Select(f => f[(name.Length + 1)..]).ToHashSet(StringComparer.Ordinal);
        var missing = expected.Except(actual).OrderBy(x => x, StringComparer.Ordinal).ToList();
        var extra = actual.Except(expected).OrderBy(x => x, StringComparer.Ordinal).ToList();
        if (missing.Count == 0 && extra.Count == 0 && actual.Count == files.Count) return null;
        var parts = new List<string>();
        if (missing.Count > 0) parts.Add($"missing {missing.Count}: {string.Join(", ", missing.Take(5))}");
        if (extra.Count > 0) parts.Add($"unexpected {extra.Count}: {string.Join(", ", extra.Take(5))}");
        if (actual.Count != files.Count) parts.Add("duplicate entries");
        return $"the ZIP does not list exactly the input files ({string.Join("; ", parts)})";
    }
}
