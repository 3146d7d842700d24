using System.Text.Json.Nodes;
using Sebs.Core;
using Sebs.Core.Benchmarks;
using Sebs.Core.Caching;
using Sebs.Core.Diagnostics;
using Sebs.Core.Inputs;
using Sebs.Core.Packaging;
using Sebs.Core.Platforms;
using Sebs.Core.Validation;
using Xunit;

namespace Sebs.Tests.SuiteB;

public class SebsInputPyRunnerTests
{
    private static string SebsFormatRoot => Path.Combine(TestPaths.RepoRoot, "tests", "pester", "benchmarks", "sebs-format");

    private static Benchmark Load(string root, string name) => BenchmarkCatalog.Load(new[] { root }).Get(name);

    private static InputContext Context(MemoryObjectStorage storage, SebsCache cache, string? dataRoot, bool replace = false) =>
        new(storage, TestPlatforms.Local, cache, dataRoot, new Dictionary<string, string>(), replace, NullSebsLog.Instance);

    private static string DataRoot(string text = "hello from a SeBS benchmark")
    {
        var root = TestPaths.NewTempDir();
        var dir = Directory.CreateDirectory(Path.Combine(root, "900.test", "990.sebs-upload")).FullName;
        File.WriteAllText(Path.Combine(dir, "greeting.txt"), text);
        return root;
    }

    [Fact]
    public async Task Runs_input_py_and_uploads_what_upload_func_recorded_once()
    {
        var benchmark = Load(SebsFormatRoot, "990.sebs-upload");
        Assert.Equal(InputGeneratorKind.SebsInputPy, benchmark.InputGenerator);
        var storage = new MemoryObjectStorage();
        var cache = new SebsCache(TestPaths.NewTempDir());
        var data = DataRoot();

        var payload = await InputGenerator.GenerateAsync(benchmark, "small", Context(storage, cache, data), CancellationToken.None);
        Assert.Equal(10, payload["object"]!["repeat"]!.GetValue<int>());
        Assert.Equal("sebs-benchmarks-test", payload["bucket"]!["bucket"]!.GetValue<string>());
        Assert.Equal("990.sebs-upload-0-input", payload["bucket"]!["input"]!.GetValue<string>());
        Assert.Equal("990.sebs-upload-0-output", payload["bucket"]!["output"]!.GetValue<string>());
        Assert.Equal(1, storage.Uploads);
        Assert.True(storage.Objects.ContainsKey("sebs-benchmarks-test/990.sebs-upload-0-input/greeting.txt"));
        Assert.True(cache.GetStorage("990.sebs-upload", TestPlatforms.Local)?["input_uploaded"]?.GetValue<bool>());

        // Cached: no second upload; a fresh cache with the object already in storage: skipped as well.
        await InputGenerator.GenerateAsync(benchmark, "test", Context(storage, cache, data), CancellationToken.None);
        await InputGenerator.GenerateAsync(benchmark, "test", Context(storage, new SebsCache(TestPaths.NewTempDir()), data), CancellationToken.None);
        Assert.Equal(1, storage.Uploads);
        // Asked to replace: uploaded again.
        await InputGenerator.GenerateAsync(benchmark, "test", Context(storage, cache, data, replace: true), CancellationToken.None);
        Assert.Equal(2, storage.Uploads);
    }

    [Fact]
    public async Task An_input_py_that_raises_is_InputGenerationFailed_with_the_traceback()
    {
        var benchmark = Load(Path.Combine(TestPaths.RepoRoot, "tests", "pester", "benchmarks", "sebs-format-broken"), "991.sebs-broken");
        var ex = await Assert.ThrowsAsync<SebsException>(() => InputGenerator.GenerateAsync(benchmark, "large",
            Context(new MemoryObjectStorage(), new SebsCache(TestPaths.NewTempDir()), null), CancellationToken.None));
        Assert.Equal(SebsErrorIds.InputGenerationFailed, ex.ErrorId);
        Assert.Contains("991.sebs-broken", ex.Message);
        Assert.Contains("Traceback (most recent call last)", ex.Message);
        Assert.Contains("ValueError: no input defined for size 'large' (deliberate failure)", ex.Message);
    }

    [Fact]
    public async Task Supports_the_older_six_argument_generate_input_and_no_buckets_count()
    {
        var root = TestPaths.NewTempDir();
        var dir = Directory.CreateDirectory(Path.Combine(root, "992.old-style")).FullName;
        File.WriteAllText(Path.Combine(dir, "config.json"), """{"timeout": 10, "memory": 128, "languages": ["python"]}""");
        File.WriteAllText(Path.Combine(dir, "input.py"), """
            def generate_input(data_dir, size, benchmarks_bucket, input_paths, output_paths, upload_func):
                return {"size": size, "data": data_dir, "inputs": len(input_paths)}
            """.Replace("            ", ""));
        var payload = await InputGenerator.GenerateAsync(Load(root, "992.old-style"), "LARGE",
            Context(new MemoryObjectStorage(), new SebsCache(TestPaths.NewTempDir()), null), CancellationToken.None);
        Assert.Equal("large", payload["size"]!.GetValue<string>());
        Assert.Null(payload["data"]);
        Assert.Equal(0, payload["inputs"]!.GetValue<int>());
    }

    [Fact]
    public async Task Validate_output_of_input_py_decides_validity_and_downloads_through_storage()
    {
        var benchmark = Load(SebsFormatRoot, "990.sebs-upload");
        var validator = SebsInputPyValidator.For(benchmark);
        Assert.NotNull(validator);
        var storage = new MemoryObjectStorage();
        var data = DataRoot("abc");
        storage.Put("b", "out/greeting.1.txt", "abcabc");
        storage.Put("b", "out/greeting.2.txt", "abc");
        var payload = (JsonObject)JsonNode.Parse("""{"object": {"key": "greeting.txt", "repeat": 2}}""")!;
        ValidationContext Ctx(string key) => new("990.sebs-upload", "python", "test", payload,
            JsonNode.Parse($$$"""{"result": {"bucket": "b", "key": "{{{key}}}"}}"""), storage, data, TestPaths.NewTempDir());
        Assert.Null(await validator!.ValidateAsync(Ctx("out/greeting.1.txt"), CancellationToken.None));
        Assert.Equal("the uploaded object has 3 bytes, expected 6", await validator.ValidateAsync(Ctx("out/greeting.2.txt"), CancellationToken.None));
        var failed = await validator.ValidateAsync(Ctx("out/missing.txt"), CancellationToken.None);
        Assert.Contains("validate_output of 990.sebs-upload failed", failed);
        Assert.Contains("no object b/out/missing.txt", failed);
        // Benchmarks without validate_output (or with input.json) get none.
        Assert.Null(SebsInputPyValidator.For(Load(Path.Combine(TestPaths.RepoRoot, "tests", "pester", "benchmarks", "sebs-format-broken"), "991.sebs-broken")));
        Assert.Null(SebsInputPyValidator.For(Load(TestPaths.Benchmarks, "010.sleep")));
    }

    [Fact]
    public async Task Image_recognition_input_names_the_missing_weights_file()
    {
        var data = TestPaths.NewTempDir();
        var images = Directory.CreateDirectory(Path.Combine(data, "400.inference", "411.image-recognition", "fake-resnet")).FullName;
        File.WriteAllText(Path.Combine(images, "800px-Porsche_991_silver_IAA.jpg"), "not really a jpeg");
        var ex = await Assert.ThrowsAsync<UnavailableHereException>(() => InputGenerator.GenerateAsync(Load(TestPaths.Benchmarks, "411.image-recognition"), "test",
            Context(new MemoryObjectStorage(), new SebsCache(TestPaths.NewTempDir()), data), CancellationToken.None));
        Assert.Equal(SebsErrorIds.InputGenerationFailed, ex.ErrorId);
        Assert.Equal(UnavailableReason.InputData, ex.Reason); // missing data is this machine's, not the benchmark's
        Assert.Contains("resnet50-19c8e357.pth", ex.Message);
    }

    private sealed class RecordingInstaller : IDependencyInstaller
    {
        public string Description => "recording (no installation)";
        public string? Requirements;
        public Task InstallAsync(string packageDir, string language, string languageVersion, CancellationToken cancellationToken)
        {
            Requirements = File.ReadAllText(Path.Combine(packageDir, "requirements.txt"));
            return Task.CompletedTask;
        }
    }

    [Fact]
    public async Task Image_recognition_lays_out_as_a_package_with_its_torch_requirements()
    {
        var cache = new SebsCache(TestPaths.NewTempDir());
        var installer = new RecordingInstaller();
        var package = await new CodePackageBuilder(cache)
            .BuildAsync(new PackageRequest(Load(TestPaths.Benchmarks, "411.image-recognition"), TestPlatforms.Local, "python", "3.11")
                { Layout = new WrapperFolderLayout(Path.Combine(TestPaths.Benchmarks, "wrappers"), TestPlatforms.Local) }, installer);
        Assert.True(File.Exists(Path.Combine(package.Path, "function", "function.py")));
        Assert.True(File.Exists(Path.Combine(package.Path, "function", "storage.py")));
        Assert.True(File.Exists(Path.Combine(package.Path, "handler.py")));
        Assert.Contains("torchvision", installer.Requirements);
        Assert.Contains("torch\n", installer.Requirements);
    }

    [Fact]
    public void Catalog_reads_suite_b_configs()
    {
        var catalog = BenchmarkCatalog.Load(new[] { TestPaths.Benchmarks });
        Assert.Empty(catalog.Errors);
        Assert.Contains("storage", catalog.Get("020.network-benchmark").Modules);
        Assert.Contains("storage", catalog.Get("030.clock-synchronization").Modules);
        Assert.False(File.Exists(Path.Combine(catalog.Get("030.clock-synchronization").Path, "init.sh")));
        Assert.Equal(2048, catalog.Get("504.dna-visualisation").MemoryMB);
        foreach (var name in new[] { "501.graph-pagerank", "502.graph-mst", "503.graph-bfs" })
        {
            var b = catalog.Get(name);
            Assert.Equal(InputGeneratorKind.Declarative, b.InputGenerator);
            Assert.Equal(new[] { "python" }, b.Languages);
            Assert.False(string.IsNullOrEmpty(b.Description));
        }
    }
}
