using System.Text.Json.Nodes;

namespace Sebs.Core.Validation;

/// <summary>Helpers for validators of benchmarks that return <c>{"result": {"bucket", "key"}}</c> and leave an object in storage.</summary>
internal static class ProducedObject
{
    /// <summary>The <c>result.bucket</c> and <c>result.key</c> of the output, or why they are missing.</summary>
    public static (string? Bucket, string? Key, string? Problem) Locate(JsonNode? output)
    {
        if (output?["result"] is not JsonObject result) return (null, null, "the output has no 'result' object");
        var bucket = Text(result["bucket"]);
        var key = Text(result["key"]);
        if (string.IsNullOrEmpty(key)) return (bucket, null, "result.key is empty");
        if (string.IsNullOrEmpty(bucket)) return (null, key, "result.bucket is empty");
        return (bucket, key, null);
    }

    /// <summary>Downloads bucket/key into the validation work folder; returns the local path.</summary>
    public static async Task<string> DownloadAsync(ValidationContext context, string bucket, string key, CancellationToken ct)
    {
        if (context.Storage is null) throw new InvalidOperationException("no object storage to download the output from");
        var name = key.Replace('/', '_').Replace('\\', '_');
        var path = Path.Combine(context.WorkDirectory, name);
        Directory.CreateDirectory(context.WorkDirectory);
        await context.Storage.DownloadAsync(bucket, key, path, ct).ConfigureAwait(false);
        return path;
    }

    public static string? Text(JsonNode? node) =>
        node is JsonValue v && v.TryGetValue<string>(out var s) ? s : node?.ToString();

    public static int? Int(JsonNode? node) =>
        node is JsonValue v && (v.TryGetValue<int>(out var i) || (v.TryGetValue<double>(out var d) && d == Math.Floor(d) && (i = (int)d) == d)
            || (v.TryGetValue<string>(out var s) && int.TryParse(s, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out i)))
            ? i : null;
}
