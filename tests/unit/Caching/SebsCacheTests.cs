using System.Text.Json.Nodes;
using Sebs.Core;
using Sebs.Core.Caching;
using Sebs.Core.Platforms;
using Xunit;

namespace Sebs.Tests.Caching;

public class SebsCacheTests
{
    [Fact]
    public void Code_packages_are_keyed_as_sebs_keys_them()
    {
        var cache = new SebsCache(TestPaths.NewTempDir());
        var key = new CodePackageKey("110.dynamic-html", TestPlatforms.Local, "python", "3.11");
        var dir = cache.CodePackageDirectory(key);
        Directory.CreateDirectory(dir);
        var now = DateTime.Now;
        cache.SetCodePackage(key, new CodePackageEntry("abc123", dir, 42, now, now));

        var index = JsonNode.Parse(File.ReadAllText(Path.Combine(cache.Root, "110.dynamic-html", "config.json")))!;
        var entry = index["local"]!["python"]!["code_package"]!["default"]!["3.11"]!["x64"]!;
        Assert.Equal("abc123", entry["hash"]!.GetValue<string>());
        Assert.Equal(42, entry["size"]!.GetValue<long>());
        Assert.False(Path.IsPathRooted(entry["location"]!.GetValue<string>()));
        Assert.Equal("abc123", cache.GetCodePackage(key)!.Hash);
        Assert.Single(cache.Entries(), e => e.Kind == "CodePackage");
    }

    [Fact]
    public void A_package_another_process_built_with_the_same_hash_stays_in_place()
    {
        // Four processes on one fresh cache each build the package; a sandbox may already run in the first one installed.
        var cache = new SebsCache(TestPaths.NewTempDir());
        var key = new CodePackageKey("010.sleep", TestPlatforms.Local, "python", "3.11");
        string Staging(string marker)
        {
            var dir = cache.CodePackageDirectory(key) + ".build-" + marker;
            Directory.CreateDirectory(dir);
            File.WriteAllText(Path.Combine(dir, "built-by"), marker);
            return dir;
        }
        var final = cache.CodePackageDirectory(key);

        var first = cache.InstallCodePackage(key, Staging("first"), "h1", 10, replaceSameHash: false);
        Assert.Equal(final, first.Location);
        var second = Staging("second");
        var kept = cache.InstallCodePackage(key, second, "h1", 20, replaceSameHash: false);
        Assert.Equal("first", File.ReadAllText(Path.Combine(final, "built-by")));
        Assert.True(Directory.Exists(second), "the second build is left to its builder");
        Assert.Equal(10, kept.SizeBytes);

        cache.InstallCodePackage(key, Staging("forced"), "h1", 30, replaceSameHash: true);
        Assert.Equal("forced", File.ReadAllText(Path.Combine(final, "built-by")));
        cache.InstallCodePackage(key, Staging("changed"), "h2", 40, replaceSameHash: false);
        Assert.Equal("changed", File.ReadAllText(Path.Combine(final, "built-by")));
        Assert.Equal("h2", cache.GetCodePackage(key)!.Hash);
        Assert.Equal(40, cache.GetCodePackage(key)!.SizeBytes);
    }

    [Fact]
    public void Functions_are_stored_without_secrets_and_can_be_removed()
    {
        var cache = new SebsCache(TestPaths.NewTempDir());
        cache.SetFunction("010.sleep", TestPlatforms.Local, "python", "f1",
            new JsonObject { ["name"] = "f1", ["hash"] = "h", ["connection_string"] = "AccountKey=secret" });
        var f = cache.GetFunction("010.sleep", TestPlatforms.Local, "python", "f1")!;
        Assert.Equal("[REDACTED]", f["connection_string"]!.GetValue<string>());
        Assert.True(cache.RemoveFunction("010.sleep", TestPlatforms.Local, "python", "f1"));
        Assert.Null(cache.GetFunction("010.sleep", TestPlatforms.Local, "python", "f1"));
    }

    [Fact]
    public void Recording_a_function_as_it_is_already_recorded_leaves_the_file_alone()
    {
        // Every Invoke-SebsBenchmark records the function it reused; an unchanged record must not cost a synced rewrite.
        var cache = new SebsCache(TestPaths.NewTempDir());
        JsonObject Function(string url) => new() { ["name"] = "f1", ["url"] = url, ["connection_string"] = "AccountKey=secret" };
        cache.SetFunction("010.sleep", TestPlatforms.Local, "python", "f1", Function("http://127.0.0.1:1/"));
        var path = Path.Combine(cache.Root, "010.sleep", "config.json");
        var past = new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(path, past);

        cache.SetFunction("010.sleep", TestPlatforms.Local, "python", "f1", Function("http://127.0.0.1:1/"));
        Assert.Equal(past, File.GetLastWriteTimeUtc(path));

        cache.SetFunction("010.sleep", TestPlatforms.Local, "python", "f1", Function("http://127.0.0.1:2/"));
        Assert.NotEqual(past, File.GetLastWriteTimeUtc(path));
        Assert.Equal("http://127.0.0.1:2/", cache.GetFunction("010.sleep", TestPlatforms.Local, "python", "f1")!["url"]!.GetValue<string>());
    }

    [Fact]
    public void Concurrent_writers_lose_no_update()
    {
        var root = TestPaths.NewTempDir();
        // Separate instances, as two processes would have; the lock is a file, not a monitor.
        Parallel.For(0, 4, w =>
        {
            var cache = new SebsCache(root);
            for (var i = 0; i < 25; i++)
                cache.SetFunction("010.sleep", TestPlatforms.Local, "python", $"w{w}-{i}", new JsonObject { ["name"] = $"w{w}-{i}" });
        });
        Assert.Equal(100, new SebsCache(root).GetFunctions("010.sleep", TestPlatforms.Local).Count);
    }

    [Fact]
    public void A_corrupt_index_is_quarantined_and_reported_and_the_rest_keeps_working()
    {
        var cache = new SebsCache(TestPaths.NewTempDir());
        cache.SetFunction("110.dynamic-html", new PlatformName("Local"), "python", "f", new System.Text.Json.Nodes.JsonObject { ["name"] = "f" });
        Directory.CreateDirectory(Path.Combine(cache.Root, "010.sleep"));
        File.WriteAllText(Path.Combine(cache.Root, "010.sleep", "config.json"), "{ \"python\": { \"functions\": ");
        Assert.Empty(cache.ReadIndex("010.sleep"));
        var reported = Assert.Single(cache.Quarantined);
        Assert.Equal(SebsErrorIds.CacheCorrupt, reported.ErrorId);
        Assert.Contains("010.sleep", reported.Message);
        Assert.Single(Directory.GetFiles(Path.Combine(cache.Root, "010.sleep"), "config.json.corrupt-*"));
        // The other benchmark is untouched, and the quarantined one can be written again.
        Assert.Single(cache.GetFunctions("110.dynamic-html", new PlatformName("Local")));
        cache.SetFunction("010.sleep", new PlatformName("Local"), "python", "g", new System.Text.Json.Nodes.JsonObject { ["name"] = "g" });
        Assert.NotNull(cache.GetFunction("010.sleep", new PlatformName("Local"), "python", "g"));
    }

    [Theory]
    [InlineData("../outside")]
    [InlineData("a/b")]
    [InlineData("..")]
    public void Benchmark_names_never_leave_the_cache_folder(string name)
    {
        var cache = new SebsCache(TestPaths.NewTempDir());
        var ex = Assert.Throws<SebsException>(() => cache.ReadIndex(name));
        Assert.Equal(SebsErrorIds.InvalidName, ex.ErrorId);
    }

    [Fact]
    public void Cache_files_are_private_to_the_owner()
    {
        if (OperatingSystem.IsWindows()) return;
        var cache = new SebsCache(TestPaths.NewTempDir());
        cache.SetFunction("010.sleep", TestPlatforms.Local, "python", "f", new JsonObject());
        var mode = File.GetUnixFileMode(Path.Combine(cache.Root, "010.sleep", "config.json"));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, mode);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(cache.Root));
    }
}
