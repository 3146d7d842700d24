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
    public void A_corrupt_index_is_reported_with_its_path()
    {
        var cache = new SebsCache(TestPaths.NewTempDir());
        Directory.CreateDirectory(Path.Combine(cache.Root, "010.sleep"));
        File.WriteAllText(Path.Combine(cache.Root, "010.sleep", "config.json"), "{ not json");
        var ex = Assert.Throws<SebsException>(() => cache.ReadIndex("010.sleep"));
        Assert.Equal(SebsErrorIds.CacheCorrupt, ex.ErrorId);
        Assert.Contains("010.sleep", ex.Message);
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
