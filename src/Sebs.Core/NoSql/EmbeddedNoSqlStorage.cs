using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Sebs.Core.Caching;
using Sebs.Core.Platforms;

namespace Sebs.Core.NoSql;

/// <summary>
/// The embedded NoSQL store the function shims read with SEBS_NOSQL_DIR: one file per table, <c>&lt;dir&gt;/&lt;table&gt;.json</c>,
/// holding <c>{pk: {sk: item}}</c> where pk and sk are the key values as Python's <c>json.dumps</c> writes them
/// (a string value "a" is the key <c>"\"a\""</c>). Writers take an exclusive flock on <c>&lt;dir&gt;/&lt;table&gt;.lock</c>
/// (as nosql.py does) and replace the file atomically.
/// </summary>
public sealed partial class EmbeddedNoSqlStorage : NoSqlStorageBase
{
    public EmbeddedNoSqlStorage(string root, string resourceId, SebsCache? cache = null, PlatformName platform = default)
        : base(resourceId, cache, platform)
    {
        Root = Path.GetFullPath(root);
        Directory.CreateDirectory(Root);
    }

    public string Root { get; }
    public override string Type => "embedded";
    /// <summary>How long a writer waits for the table lock.</summary>
    public TimeSpan LockTimeout { get; init; } = TimeSpan.FromSeconds(30);

    [GeneratedRegex("^[A-Za-z0-9_.-]+$")]
    private static partial Regex ValidName();

    private (string Data, string Lock) PathsOf(string table)
    {
        if (!ValidName().IsMatch(table) || table is "." or "..")
            throw new SebsException(SebsErrorIds.StorageError, SebsErrorKind.InvalidArgument, $"Invalid NoSQL table name '{table}'.", target: table);
        var b = Path.Combine(Root, table);
        return (b + ".json", b + ".lock");
    }

    /// <summary>Python's <c>json.dumps(value, sort_keys=True)</c> for a key value (string, integer, boolean or null).</summary>
    public static string KeyOf(JsonNode? value)
    {
        if (value is null) return "null";
        if (value is JsonValue)
        {
            using var doc = JsonDocument.Parse(value.ToJsonString());
            var e = doc.RootElement;
            switch (e.ValueKind)
            {
                case JsonValueKind.String: return PyString(e.GetString()!);
                case JsonValueKind.True: return "true";
                case JsonValueKind.False: return "false";
                case JsonValueKind.Number when e.TryGetInt64(out var n): return n.ToString(CultureInfo.InvariantCulture);
            }
        }
        throw new SebsException(SebsErrorIds.StorageError, SebsErrorKind.InvalidArgument,
            $"NoSQL key values must be strings or integers, not {value.ToJsonString()}.");
    }

    /// <summary>A string as Python's json.dumps writes it (ensure_ascii: non-ASCII as \uXXXX, surrogate pairs split).</summary>
    public static string PyString(string s)
    {
        var sb = new StringBuilder(s.Length + 2).Append('"');
        foreach (var c in s)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                default:
                    if (c < 0x20 || c > 0x7e) sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    else sb.Append(c);
                    break;
            }
        }
        return sb.Append('"').ToString();
    }

    /// <summary>Runs <paramref name="action"/> holding an exclusive flock on the table's lock file.</summary>
    private async Task<T> WithLockAsync<T>(string lockPath, Func<T> action, CancellationToken ct)
    {
        // .NET takes flock(LOCK_EX | LOCK_NB) when a file is opened with FileShare.None on Unix: the same lock nosql.py takes.
        var held = await Http.OperationPoller.PollAsync(_ =>
        {
            try { return Task.FromResult(Http.PollStep<FileStream>.Finished(new FileStream(lockPath, FileMode.Append, FileAccess.Write, FileShare.None))); }
            catch (IOException) { return Task.FromResult(Http.PollStep<FileStream>.Running("held by another writer")); }
        }, new Http.PollOptions(TimeSpan.FromMilliseconds(10), LockTimeout, $"Waiting for the lock on {lockPath}"), ct).ConfigureAwait(false);
        using (held) return action();
    }

    public override Task CreateTableAsync(string name, string primaryKey, string? secondaryKey, CancellationToken ct)
    {
        var (data, lockPath) = PathsOf(name);
        _keys[name] = (primaryKey, secondaryKey);
        return WithLockAsync(lockPath, () =>
        {
            if (!File.Exists(data)) Write(data, new JsonObject());
            return 0;
        }, ct);
    }

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, (string Pk, string? Sk)> _keys = new();

    /// <summary>Upserts an item keyed by the attributes given when the table was created.</summary>
    public override Task InsertAsync(string name, JsonObject item, CancellationToken ct)
    {
        if (!_keys.TryGetValue(name, out var keys))
            throw new SebsException(SebsErrorIds.StorageError, SebsErrorKind.InvalidOperation,
                $"NoSQL table {name} was not created through this store; its keys are unknown.", target: name);
        return InsertAsync(name, item, keys.Pk, keys.Sk, ct);
    }

    /// <summary>Upserts an item keyed by the named attributes.</summary>
    public Task InsertAsync(string name, JsonObject item, string primaryKey, string? secondaryKey, CancellationToken ct)
    {
        var (data, lockPath) = PathsOf(name);
        var pk = KeyOf(item[primaryKey] ?? throw Missing(primaryKey));
        // Hash-only tables: the shim always passes a secondary key, so a missing one is stored under null.
        var sk = secondaryKey is null ? "null" : KeyOf(item[secondaryKey] ?? throw Missing(secondaryKey));
        return WithLockAsync(lockPath, () =>
        {
            var content = Read(data);
            var part = content[pk] as JsonObject ?? (JsonObject)(content[pk] = new JsonObject());
            part[sk] = item.DeepClone();
            Write(data, content);
            return 0;
        }, ct);

        Exception Missing(string k) => new SebsException(SebsErrorIds.StorageError, SebsErrorKind.InvalidArgument,
            $"The item for table {name} lacks its key attribute '{k}'.", target: name);
    }

    /// <summary>The table's content (<c>{pk: {sk: item}}</c>), empty when the file does not exist.</summary>
    public JsonObject ReadTable(string name) => Read(PathsOf(name).Data);

    private static JsonObject Read(string path) =>
        File.Exists(path) ? JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? new JsonObject() : new JsonObject();

    private static void Write(string path, JsonObject content)
    {
        var tmp = $"{path}.{Guid.NewGuid().ToString("N")[..8]}.tmp";
        File.WriteAllText(tmp, content.ToJsonString());
        File.Move(tmp, path, overwrite: true);
    }

    protected override IReadOnlyDictionary<string, string> BackendEnvironment() =>
        new Dictionary<string, string> { ["SEBS_NOSQL_DIR"] = Root };
}
