using System.Text.Json.Nodes;
using Sebs.Core.Benchmarks;
using Sebs.Core.Caching;
using Sebs.Core.Platforms;

namespace Sebs.Core.NoSql;

/// <summary>
/// NoSQL tables as SeBS's NoSQLStorage provides them to benchmarks (reference §6.5): the harness creates a benchmark's
/// tables and writes its seed items; functions reach them through the NoSQL shim and <see cref="EnvironmentFor"/>.
/// Items hold both key attributes (primary = HASH, secondary = RANGE).
/// </summary>
public interface INoSqlStorage
{
    /// <summary>e.g. <c>embedded</c>, <c>dynamodb</c>, <c>scylladb</c>.</summary>
    string Type { get; }

    /// <summary>The physical name of a benchmark's table (SeBS: <c>sebs-benchmarks-&lt;rid&gt;-&lt;benchmark&gt;-&lt;table&gt;</c>).</summary>
    string TableName(string benchmark, string table);

    /// <summary>Creates the physical table if it is missing (string keys; no secondary key = hash key only).</summary>
    Task CreateTableAsync(string name, string primaryKey, string? secondaryKey, CancellationToken cancellationToken);

    /// <summary>Upserts one item into the physical table; the item must hold the key attributes.</summary>
    Task InsertAsync(string name, JsonObject item, CancellationToken cancellationToken);

    /// <summary>The variables the function-side shim needs, including <c>NOSQL_STORAGE_TABLE_&lt;table&gt;</c> per table.</summary>
    IReadOnlyDictionary<string, string> EnvironmentFor(Benchmark benchmark);
}

/// <summary>A platform that offers NoSQL storage to benchmarks.</summary>
public interface INoSqlPlatform
{
    INoSqlStorage? NoSql { get; }
}

/// <summary>A table a benchmark declares (input.json <c>nosql.tables</c>, SeBS's <c>allocate_nosql</c>).</summary>
public sealed record NoSqlTable(string Name, string PrimaryKey, string? SecondaryKey);

/// <summary>Naming, the cache record (<c>nosql.tables</c>) and the table variables, shared by every backend.</summary>
public abstract class NoSqlStorageBase : INoSqlStorage
{
    protected NoSqlStorageBase(string resourceId, SebsCache? cache, PlatformName platform)
    {
        ResourceId = resourceId;
        Cache = cache;
        Platform = platform;
    }

    public string ResourceId { get; }
    protected SebsCache? Cache { get; }
    protected PlatformName Platform { get; }
    public abstract string Type { get; }

    public string TableName(string benchmark, string table) => $"sebs-benchmarks-{ResourceId}-{benchmark}-{table}";

    public abstract Task CreateTableAsync(string name, string primaryKey, string? secondaryKey, CancellationToken cancellationToken);
    public abstract Task InsertAsync(string name, JsonObject item, CancellationToken cancellationToken);

    /// <summary>Backend variables (endpoint or folder), without the table names.</summary>
    protected abstract IReadOnlyDictionary<string, string> BackendEnvironment();

    /// <summary>Creates a benchmark's table and remembers it in the cache as SeBS's <c>nosql.tables</c>; returns the physical name.</summary>
    public async Task<string> CreateBenchmarkTableAsync(string benchmark, NoSqlTable table, CancellationToken ct)
    {
        var name = TableName(benchmark, table.Name);
        await CreateTableAsync(name, table.PrimaryKey, table.SecondaryKey, ct).ConfigureAwait(false);
        Cache?.UpdateIndex(benchmark, index =>
        {
            var p = index[Platform.ToSebsName()] as JsonObject ?? (JsonObject)(index[Platform.ToSebsName()] = new JsonObject());
            var nosql = p["nosql"] as JsonObject ?? (JsonObject)(p["nosql"] = new JsonObject());
            var tables = nosql["tables"] as JsonObject ?? (JsonObject)(nosql["tables"] = new JsonObject());
            tables[table.Name] = name;
            nosql["type"] = Type;
            return 0;
        });
        return name;
    }

    /// <summary>The tables recorded in the cache for a benchmark (logical → physical).</summary>
    public IReadOnlyDictionary<string, string> CachedTables(string benchmark)
    {
        var tables = Cache?.ReadIndex(benchmark)[Platform.ToSebsName()]?["nosql"]?["tables"] as JsonObject;
        return tables is null ? new Dictionary<string, string>()
            : tables.Where(kv => kv.Value is JsonValue).ToDictionary(kv => kv.Key, kv => kv.Value!.GetValue<string>());
    }

    /// <summary>The variables for a benchmark known only by name: the tables recorded in the cache.</summary>
    public IReadOnlyDictionary<string, string> EnvironmentFor(string benchmark)
    {
        var env = new Dictionary<string, string>(BackendEnvironment());
        foreach (var (table, physical) in CachedTables(benchmark))
            env["NOSQL_STORAGE_TABLE_" + table] = physical;
        return env;
    }

    public IReadOnlyDictionary<string, string> EnvironmentFor(Benchmark benchmark)
    {
        var env = new Dictionary<string, string>(EnvironmentFor(benchmark.Name));
        // Declared tables are known before input generation has run (the function may be deployed first).
        foreach (var t in Inputs.InputGenerator.DeclaredTables(benchmark))
            env["NOSQL_STORAGE_TABLE_" + t.Name] = TableName(benchmark.Name, t.Name);
        return env;
    }
}
