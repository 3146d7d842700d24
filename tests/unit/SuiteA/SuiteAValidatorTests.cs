using System.IO.Compression;
using System.Text;
using System.Text.Json.Nodes;
using Sebs.Core.Benchmarks;
using Sebs.Core.Caching;
using Sebs.Core.Diagnostics;
using Sebs.Core.Inputs;
using Sebs.Core.Platforms;
using Sebs.Core.Validation;
using Xunit;

namespace Sebs.Tests.SuiteA;

public sealed class SuiteAValidatorTests
{
    private const string Bucket = "sebs-benchmarks-test";
    private static string ThumbnailerData => Path.Combine(TestPaths.SharedBenchmarkData, "200.multimedia", "210.thumbnailer");

    private static ValidationContext Context(string benchmark, string payload, string output, IObjectStorage? storage = null, string? dataRoot = null) =>
        new(benchmark, "python", "test", (JsonObject)JsonNode.Parse(payload)!, JsonNode.Parse(output), storage, dataRoot, TestPaths.NewTempDir());

    private static Task<string?> Validate(string benchmark, ValidationContext context) =>
        OutputValidators.For(benchmark)!.ValidateAsync(context, CancellationToken.None);

    [Fact]
    public void Every_suite_a_benchmark_has_a_validator()
    {
        foreach (var name in new[] { "040.server-reply", "120.uploader", "210.thumbnailer", "220.video-processing", "311.compression" })
            Assert.NotNull(OutputValidators.For(name));
    }

    // --- image headers -----------------------------------------------------------------------------

    [Theory]
    [InlineData("0_action-adrenaline-adventure-1047051.jpg", 4000, 5000)]
    [InlineData("3_aerial-shot-architecture-bridge-2887493.jpg", 3273, 2835)]
    [InlineData("6_astronomy-desktop-wallpaper-evening-1624438.jpg", 3648, 5472)]
    [InlineData("9_cobblestone-granite-pebbles-1029604.jpg", 6000, 4000)]
    public void Jpeg_header_of_the_real_thumbnailer_images(string file, int width, int height)
    {
        var path = Path.Combine(ThumbnailerData, file);
        Assert.True(File.Exists(path), $"the SeBS benchmark data must be at {TestPaths.SharedBenchmarkData}");
        Assert.Equal(("jpeg", width, height), ImageHeaders.Read(path));
    }

    [Fact]
    public void Every_real_thumbnailer_image_has_a_readable_header()
    {
        var files = Directory.GetFiles(ThumbnailerData, "*.jpg");
        Assert.Equal(10, files.Length);
        foreach (var f in files)
        {
            var h = ImageHeaders.Read(f);
            Assert.NotNull(h);
            Assert.InRange(h!.Value.Width, 2000, 7000);
            Assert.InRange(h.Value.Height, 2000, 7000);
        }
    }

    [Fact]
    public void Png_header_of_a_generated_png()
    {
        Assert.Equal(("png", 7, 5), ImageHeaders.Read(TestImages.Png(7, 5)));
        Assert.Equal(("png", 200, 133), ImageHeaders.Read(TestImages.Png(200, 133)));
    }

    [Theory]
    [InlineData(0xC0)]
    [InlineData(0xC2)] // progressive
    public void Jpeg_frame_header_after_tables(byte sof)
    {
        Assert.Equal(("jpeg", 64, 48), ImageHeaders.Read(TestImages.JpegHeader(64, 48, sof)));
    }

    [Fact]
    public void Not_an_image_or_truncated_gives_null()
    {
        Assert.Null(ImageHeaders.Read(Encoding.ASCII.GetBytes("GIF89a not handled here")));
        Assert.Null(ImageHeaders.Read(TestImages.Png(10, 10).AsSpan(0, 20)));
        Assert.Null(ImageHeaders.Read(TestImages.JpegHeader(64, 48).AsSpan(0, 40)));
        Assert.Null(ImageHeaders.Read(Array.Empty<byte>()));
    }

    // --- 210.thumbnailer ---------------------------------------------------------------------------

    private const string ThumbPayload = """{"object": {"key": "a.jpg", "width": 200, "height": 200}, "bucket": {"bucket": "sebs-benchmarks-test", "input": "in", "output": "out"}}""";

    [Fact]
    public async Task Thumbnailer_accepts_a_thumbnail_within_the_box()
    {
        var s = new SuiteAMemoryStorage();
        s.Put(Bucket, "out/a.1234abcd.png", TestImages.Png(200, 150));
        Assert.Null(await Validate("210.thumbnailer", Context("210.thumbnailer", ThumbPayload,
            """{"result": {"bucket": "sebs-benchmarks-test", "key": "out/a.1234abcd.png"}}""", s)));
    }

    [Fact]
    public async Task Thumbnailer_accepts_a_real_jpeg_only_if_it_fits()
    {
        var s = new SuiteAMemoryStorage();
        s.Put(Bucket, "out/big.jpg", File.ReadAllBytes(Path.Combine(ThumbnailerData, "3_aerial-shot-architecture-bridge-2887493.jpg")));
        var message = await Validate("210.thumbnailer", Context("210.thumbnailer", ThumbPayload,
            """{"result": {"bucket": "sebs-benchmarks-test", "key": "out/big.jpg"}}""", s));
        Assert.Contains("3273x2835", message);
    }

    [Theory]
    [InlineData(300, 100, "larger than the 200x200 box")]
    [InlineData(100, 201, "larger than the 200x200 box")]
    [InlineData(0, 10, "is 0x10")]
    public async Task Thumbnailer_rejects_sizes_outside_the_box(int w, int h, string expected)
    {
        var s = new SuiteAMemoryStorage();
        s.Put(Bucket, "out/t.png", TestImages.Png(Math.Max(w, 1), h) is var png && w == 0 ? ZeroWidth(png) : png);
        var message = await Validate("210.thumbnailer", Context("210.thumbnailer", ThumbPayload,
            """{"result": {"bucket": "sebs-benchmarks-test", "key": "out/t.png"}}""", s));
        Assert.Contains(expected, message);

        static byte[] ZeroWidth(byte[] png) { png[16] = png[17] = png[18] = png[19] = 0; return png; }
    }

    [Fact]
    public async Task Thumbnailer_rejects_non_images_and_missing_keys()
    {
        var s = new SuiteAMemoryStorage();
        s.Put(Bucket, "out/t.png", Encoding.UTF8.GetBytes("not an image"));
        Assert.Contains("neither a PNG nor a JPEG", await Validate("210.thumbnailer", Context("210.thumbnailer", ThumbPayload,
            """{"result": {"bucket": "sebs-benchmarks-test", "key": "out/t.png"}}""", s)));
        Assert.Contains("key is empty", await Validate("210.thumbnailer", Context("210.thumbnailer", ThumbPayload,
            """{"result": {"bucket": "sebs-benchmarks-test", "key": ""}}""", s)));
        Assert.Contains("no 'result'", await Validate("210.thumbnailer", Context("210.thumbnailer", ThumbPayload, "null", s)));
    }

    // --- 120.uploader ------------------------------------------------------------------------------

    private const string UploadPayload = """{"object": {"url": "http://127.0.0.1:1/photo.jpg", "size": "test"}, "bucket": {"bucket": "sebs-benchmarks-test", "output": "120.uploader-0-output"}}""";

    private static UploaderValidator Uploader(byte[] served) => new() { Fetch = (_, _) => Task.FromResult(served) };

    [Fact]
    public async Task Uploader_accepts_the_served_bytes()
    {
        var bytes = Encoding.UTF8.GetBytes("file served by the test");
        var s = new SuiteAMemoryStorage();
        s.Put(Bucket, "120.uploader-0-output/photo.0a1b2c3d.jpg", bytes);
        var ctx = Context("120.uploader", UploadPayload,
            """{"result": {"bucket": "sebs-benchmarks-test", "url": "http://127.0.0.1:1/photo.jpg", "key": "120.uploader-0-output/photo.0a1b2c3d.jpg"}}""", s);
        Assert.Null(await Uploader(bytes).ValidateAsync(ctx, CancellationToken.None));
    }

    [Fact]
    public async Task Uploader_rejects_other_bytes_urls_and_keys()
    {
        var s = new SuiteAMemoryStorage();
        s.Put(Bucket, "120.uploader-0-output/photo.jpg", Encoding.UTF8.GetBytes("truncated"));
        var good = """{"result": {"bucket": "sebs-benchmarks-test", "url": "http://127.0.0.1:1/photo.jpg", "key": "120.uploader-0-output/photo.jpg"}}""";
        Assert.Contains("MD5", await Uploader(Encoding.UTF8.GetBytes("the whole file")).ValidateAsync(Context("120.uploader", UploadPayload, good, s), CancellationToken.None));
        Assert.Contains("result.url", await Uploader(Array.Empty<byte>()).ValidateAsync(Context("120.uploader", UploadPayload,
            good.Replace("127.0.0.1:1", "example.org"), s), CancellationToken.None));
        Assert.Contains("not under the output prefix", await Uploader(Array.Empty<byte>()).ValidateAsync(Context("120.uploader", UploadPayload,
            good.Replace("120.uploader-0-output/photo.jpg", "elsewhere/photo.jpg"), s), CancellationToken.None));
        Assert.Contains("key is empty", await Uploader(Array.Empty<byte>()).ValidateAsync(Context("120.uploader", UploadPayload,
            good.Replace("120.uploader-0-output/photo.jpg", ""), s), CancellationToken.None));
    }

    // --- 311.compression ---------------------------------------------------------------------------

    private const string ZipPayload = """{"object": {"key": "docs"}, "bucket": {"bucket": "sebs-benchmarks-test", "input": "311.compression-0-input", "output": "311.compression-0-output"}}""";
    private const string ZipOutput = """{"result": {"bucket": "sebs-benchmarks-test", "key": "311.compression-0-output/docs.1a2b3c4d.zip"}}""";

    private static byte[] Zip(params string[] entries)
    {
        using var ms = new MemoryStream();
        using (var zip = new ZipArchive(ms, ZipArchiveMode.Create, leaveOpen: true))
            foreach (var e in entries)
            {
                var entry = zip.CreateEntry(e);
                if (!e.EndsWith('/')) using (var w = new StreamWriter(entry.Open())) w.Write("content of " + e);
            }
        return ms.ToArray();
    }

    private static SuiteAMemoryStorage CompressionStorage(byte[] zip)
    {
        var s = new SuiteAMemoryStorage();
        foreach (var k in new[] { "a.txt", "sub/b.txt" }) s.Put(Bucket, "311.compression-0-input/docs/" + k, Encoding.UTF8.GetBytes(k));
        s.Put(Bucket, "311.compression-0-input/docs2/other.txt", Encoding.UTF8.GetBytes("not part of docs"));
        s.Put(Bucket, "311.compression-0-output/docs.1a2b3c4d.zip", zip);
        return s;
    }

    [Fact]
    public async Task Compression_accepts_exactly_the_input_files_with_directory_entries_ignored()
    {
        var s = CompressionStorage(Zip("docs/", "docs/a.txt", "docs/sub/", "docs/sub/b.txt"));
        Assert.Null(await Validate("311.compression", Context("311.compression", ZipPayload, ZipOutput, s)));
    }

    [Fact]
    public async Task Compression_compares_with_the_local_data_set_when_there_is_a_data_root()
    {
        var root = TestPaths.NewTempDir();
        var dir = Path.Combine(root, "300.utilities", "311.compression", "docs");
        Directory.CreateDirectory(Path.Combine(dir, "sub"));
        File.WriteAllText(Path.Combine(dir, "a.txt"), "a");
        File.WriteAllText(Path.Combine(dir, "sub", "b.txt"), "b");
        File.WriteAllText(Path.Combine(dir, "c.txt"), "only local");
        var s = CompressionStorage(Zip("docs/a.txt", "docs/sub/b.txt"));
        Assert.Contains("missing 1: c.txt", await Validate("311.compression", Context("311.compression", ZipPayload, ZipOutput, s, root)));
    }

    [Theory]
    [InlineData(new[] { "docs/a.txt" }, "missing 1: sub/b.txt")]
    [InlineData(new[] { "docs/a.txt", "docs/sub/b.txt", "docs/extra.txt" }, "unexpected 1: extra.txt")]
    [InlineData(new[] { "docs/a.txt", "docs/sub/b.txt", "x/c.txt" }, "outside 'docs/'")]
    public async Task Compression_rejects_other_file_lists(string[] entries, string expected)
    {
        var s = CompressionStorage(Zip(entries));
        Assert.Contains(expected, await Validate("311.compression", Context("311.compression", ZipPayload, ZipOutput, s)));
    }

    [Fact]
    public async Task Compression_rejects_a_file_that_is_not_a_zip()
    {
        var s = CompressionStorage(Encoding.UTF8.GetBytes("PK but not really"));
        Assert.Contains("not a readable ZIP", await Validate("311.compression", Context("311.compression", ZipPayload, ZipOutput, s)));
    }

    // --- 220.video-processing ----------------------------------------------------------------------

    private static async Task<string?> Video(string op, double duration, byte[] produced, string key = "out/processed-city.mp4")
    {
        var s = new SuiteAMemoryStorage();
        s.Put(Bucket, key, produced);
        var payload = "{\"object\": {\"key\": \"city.mp4\", \"op\": \"" + op + "\", \"duration\": "
            + duration.ToString(System.Globalization.CultureInfo.InvariantCulture)
            + "}, \"bucket\": {\"bucket\": \"sebs-benchmarks-test\", \"input\": \"in\", \"output\": \"out\"}}";
        return await Validate("220.video-processing", Context("220.video-processing", payload,
            "{\"result\": {\"bucket\": \"sebs-benchmarks-test\", \"key\": \"" + key + "\"}}", s));
    }

    [Fact]
    public void Mp4_duration_from_mvhd_version_0_and_1()
    {
        Assert.Equal(1.0, VideoProcessingValidator.Mp4Duration(TestImages.Mp4(1000, 1000)));
        Assert.Equal(2.5, VideoProcessingValidator.Mp4Duration(TestImages.Mp4(90000, 225000, version: 1)));
        Assert.Null(VideoProcessingValidator.Mp4Duration(TestImages.Mp4(1000, 1000, withFtyp: false)));
    }

    [Fact]
    public async Task Video_watermark_accepts_an_mp4_of_the_requested_length()
    {
        Assert.Null(await Video("watermark", 1, TestImages.Mp4(12800, 12800)));
        Assert.Null(await Video("watermark", 3, TestImages.Mp4(1000, 3020)));
    }

    [Fact]
    public async Task Video_watermark_rejects_long_empty_or_non_mp4_outputs()
    {
        Assert.Contains("more than the requested", await Video("watermark", 1, TestImages.Mp4(1000, 5000)));
        Assert.Contains("duration 0", await Video("watermark", 1, TestImages.Mp4(1000, 0)));
        Assert.Contains("not an MP4", await Video("watermark", 1, TestImages.Gif(320, 180)));
    }

    [Fact]
    public async Task Video_gif_checks_header_width_and_trailer()
    {
        Assert.Null(await Video("extract-gif", 2, TestImages.Gif(320, 180), "out/processed-city.gif"));
        Assert.Contains("width <= 320", await Video("extract-gif", 2, TestImages.Gif(640, 360), "out/processed-city.gif"));
        Assert.Contains("no trailer", await Video("extract-gif", 2, TestImages.Gif(320, 180, trailer: false), "out/processed-city.gif"));
        Assert.Contains("not a GIF", await Video("extract-gif", 2, TestImages.Mp4(1000, 1000), "out/processed-city.gif"));
        Assert.Contains("unknown operation", await Video("rotate", 2, TestImages.Gif(320, 180), "out/processed-city.gif"));
    }

    // --- 040.server-reply --------------------------------------------------------------------------

    [Theory]
    [InlineData("""{"ip-address": "127.0.0.1", "port": 5000}""", """{"result": "accepted"}""", null)]
    [InlineData("""{"ip-address": "127.0.0.1", "port": 5000, "expected": "accepted"}""", """{"result": "accepted"}""", null)]
    [InlineData("""{"ip-address": "127.0.0.1", "port": 5000, "expected": "accepted"}""", """{"result": "refused"}""", "expected 'accepted'")]
    [InlineData("""{"ip-address": "127.0.0.1", "port": 5000}""", """{"result": ""}""", "empty")]
    [InlineData("""{"ip-address": "127.0.0.1", "port": 5000}""", """{"result": 42}""", "as a string")]
    [InlineData("""{"sleep": 1}""", """{"result": "accepted"}""", "names no server")]
    public async Task Server_reply(string payload, string output, string? expected)
    {
        var message = await Validate("040.server-reply", Context("040.server-reply", payload, output));
        if (expected is null) Assert.Null(message); else Assert.Contains(expected, message);
    }

    // --- input.json settings defaults (120.uploader) -----------------------------------------------

    [Fact]
    public async Task Uploader_input_uses_SeBS_urls_by_default_and_settings_override_them()
    {
        var catalog = BenchmarkCatalog.Load(new[] { TestPaths.Benchmarks });
        var uploader = catalog.Get("120.uploader");
        var cache = new SebsCache(TestPaths.NewTempDir());
        var storage = new SuiteAMemoryStorage();
        InputContext Ctx(Dictionary<string, string> settings) =>
            new(storage, TestPlatforms.Local, cache, null, settings, false, NullSebsLog.Instance);

        var byDefault = await InputGenerator.GenerateAsync(uploader, "large", Ctx(new()), CancellationToken.None);
        Assert.Equal("https://download.pytorch.org/models/resnet50-19c8e357.pth", byDefault["object"]!["url"]!.GetValue<string>());
        Assert.Equal("120.uploader-0-output", byDefault["bucket"]!["output"]!.GetValue<string>());
        Assert.Equal(storage.BenchmarksBucket, byDefault["bucket"]!["bucket"]!.GetValue<string>());

        var local = await InputGenerator.GenerateAsync(uploader, "test",
            Ctx(new() { ["uploader.url.test"] = "http://127.0.0.1:8000/x.jpg" }), CancellationToken.None);
        Assert.Equal("http://127.0.0.1:8000/x.jpg", local["object"]!["url"]!.GetValue<string>());
        Assert.Equal("test", local["object"]!["size"]!.GetValue<string>());
    }
}
