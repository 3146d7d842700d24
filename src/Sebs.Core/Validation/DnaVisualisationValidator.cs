using System.Text.Json;

namespace Sebs.Core.Validation;

/// <summary>
/// 504.dna-visualisation: the uploaded JSON parses and holds the walk, <c>x</c> and <c>y</c> with 2n + 1 numbers each
/// for the n bases of the input FASTA (downloaded too), <c>x</c> stepping by 0.5 and <c>y</c> starting at 0.
/// </summary>
public sealed class DnaVisualisationValidator : IOutputValidator
{
    public string Benchmark => "504.dna-visualisation";

    public async Task<string?> ValidateAsync(ValidationContext context, CancellationToken cancellationToken)
    {
        if (context.Storage is null) return "no object storage to download the result from";
        var result = context.Output?["result"];
        var bucket = result?["bucket"]?.GetValue<string>();
        var key = result?["key"]?.GetValue<string>();
        if (string.IsNullOrEmpty(bucket) || string.IsNullOrEmpty(key)) return "the result has no bucket/key";
        var inputKey = context.Payload["object"]?["key"]?.GetValue<string>();
        var inputPrefix = context.Payload["bucket"]?["input"]?.GetValue<string>();
        if (inputKey is null || inputPrefix is null) return "the payload has no object.key / bucket.input";
        foreach (var name in new[] { "upload_time", "download_time", "compute_time" })
            if (context.Output?["measurement"]?[name] is null) return $"the output lacks measurement.{name}";

        var fasta = Path.Combine(context.WorkDirectory, "input.fasta");
        await context.Storage.DownloadAsync(bucket, inputPrefix + "/" + inputKey, fasta, cancellationToken).ConfigureAwait(false);
        var bases = CountBases(fasta);

        var walkPath = Path.Combine(context.WorkDirectory, "walk.json");
        await context.Storage.DownloadAsync(bucket, key, walkPath, cancellationToken).ConfigureAwait(false);
        await using var stream = File.OpenRead(walkPath);
        JsonDocument doc;
        try
        {
            doc = await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (JsonException ex)
        {
            return $"{key} is not valid JSON: {ex.Message}";
        }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("x", out var x) || !root.TryGetProperty("y", out var y)
                || x.ValueKind != JsonValueKind.Array || y.ValueKind != JsonValueKind.Array)
                return $"{key} is not an object with arrays 'x' and 'y'";
            var expected = 2 * bases + 1;
            if (x.GetArrayLength() != expected || y.GetArrayLength() != expected)
                return $"x has {x.GetArrayLength()} and y {y.GetArrayLength()} points, expected {expected} for {bases} bases";
            var i = 0;
            foreach (var value in x.EnumerateArray())
            {
                if (value.ValueKind != JsonValueKind.Number || Math.Abs(value.GetDouble() - i * 0.5) > 1e-9)
                    return $"x[{i}] is {value.GetRawText()}, expected {i * 0.5}";
                i++;
            }
            if (y[0].ValueKind != JsonValueKind.Number || y[0].GetDouble() != 0) return "y does not start at 0";
            if (y.EnumerateArray().Any(v => v.ValueKind != JsonValueKind.Number)) return "y holds a value that is not a number";
        }
        return null;
    }

    /// <summary>Sequence characters of a FASTA file: every line but the '>' headers, without whitespace.</summary>
    internal static long CountBases(string path) =>
        File.ReadLines(path).Where(l => !l.StartsWith('>')).Sum(l => (long)l.Trim().Length);
}
