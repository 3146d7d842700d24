using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Sebs.Core;
using Sebs.Core.Benchmarks;
using Sebs.Core.Caching;
using Sebs.Core.Http;
using Sebs.Core.NoSql;
using Sebs.Core.Platforms;

namespace Sebs.Platforms.Gcp;

/// <summary>
/// NoSQL tables on Firestore in Datastore mode, as SeBS (sebs/gcp/datastore.py): one database per benchmark, created
/// through the Firestore Admin API (SeBS shells out to gcloud); a table is a kind; an item's key is
/// <c>(primary-key-name, primary value) / (kind, secondary value)</c>, so a query by primary key is an ancestor query.
/// Functions get NOSQL_STORAGE_DATABASE and NOSQL_STORAGE_TABLE_&lt;table&gt; (the kind).
/// </summary>
public sealed partial class DatastoreNoSqlStorage : NoSqlStorageBase
{
    private readonly GoogleApi _firestore;
    private readonly GoogleApi _datastore;
    private readonly string _project;
    private readonly GcpSettings _settings;
    private readonly ConcurrentDictionary<string, (string PrimaryKey, string? SecondaryKey)> _keys = new();
    private readonly ConcurrentDictionary<string, Task> _databases = new();

    public DatastoreNoSqlStorage(GoogleApi firestore, GoogleApi datastore, string project, GcpSettings settings, string resourceId, SebsCache cache, PlatformName platform)
        : base(resourceId, cache, platform)
    {
        _firestore = firestore;
        _datastore = datastore;
        _project = project;
        _settings = settings;
    }

    public override string Type => "datastore";

    /// <summary>
    /// The benchmark's database: SeBS names it sebs-benchmarks-{rid}-{benchmark}, which Firestore refuses (ids are
    /// lowercase letters, digits and hyphens); here the benchmark's number stands for it: sebs-benchmarks-{rid}-130.
    /// </summary>
    public string DatabaseFor(string benchmark) => $"sebs-benchmarks-{ResourceId}-{benchmark.Split('.')[0]}".ToLowerInvariant();

    /// <summary>The database of a physical table name (sebs-benchmarks-{rid}-{NNN}.{name}-{table}).</summary>
    private string DatabaseOfTable(string table)
    {
        var m = BenchmarkNumber().Match(table[$"sebs-benchmarks-{ResourceId}-".Length..]);
        return m.Success ? DatabaseFor(m.Groups[1].Value) : throw new SebsException(SebsErrorIds.InvalidConfig, SebsErrorKind.InvalidArgument,
            $"Datastore: the table {table} names no benchmark.", target: table);
    }

    public override async Task CreateTableAsync(string name, string primaryKey, string? secondaryKey, CancellationToken ct)
    {
        // Kinds are schemaless and appear with their first entity; what must exist is the database (SeBS create_table).
        if (secondaryKey is null)
            throw new SebsException(SebsErrorIds.InvalidBenchmarkConfig, SebsErrorKind.InvalidData,
                $"Datastore tables need a secondary key (SeBS: it names the entity; the primary key is its parent); {name} has none.", target: name);
        _keys[name] = (primaryKey, secondaryKey);
        var database = DatabaseOfTable(name);
        await _databases.GetOrAdd(database, d => EnsureDatabaseAsync(d, ct)).ConfigureAwait(false);
    }

    private async Task EnsureDatabaseAsync(string database, CancellationToken ct)
    {
        var path = $"v1/projects/{_project}/databases/{database}";
        if (await _firestore.JsonAsync(HttpMethod.Get, path, null, "get database", ct, notFoundIsNull: true).ConfigureAwait(false) is { } existing)
        {
            if (existing["type"]?.GetValue<string>() is { } type && type != "DATASTORE_MODE")
                throw new SebsException(SebsErrorIds.StorageError, SebsErrorKind.InvalidOperation,
                    $"Firestore database {database} exists in {type}, not in Datastore mode.", target: database);
            return;
        }
        var op = await _firestore.JsonAsync(HttpMethod.Post, $"v1/projects/{_project}/databases?databaseId={database}",
            new JsonObject { ["type"] = "DATASTORE_MODE", ["locationId"] = _settings.Region }, "create database", ct).ConfigureAwait(false);
        var name = op!["name"]?.GetValue<string>();
        await OperationPoller.PollAsync(async token =>
        {
            var o = name is null ? op : (await _firestore.JsonAsync(HttpMethod.Get, $"v1/{name}", null, "get operation", token).ConfigureAwait(false))!;
            if (o["done"]?.GetValue<bool>() != true) return PollStep<bool>.Running("creating");
            if (o["error"] is JsonObject e)
                throw new SebsException(SebsErrorIds.StorageError, SebsErrorKind.InvalidOperation, $"Firestore: creating database {database} failed: {e["message"]}", target: database);
            return PollStep<bool>.Finished(true);
        }, new PollOptions(_settings.PollInterval, _settings.DeployTimeout, $"Firestore database {database}"), ct).ConfigureAwait(false);
    }

    public override async Task InsertAsync(string name, JsonObject item, CancellationToken ct)
    {
        if (!_keys.TryGetValue(name, out var keys))
            throw new SebsException(SebsErrorIds.StorageError, SebsErrorKind.InvalidOperation, $"Datastore: the table {name} was not created in this session.", target: name);
        var database = DatabaseOfTable(name);
        string KeyValue(string attribute) => item[attribute]?.ToString() ?? throw new SebsException(SebsErrorIds.InputGenerationFailed, SebsErrorKind.InvalidData,
            $"Datastore: an item of {name} has no key attribute '{attribute}'.", target: name);
        var key = new JsonObject
        {
            ["partitionId"] = new JsonObject { ["projectId"] = _project, ["databaseId"] = database },
            ["path"] = new JsonArray(
                new JsonObject { ["kind"] = keys.PrimaryKey, ["name"] = KeyValue(keys.PrimaryKey) },
                new JsonObject { ["kind"] = name, ["name"] = KeyValue(keys.SecondaryKey!) }),
        };
        var properties = new JsonObject();
        foreach (var (k, v) in item) properties[k] = DatastoreValue(v);
        var body = new JsonObject
        {
            ["databaseId"] = database,
            ["mode"] = "NON_TRANSACTIONAL",
            ["mutations"] = new JsonArray(new JsonObject { ["upsert"] = new JsonObject { ["key"] = key, ["properties"] = properties } }),
        };
        await _datastore.JsonAsync(HttpMethod.Post, $"v1/projects/{_project}:commit", body, "commit", ct,
            headers: new Dictionary<string, string> { ["x-goog-request-params"] = $"project_id={_project}&database_id={database}" }).ConfigureAwait(false);
    }

    /// <summary>JSON → a Datastore Value (integers as strings, as the JSON mapping of int64 says).</summary>
    public static JsonObject DatastoreValue(JsonNode? v) => v switch
    {
        null => new JsonObject { ["nullValue"] = null },
        JsonObject o => new JsonObject { ["entityValue"] = new JsonObject { ["properties"] = new JsonObject(o.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)DatastoreValue(kv.Value)))) } },
        JsonArray a => new JsonObject { ["arrayValue"] = new JsonObject { ["values"] = new JsonArray(a.Select(x => (JsonNode?)DatastoreValue(x)).ToArray()) } },
        JsonValue b when b.TryGetValue<bool>(out var flag) => new JsonObject { ["booleanValue"] = flag },
        JsonValue s when s.TryGetValue<string>(out var text) => new JsonObject { ["stringValue"] = text },
        JsonValue i when i.TryGetValue<long>(out var n) => new JsonObject { ["integerValue"] = n.ToString(System.Globalization.CultureInfo.InvariantCulture) },
        JsonValue d => new JsonObject { ["doubleValue"] = d.GetValue<double>() },
        _ => new JsonObject { ["nullValue"] = null },
    };

    protected override IReadOnlyDictionary<string, string> BackendEnvironment() => new Dictionary<string, string>();

    /// <summary>The tables' variables plus SeBS's NOSQL_STORAGE_DATABASE.</summary>
    public IReadOnlyDictionary<string, string> FunctionEnvironment(Benchmark benchmark) =>
        new Dictionary<string, string>(EnvironmentFor(benchmark)) { ["NOSQL_STORAGE_DATABASE"] = DatabaseFor(benchmark.Name) };

    /// <summary>Databases of this resource id (clean-up).</summary>
    public async Task<IReadOnlyList<string>> ListDatabasesAsync(CancellationToken ct)
    {
        var answer = await _firestore.JsonAsync(HttpMethod.Get, $"v1/projects/{_project}/databases", null, "list databases", ct).ConfigureAwait(false);
        return (answer?["databases"] as JsonArray ?? new JsonArray()).OfType<JsonObject>()
            .Select(d => d["name"]?.GetValue<string>() ?? "").Select(n => n[(n.LastIndexOf('/') + 1)..])
            .Where(n => n.StartsWith($"sebs-benchmarks-{ResourceId}-", StringComparison.Ordinal)).ToList();
    }

    public async Task DeleteDatabaseAsync(string database, CancellationToken ct)
    {
        var r = await _firestore.SendAsync(HttpMethod.Delete, $"v1/projects/{_project}/databases/{database}", null, "delete database", ct, throwOnError: false).ConfigureAwait(false);
        if (!r.Ok && r.Status != System.Net.HttpStatusCode.NotFound)
        {
            var (code, message) = ControlPlaneOptions.DefaultErrorOf(r);
            throw new CloudRequestException("Firestore", "delete database", r.Status, code, message);
        }
        _databases.TryRemove(database, out _);
    }

    [GeneratedRegex(@"^(\d{3})\.")]
    private static partial Regex BenchmarkNumber();
}
