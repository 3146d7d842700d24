using Sebs.Core;
using Sebs.Core.Benchmarks;
using Xunit;

namespace Sebs.Tests.Benchmarks;

public class BenchmarkCatalogTests
{
    [Fact]
    public void Loads_the_seed_benchmarks_with_their_config()
    {
        var catalog = BenchmarkCatalog.Load(new[] { TestPaths.Benchmarks });
        var sleep = catalog.Get("010.sleep");
        Assert.Equal(120, sleep.TimeoutSeconds);
        Assert.Equal(128, sleep.MemoryMB);
        Assert.Equal(new[] { "python", "nodejs" }, sleep.Languages);
        Assert.Equal("000.microbenchmarks", sleep.Group);
        var html = catalog.Get("110.DYNAMIC-HTML");
        Assert.Equal(10, html.TimeoutSeconds);
        Assert.Empty(catalog.Errors);
    }

    [Fact]
    public void The_first_root_wins_and_the_hidden_benchmark_is_reported_as_shadowed()
    {
        var user = TestPaths.NewTempDir();
        var mine = Directory.CreateDirectory(Path.Combine(user, "000.microbenchmarks", "010.sleep")).FullName;
        File.WriteAllText(Path.Combine(mine, "config.json"), """{"timeout": 7, "memory": 256, "languages": ["python"]}""");

        var catalog = BenchmarkCatalog.Load(new[] { user, TestPaths.Benchmarks });

        Assert.Equal(7, catalog.Get("010.sleep").TimeoutSeconds);
        var shadow = Assert.Single(catalog.Shadows);
        Assert.Equal("010.sleep", shadow.Name);
        Assert.Equal(mine, shadow.Used);
        Assert.EndsWith(Path.Combine("000.microbenchmarks", "010.sleep"), shadow.Shadowed);
        Assert.Empty(BenchmarkCatalog.Load(new[] { TestPaths.Benchmarks, TestPaths.Benchmarks }).Shadows); // the same folder twice hides nothing
    }

    [Fact]
    public void A_broken_config_is_reported_and_the_rest_still_load()
    {
        var root = TestPaths.NewTempDir();
        var good = Directory.CreateDirectory(Path.Combine(root, "900.user", "901.good")).FullName;
        File.WriteAllText(Path.Combine(good, "config.json"), """{"timeout": 5, "memory": 128, "languages": ["python"]}""");
        var bad = Directory.CreateDirectory(Path.Combine(root, "900.user", "902.bad")).FullName;
        File.WriteAllText(Path.Combine(bad, "config.json"), """{"timeout": 5, "memory": 128, "languages": ["python"],,}""");
        var missing = Directory.CreateDirectory(Path.Combine(root, "900.user", "903.nomem")).FullName;
        File.WriteAllText(Path.Combine(missing, "config.json"), """{"timeout": 5, "languages": ["python"]}""");

        var catalog = BenchmarkCatalog.Load(new[] { root });

        Assert.Equal("901.good", Assert.Single(catalog.Benchmarks).Name);
        Assert.Equal(2, catalog.Errors.Count);
        var badError = catalog.Errors.Single(e => e.Name == "902.bad");
        Assert.EndsWith(Path.Combine("902.bad", "config.json"), badError.ConfigPath);
        Assert.Contains("LineNumber", badError.Reason);
        Assert.Contains("'memory'", catalog.Errors.Single(e => e.Name == "903.nomem").Reason);
        var ex = Assert.Throws<SebsException>(() => catalog.Get("902.bad"));
        Assert.Equal(SebsErrorIds.InvalidBenchmarkConfig, ex.ErrorId);
    }

    [Fact]
    public void Unknown_benchmark_lists_valid_names()
    {
        var catalog = BenchmarkCatalog.Load(new[] { TestPaths.Benchmarks });
        var ex = Assert.Throws<SebsException>(() => catalog.Get("999.nope"));
        Assert.Equal(SebsErrorIds.UnknownBenchmark, ex.ErrorId);
        Assert.Contains("010.sleep", ex.Message);
    }

    [Fact]
    public void A_benchmark_folder_given_directly_is_listed()
    {
        var catalog = BenchmarkCatalog.Load(new[] { Path.Combine(TestPaths.Benchmarks, "000.microbenchmarks", "010.sleep") });
        Assert.Equal("010.sleep", Assert.Single(catalog.Benchmarks).Name);
    }
}
