namespace Sebs.Core.Validation;

/// <summary>Reads the pixel size of PNG and JPEG files from their headers (no image library, nothing decoded).</summary>
public static class ImageHeaders
{
    private static readonly byte[] PngSignature = { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A };

    /// <summary>"png" or "jpeg" with width and height, or null when the bytes are neither (or truncated).</summary>
    public static (string Format, int Width, int Height)? Read(ReadOnlySpan<byte> data)
    {
        if (data.Length >= 24 && data[..8].SequenceEqual(PngSignature))
        {
            // The first chunk must be IHDR: length (4) "IHDR" (4) width (4) height (4), big-endian.
            if (!(data[12] == (byte)'I' && data[13] == (byte)'H' && data[14] == (byte)'D' && data[15] == (byte)'R')) return null;
            return ("png", BigEndian32(data[16..]), BigEndian32(data[20..]));
        }
        if (data.Length >= 4 && data[0] == 0xFF && data[1] == 0xD8)
            return ReadJpeg(data);
        return null;
    }

    public static (string Format, int Width, int Height)? Read(string path) => Read(File.ReadAllBytes(path));

    private static (string, int, int)? ReadJpeg(ReadOnlySpan<byte> data)
    {
        var i = 2;
        while (i + 4 <= data.Length)
        {
            if (data[i] != 0xFF) return null;            // every segment starts with a marker
            var marker = data[i + 1];
            if (marker == 0xFF) { i++; continue; }       // fill byte
            i += 2;
            if (marker is 0xD8 or 0x01 || (marker >= 0xD0 && marker <= 0xD7)) continue; // no length
            if (marker is 0xD9 or 0xDA) return null;     // end of image / start of scan before any frame header
            if (i + 2 > data.Length) return null;
            var length = (data[i] << 8) | data[i + 1];
            if (length < 2) return null;
            // SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC): precision (1) height (2) width (2).
            if (marker >= 0xC0 && marker <= 0xCF && marker is not (0xC4 or 0xC8 or 0xCC))
            {
                if (i + 7 > data.Length) return null;
                var height = (data[i + 3] << 8) | data[i + 4];
                var width = (data[i + 5] << 8) | data[i + 6];
                return ("jpeg", width, height);
            }
            i += length;
        }
        return null;
    }

    private static int BigEndian32(ReadOnlySpan<byte> b) => (int)(((uint)b[0] << 24) | ((uint)b[1] << 16) | ((uint)b[2] << 8) | b[3]);
}
