using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace Sebs.Tests.SuiteA;

/// <summary>Small media files built byte by byte for the validator tests (no image library).</summary>
internal static class TestImages
{
    /// <summary>A valid RGB PNG of the given size (one grey colour), with real CRCs and zlib data.</summary>
    public static byte[] Png(int width, int height)
    {
        using var ms = new MemoryStream();
        ms.Write(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A });
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = 8; ihdr[9] = 2; // 8-bit RGB
        Chunk(ms, "IHDR", ihdr);
        var raw = new byte[height * (1 + width * 3)];
        for (var y = 0; y < height; y++) Array.Fill(raw, (byte)0x80, y * (1 + width * 3) + 1, width * 3);
        using var z = new MemoryStream();
        using (var zs = new ZLibStream(z, CompressionLevel.Optimal, leaveOpen: true)) zs.Write(raw);
        Chunk(ms, "IDAT", z.ToArray());
        Chunk(ms, "IEND", Array.Empty<byte>());
        return ms.ToArray();
    }

    private static void Chunk(Stream s, string type, byte[] data)
    {
        var len = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(len, data.Length);
        s.Write(len);
        var td = Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
        s.Write(td);
        var crc = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(crc, Crc32(td));
        s.Write(crc);
    }

    private static uint Crc32(byte[] data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++) crc = (crc & 1) != 0 ? 0xEDB88320u ^ (crc >> 1) : crc >> 1;
        }
        return ~crc;
    }

    /// <summary>JPEG markers only: SOI, APP0, DQT, DHT, SOFn with the size, SOS, EOI (not decodable, but a valid header walk).</summary>
    public static byte[] JpegHeader(int width, int height, byte sof = 0xC0)
    {
        var b = new List<byte> { 0xFF, 0xD8 };
        b.AddRange(new byte[] { 0xFF, 0xE0, 0x00, 0x10 }); b.AddRange(Encoding.ASCII.GetBytes("JFIF\0")); b.AddRange(new byte[] { 1, 1, 0, 0, 1, 0, 1, 0, 0 });
        b.AddRange(new byte[] { 0xFF, 0xDB, 0x00, 0x43, 0x00 }); b.AddRange(Enumerable.Repeat((byte)1, 64));
        b.AddRange(new byte[] { 0xFF, 0xC4, 0x00, 0x14, 0x00 }); b.AddRange(Enumerable.Repeat((byte)0, 16)); b.Add(0);
        b.AddRange(new byte[] { 0xFF, sof, 0x00, 0x11, 0x08, (byte)(height >> 8), (byte)height, (byte)(width >> 8), (byte)width, 3,
            1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1 });
        b.AddRange(new byte[] { 0xFF, 0xDA, 0x00, 0x0C, 3, 1, 0, 2, 0x11, 3, 0x11, 0, 0x3F, 0 });
        b.AddRange(new byte[] { 0x12, 0x34, 0xFF, 0xD9 });
        return b.ToArray();
    }

    /// <summary>ftyp + moov(mvhd) with the given timescale/duration; version 0 or 1 mvhd.</summary>
    public static byte[] Mp4(uint timescale, ulong duration, int version = 0, bool withFtyp = true)
    {
        using var ms = new MemoryStream();
        if (withFtyp) Box(ms, "ftyp", Encoding.ASCII.GetBytes("isom\0\0\u0002\0isomiso2avc1mp41"));
        Box(ms, "mdat", new byte[32]);
        var mvhd = new MemoryStream();
        mvhd.WriteByte((byte)version); mvhd.Write(new byte[3]);
        if (version == 1)
        {
            mvhd.Write(new byte[16]);
            mvhd.Write(BE32(timescale));
            var d = new byte[8]; BinaryPrimitives.WriteUInt64BigEndian(d, duration); mvhd.Write(d);
        }
        else
        {
            mvhd.Write(new byte[8]);
            mvhd.Write(BE32(timescale));
            mvhd.Write(BE32((uint)duration));
        }
        mvhd.Write(new byte[80]); // rate, volume, matrix, next track id...
        var moov = new MemoryStream();
        Box(moov, "mvhd", mvhd.ToArray());
        Box(ms, "moov", moov.ToArray());
        return ms.ToArray();
    }

    private static byte[] BE32(uint v) { var b = new byte[4]; BinaryPrimitives.WriteUInt32BigEndian(b, v); return b; }

    private static void Box(Stream s, string type, byte[] body)
    {
        s.Write(BE32((uint)(body.Length + 8)));
        s.Write(Encoding.ASCII.GetBytes(type));
        s.Write(body);
    }

    /// <summary>GIF header, logical screen, no global palette, one empty frame, trailer.</summary>
    public static byte[] Gif(int width, int height, bool trailer = true)
    {
        var b = new List<byte>(Encoding.ASCII.GetBytes("GIF89a"));
        b.AddRange(new[] { (byte)width, (byte)(width >> 8), (byte)height, (byte)(height >> 8), (byte)0, (byte)0, (byte)0 });
        b.AddRange(new byte[] { 0x2C, 0, 0, 0, 0, (byte)width, (byte)(width >> 8), (byte)height, (byte)(height >> 8), 0, 2, 0 });
        if (trailer) b.Add(0x3B);
        return b.ToArray();
    }
}
