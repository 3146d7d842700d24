using System.Buffers.Binary;
using System.Globalization;

namespace Sebs.Core.Validation;

/// <summary>
/// 220.video-processing. SeBS compares frames with reference outputs by SSIM (Python, imageio-ffmpeg); that needs a
/// decoder and the reference videos, so this check is structural: <c>watermark</c> must give an MP4 (ftyp, moov/mvhd)
/// whose duration is positive and at most the requested one + 0.5 s; <c>extract-gif</c> a GIF no wider than 320 px.
/// </summary>
public sealed class VideoProcessingValidator : IOutputValidator
{
    public string Benchmark => "220.video-processing";

    public async Task<string?> ValidateAsync(ValidationContext context, CancellationToken cancellationToken)
    {
        var (bucket, key, problem) = ProducedObject.Locate(context.Output);
        if (problem is not null) return problem;
        var op = ProducedObject.Text(context.Payload["object"]?["op"]);
        var durationText = ProducedObject.Text(context.Payload["object"]?["duration"]);
        double.TryParse(durationText, NumberStyles.Float, CultureInfo.InvariantCulture, out var duration);
        var path = await ProducedObject.DownloadAsync(context, bucket!, key!, cancellationToken).ConfigureAwait(false);
        var data = await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
        return op switch
        {
            "watermark" => CheckMp4(data, duration, key!),
            "extract-gif" => CheckGif(data, key!),
            _ => $"unknown operation '{op}' in the payload",
        };
    }

    internal static string? CheckMp4(byte[] data, double requestedSeconds, string key)
    {
        var info = Mp4Duration(data);
        if (info is null) return $"'{key}' ({data.Length} bytes) is not an MP4 with ftyp and moov/mvhd boxes";
        var seconds = info.Value;
        if (seconds <= 0) return $"the MP4 '{key}' has duration {seconds:0.###} s";
        if (requestedSeconds > 0 && seconds > requestedSeconds + 0.5)
            return $"the MP4 '{key}' lasts {seconds:0.###} s, more than the requested {requestedSeconds} s";
        return null;
    }

    internal static string? CheckGif(byte[] data, string key)
    {
        if (data.Length < 13 || !(data.AsSpan(0, 6).SequenceEqual("GIF89a"u8) || data.AsSpan(0, 6).SequenceEqual("GIF87a"u8)))
            return $"'{key}' ({data.Length} bytes) is not a GIF";
        int w = BinaryPrimitives.ReadUInt16LittleEndian(data.AsSpan(6)), h = BinaryPrimitives.ReadUInt16LittleEndian(data.AsSpan(8));
        if (w <= 0 || h <= 0 || w > 320) return $"the GIF '{key}' is {w}x{h}; expected 0 < width <= 320 and height > 0";
        if (data[^1] != 0x3B) return $"the GIF '{key}' has no trailer (truncated?)";
        return null;
    }

    /// <summary>The movie duration in seconds from moov/mvhd, or null when the file is not an ISO-BMFF/MP4 with ftyp and mvhd.</summary>
    public static double? Mp4Duration(ReadOnlySpan<byte> data)
    {
        var sawFtyp = false;
        double? duration = null;
        foreach (var (type, body) in Boxes(data))
        {
            if (type == "ftyp") sawFtyp = true;
            else if (type == "moov")
                foreach (var (inner, mvhd) in Boxes(data.Slice(body.Start, body.Length)))
                {
                    if (inner != "mvhd" || mvhd.Length < 20) continue;
                    var b = data.Slice(body.Start + mvhd.Start, mvhd.Length);
                    if (b[0] == 1)
                    {
                        if (b.Length < 32) return null;
                        var scale = BinaryPrimitives.ReadUInt32BigEndian(b[20..]);
                        duration = scale == 0 ? null : BinaryPrimitives.ReadUInt64BigEndian(b[24..]) / (double)scale;
                    }
                    else
                    {
                        var scale = BinaryPrimitives.ReadUInt32BigEndian(b[12..]);
                        duration = scale == 0 ? null : BinaryPrimitives.ReadUInt32BigEndian(b[16..]) / (double)scale;
                    }
                }
        }
        return sawFtyp ? duration : null;
    }

    /// <summary>The boxes at one level: type and (start, length) of the body relative to the span.</summary>
    private static List<(string Type, (int Start, int Length) Body)> Boxes(ReadOnlySpan<byte> data)
    {
        var list = new List<(string, (int, int))>();
        var i = 0;
        while (i + 8 <= data.Length)
        {
            long size = BinaryPrimitives.ReadUInt32BigEndian(data[i..]);
            var type = System.Text.Encoding.ASCII.GetString(data.Slice(i + 4, 4));
            var header = 8;
            if (size == 1)
            {
                if (i + 16 > data.Length) break;
                size = (long)BinaryPrimitives.ReadUInt64BigEndian(data[(i + 8)..]);
                header = 16;
            }
            else if (size == 0) size = data.Length - i;
            if (size < header || i + size > data.Length) break;
            list.Add((type, (i + header, (int)size - header)));
            i += (int)size;
        }
        return list;
    }
}
