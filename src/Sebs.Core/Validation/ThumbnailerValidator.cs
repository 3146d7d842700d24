namespace Sebs.Core.Validation;

/// <summary>210.thumbnailer: the uploaded thumbnail is a PNG or JPEG with 0 &lt; width &lt;= box width and 0 &lt; height &lt;= box height.</summary>
public sealed class ThumbnailerValidator : IOutputValidator
{
    public string Benchmark => "210.thumbnailer";

    public async Task<string?> ValidateAsync(ValidationContext context, CancellationToken cancellationToken)
    {
        var (bucket, key, problem) = ProducedObject.Locate(context.Output);
        if (problem is not null) return problem;
        var maxW = ProducedObject.Int(context.Payload["object"]?["width"]);
        var maxH = ProducedObject.Int(context.Payload["object"]?["height"]);
        if (maxW is null || maxH is null) return "the payload has no object.width/object.height";
        var path = await ProducedObject.DownloadAsync(context, bucket!, key!, cancellationToken).ConfigureAwait(false);
        return Check(await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false), maxW.Value, maxH.Value, key!);
    }

    internal static string? Check(byte[] image, int maxWidth, int maxHeight, string key)
    {
        var header = ImageHeaders.Read(image);
        if (header is null) return $"'{key}' ({image.Length} bytes) is neither a PNG nor a JPEG with a readable header";
        var (format, w, h) = header.Value;
        if (w <= 0 || h <= 0) return $"the {format} thumbnail '{key}' is {w}x{h}";
        if (w > maxWidth || h > maxHeight) return $"the {format} thumbnail '{key}' is {w}x{h}, larger than the {maxWidth}x{maxHeight} box";
        return null;
    }
}
