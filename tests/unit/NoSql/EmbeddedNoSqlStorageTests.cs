using System.Diagnostics;
using System.Text.Json.Nodes;
using Sebs.Core.Benchmarks;
using Sebs.Core.Caching;
using Sebs.Core.NoSql;
using Xunit;

namespace Sebs.Tests.NoSql;

/// <summary>The embedded store writes exactly what benchmarks/wrappers/local/python/nosql.py reads, and honours its flock.</summary>
public sealed class EmbeddedNoSqlStorageTests : IDisposable
{
    private readonly string _dir = TestPaths.NewTempDir();
    private static string Shims => Path.Combine(TestPaths.Benchmarks, "wrappers", "local", "python");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>Runs python3 with the shim importable; returns stdout.</summary>
    private static string Python(string script, IDictionary<string, string>? env = null, params string[] args)
    {
        var psi = new ProcessStartInfo("python3") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add($"import sys; sys.path.insert(0, {EmbeddedNoSqlStorage.PyString(Shims)})\n" + script);
        foreach (var a in args) psi.ArgumentList.Add(a);
        foreach (var (k, v) in env ?? new Dictionary<string, string>()) psi.Environment[k] = v;
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEnd();
        var stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"python3 failed: {stderr}");
        return stdout.Trim();
    }

    [Theory]
    [InlineData("game-gothic")]
    [InlineData("zażółć gęślą jaźń")]
    [InlineData("quote \" backslash \\ tab \t newline \n del \u007f")]
    [InlineData("emoji 😀 and \u0001")]
    public void Keys_are_python_json_dumps_of_the_value(string value)
    {
        var expected = Python("import json; print(json.dumps(sys.argv[1], sort_keys=True))", null, value);
        Assert.Equal(expected, EmbeddedNoSqlStorage.KeyOf(JsonValue.Create(value)));
        Assert.Equal(expected, EmbeddedNoSqlStorage.KeyOf(JsonNode.Parse(JsonValue.Create(value)!.ToJsonString())));
    }

    [Fact]
    public void Integer_keys_are_written_like_python()
    {
        Assert.Equal("42", EmbeddedNoSqlStorage.KeyOf(JsonValue.Create(42)));
        Assert.Equal("-7", EmbeddedNoSqlStorage.KeyOf(JsonNode.Parse("-7")));
        Assert.ThrowsAny<Exception>(() => EmbeddedNoSqlStorage.KeyOf(JsonNode.Parse("1.5")));
    }

    [Fact]
    public async Task Writes_the_shim_file_format_and_the_shim_reads_it_back()
    {
        var store = new EmbeddedNoSqlStorage(_dir, "local");
        await store.CreateTableAsync("cart_table", "cart_id", "product_id", default);
        Assert.Equal("{}", File.ReadAllText(Path.Combine(_dir, "cart_table.json")));
        await store.InsertAsync("cart_table", new JsonObject { ["cart_id"] = "c1", ["product_id"] = "p-ż", ["name"] = "A", ["price"] = 42, ["quantity"] = 2 }, default);
        await store.InsertAsync("cart_table", new JsonObject { ["cart_id"] = "c1", ["product_id"] = "p-ż", ["name"] = "B", ["price"] = 7, ["quantity"] = 1 }, default);
        await store.InsertAsync("cart_table", new JsonObject { ["cart_id"] = "c1", ["product_id"] = "a", ["name"] = "C", ["price"] = 1.5, ["quantity"] = 3 }, default);

        var content = JsonNode.Parse(File.ReadAllText(Path.Combine(_dir, "cart_table.json")))!.AsObject();
        var part = Assert.IsType<JsonObject>(content["\"c1\""]);
        Assert.Equal(new[] { "\"p-\\u017c\"", "\"a\"" }, part.Select(kv => kv.Key).ToArray());
        Assert.Equal("B", part["\"p-\\u017c\""]!["name"]!.GetValue<string>());   // upsert
        Assert.Empty(Directory.GetFiles(_dir, "*.tmp"));

        // The Python shim, given the physical name through NOSQL_STORAGE_TABLE_<table>, reads the same items.
        var env = new Dictionary<string, string> { ["SEBS_NOSQL_DIR"] = _dir, ["NOSQL_STORAGE_TABLE_cart"] = "cart_table" };
        var got = Python("""
            import json, nosql
            db = nosql.nosql.get_instance()
            print(json.dumps({"get": db.get("cart", ("cart_id", "c1"), ("product_id", "p-\u017c")),
                              "query": [i["product_id"] for i in db.query("cart", ("cart_id", "c1"), "product_id")]}))
            """, env);
        var answer = JsonNode.Parse(got)!;
        Assert.Equal("B", answer["get"]!["name"]!.GetValue<string>());
        Assert.Equal(7, answer["get"]!["price"]!.GetValue<int>());
        Assert.Equal(new[] { "a", "p-ż" }, answer["query"]!.AsArray().Select(x => x!.GetValue<string>()).ToArray());

        // And what the shim writes, the store reads back in the same shape.
        Python("""
            import nosql
            nosql.nosql.get_instance().insert("cart", ("cart_id", "c2"), ("product_id", "x"), {"name": "D"})
            """, env);
        Assert.Equal("D", store.ReadTable("cart_table")["\"c2\""]!["\"x\""]!["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task Waits_for_the_shims_flock()
    {
        var store = new EmbeddedNoSqlStorage(_dir, "local");
        await store.CreateTableAsync("t", "pk", "sk", default);
        var psi = new ProcessStartInfo("python3") { RedirectStandardOutput = true, RedirectStandardInput = true };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add("import fcntl, sys, time\nf = open(sys.argv[1], 'a')\nfcntl.flock(f, fcntl.LOCK_EX)\nprint('locked', flush=True)\ntime.sleep(1.5)\n");
        psi.ArgumentList.Add(Path.Combine(_dir, "t.lock"));
        using var holder = Process.Start(psi)!;
        Assert.Equal("locked", holder.StandardOutput.ReadLine());
        var clock = Stopwatch.StartNew();
        await store.InsertAsync("t", new JsonObject { ["pk"] = "a", ["sk"] = "b" }, default);
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(0.8), $"the insert did not wait for the lock ({clock.Elapsed.TotalSeconds:0.00} s)");
        holder.WaitForExit();
        Assert.NotNull(store.ReadTable("t")["\"a\""]?["\"b\""]);
    }

    [Fact]
    public async Task Names_tables_as_sebs_remembers_them_and_gives_the_function_environment()
    {
        var cache = new SebsCache(Path.Combine(_dir, "cache"));
        var store = new EmbeddedNoSqlStorage(Path.Combine(_dir, "nosql"), "local", cache);
        var benchmark = BenchmarkCatalog.Load(new[] { TestPaths.Benchmarks }).Get("130.crud-api");
        Assert.Equal("sebs-benchmarks-local-130.crud-api-shopping_cart", store.TableName("130.crud-api", "shopping_cart"));

        var env = store.EnvironmentFor(benchmark);   // declared in input.json: known before any input generation
        Assert.Equal(store.Root, env["SEBS_NOSQL_DIR"]);
        Assert.Equal("sebs-benchmarks-local-130.crud-api-shopping_cart", env["NOSQL_STORAGE_TABLE_shopping_cart"]);

        await store.CreateBenchmarkTableAsync("130.crud-api", new NoSqlTable("shopping_cart", "cart_id", "product_id"), default);
        Assert.Equal("sebs-benchmarks-local-130.crud-api-shopping_cart", store.CachedTables("130.crud-api")["shopping_cart"]);
        Assert.True(File.Exists(Path.Combine(store.Root, "sebs-benchmarks-local-130.crud-api-shopping_cart.json")));
    }

    [Fact]
    public async Task Rejects_names_the_shim_rejects_and_items_without_keys()
    {
        var store = new EmbeddedNoSqlStorage(_dir, "local");
        await Assert.ThrowsAnyAsync<Exception>(() => store.CreateTableAsync("../x", "pk", "sk", default));
        await store.CreateTableAsync("t", "pk", "sk", default);
        await Assert.ThrowsAnyAsync<Exception>(() => store.InsertAsync("t", new JsonObject { ["pk"] = "a" }, default));
        await Assert.ThrowsAnyAsync<Exception>(() => store.InsertAsync("unknown", new JsonObject { ["pk"] = "a", ["sk"] = "b" }, default));
    }
}
