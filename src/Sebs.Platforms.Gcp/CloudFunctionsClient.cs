using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Sebs.Core;
using Sebs.Core.Diagnostics;
using Sebs.Core.Http;

namespace Sebs.Platforms.Gcp;

/// <summary>What a Cloud Run function (v2 API) is made of, as Sebs deploys it (facts B1).</summary>
public sealed record GcpFunctionSpec(string Runtime, string EntryPoint, int MemoryMB, string Cpu, int TimeoutSeconds, int Concurrency,
    int MinInstances, int MaxInstances, IReadOnlyDictionary<string, string> Environment);

/// <summary>
/// The Cloud Functions v2 REST API (facts B1): generateUploadUrl, the upload to the signed URL, create / patch with
/// updateMask / get / delete, each change a long-running operation polled until done, then the function until it is
/// ACTIVE with a URI. Every wait has a deadline (SeBS's loop could spin for ever, its issue #156).
/// </summary>
public sealed class CloudFunctionsClient(GoogleApi api, GoogleApi upload, GcpSettings settings, string project, ISebsLog log)
{
    public string Parent => $"projects/{project}/locations/{settings.Region}";
    public string FullName(string functionId) => $"{Parent}/functions/{functionId}";

    /// <summary>Uploads a zip: generateUploadUrl (GEN_2), then PUT to the signed URL with content-type application/zip and no Authorization.</summary>
    public async Task<JsonObject> UploadSourceAsync(byte[] zip, CancellationToken ct)
    {
        var answer = await api.JsonAsync(HttpMethod.Post, $"v2/{Parent}/functions:generateUploadUrl", new JsonObject { ["environment"] = "GEN_2" },
            "generateUploadUrl", ct).ConfigureAwait(false);
        var url = answer!["uploadUrl"]?.GetValue<string>() ?? throw Unexpected("generateUploadUrl", "no uploadUrl");
        var source = answer["storageSource"] as JsonObject ?? throw Unexpected("generateUploadUrl", "no storageSource");
        log.Verbose($"Cloud Functions: uploading {zip.Length / 1024.0:0.#} KiB of source.");
        await upload.SendRawAsync(() => new HttpRequestMessage(HttpMethod.Put, url)
        {
            Content = new ByteArrayContent(zip) { Headers = { ContentType = new MediaTypeHeaderValue("application/zip") } },
        }, "upload source", ct).ConfigureAwait(false);
        return (JsonObject)source.DeepClone();
    }

    public Task<JsonObject?> GetAsync(string functionId, CancellationToken ct) =>
        api.JsonAsync(HttpMethod.Get, $"v2/{FullName(functionId)}", null, "get function", ct, notFoundIsNull: true);

    /// <summary>Creates the function from uploaded source and waits until it serves.</summary>
    public async Task<JsonObject> CreateAsync(string functionId, JsonObject storageSource, GcpFunctionSpec spec, CancellationToken ct)
    {
        var body = new JsonObject
        {
            ["name"] = FullName(functionId),
            ["environment"] = "GEN_2",
            ["buildConfig"] = BuildConfig(spec, storageSource),
            ["serviceConfig"] = ServiceConfig(spec),
        };
        var op = await api.JsonAsync(HttpMethod.Post, $"v2/{Parent}/functions?functionId={Uri.EscapeDataString(functionId)}", body, "create function", ct).ConfigureAwait(false);
        await WaitOperationAsync(op!, $"creating {functionId}", ct).ConfigureAwait(false);
        return await WaitActiveAsync(functionId, ct).ConfigureAwait(false);
    }

    /// <summary>New code (and the service configuration that goes with it): one PATCH with the fields SeBS updates.</summary>
    public Task<JsonObject> UpdateCodeAsync(string functionId, JsonObject storageSource, GcpFunctionSpec spec, CancellationToken ct) =>
        PatchAsync(functionId, new JsonObject { ["buildConfig"] = BuildConfig(spec, storageSource), ["serviceConfig"] = ServiceConfig(spec) },
            "buildConfig.runtime,buildConfig.entryPoint,buildConfig.source.storageSource," + ServiceMask, $"updating the code of {functionId}", ct);

    /// <summary>Memory, CPU, timeout, concurrency, instances and environment: only those fields are in the mask.</summary>
    public Task<JsonObject> UpdateServiceAsync(string functionId, GcpFunctionSpec spec, CancellationToken ct) =>
        PatchAsync(functionId, new JsonObject { ["serviceConfig"] = ServiceConfig(spec) }, ServiceMask, $"updating {functionId}", ct);

    /// <summary>Only the environment (cold starts): the rest of the service configuration is left as it is.</summary>
    public Task<JsonObject> UpdateEnvironmentAsync(string functionId, IReadOnlyDictionary<string, string> environment, CancellationToken ct) =>
        PatchAsync(functionId, new JsonObject { ["serviceConfig"] = new JsonObject { ["environmentVariables"] = Env(environment) } },
            "serviceConfig.environmentVariables", $"changing the environment of {functionId}", ct);

    /// <summary>
    /// Whether the function already has every service field a PATCH with this spec would set: then the PATCH would
    /// change nothing and Cloud Run would make no revision to wait for. Google's JSON leaves out fields at their
    /// default (0, false, ""), so a missing field matches a default value; any other difference counts as a change.
    /// </summary>
    public static bool HasServiceConfig(JsonObject function, GcpFunctionSpec spec)
    {
        var have = function["serviceConfig"] as JsonObject ?? new JsonObject();
        foreach (var (key, want) in ServiceConfig(spec))
            if (have[key] is { } value ? !JsonNode.DeepEquals(value, want) : !IsDefault(want)) return false;
        return true;
    }

    private static bool IsDefault(JsonNode? value) => value switch
    {
        null => true,
        JsonObject o => o.Count == 0,
        JsonValue v when v.TryGetValue<int>(out var i) => i == 0,
        JsonValue v when v.TryGetValue<bool>(out var b) => !b,
        JsonValue v when v.TryGetValue<string>(out var t) => t.Length == 0,
        _ => false,
    };

    private const string ServiceMask = "serviceConfig.availableMemory,serviceConfig.availableCpu,serviceConfig.timeoutSeconds," +
        "serviceConfig.maxInstanceRequestConcurrency,serviceConfig.minInstanceCount,serviceConfig.maxInstanceCount," +
        "serviceConfig.environmentVariables,serviceConfig.ingressSettings,serviceConfig.allTrafficOnLatestRevision";

    private async Task<JsonObject> PatchAsync(string functionId, JsonObject body, string mask, string what, CancellationToken ct)
    {
        var op = await api.JsonAsync(HttpMethod.Patch, $"v2/{FullName(functionId)}?updateMask={Uri.EscapeDataString(mask)}", body, "patch function", ct).ConfigureAwait(false);
        await WaitOperationAsync(op!, what, ct).ConfigureAwait(false);
        return await WaitActiveAsync(functionId, ct).ConfigureAwait(false);
    }

    public async Task DeleteAsync(string functionId, CancellationToken ct)
    {
        var r = await api.SendAsync(HttpMethod.Delete, $"v2/{FullName(functionId)}", null, "delete function", ct, throwOnError: false).ConfigureAwait(false);
        if (r.Status == HttpStatusCode.NotFound) return;
        if (!r.Ok)
        {
            var (code, message) = ControlPlaneOptions.DefaultErrorOf(r);
            throw new CloudRequestException("Cloud Functions", "delete function", r.Status, code, message);
        }
        await WaitOperationAsync(r.Json(), $"deleting {functionId}", ct).ConfigureAwait(false);
    }

    /// <summary>Functions of this project and region (paged).</summary>
    public async Task<IReadOnlyList<JsonObject>> ListAsync(CancellationToken ct)
    {
        var all = new List<JsonObject>();
        string? token = null;
        do
        {
            var page = await api.JsonAsync(HttpMethod.Get, $"v2/{Parent}/functions?pageSize=100" + (token is null ? "" : "&pageToken=" + Uri.EscapeDataString(token)),
                null, "list functions", ct).ConfigureAwait(false);
            all.AddRange((page!["functions"] as JsonArray ?? new JsonArray()).OfType<JsonObject>());
            token = page["nextPageToken"]?.GetValue<string>() is { Length: > 0 } t ? t : null;
        }
        while (token is not null);
        return all;
    }

    /// <summary>GET v2/{operation.name} until done; an error in it is the deployment's failure, with Google's message.</summary>
    public Task<JsonObject> WaitOperationAsync(JsonObject operation, string what, CancellationToken ct)
    {
        var name = operation["name"]?.GetValue<string>() ?? throw Unexpected(what, "the operation has no name");
        return OperationPoller.PollAsync(async token =>
        {
            var op = operation["done"]?.GetValue<bool>() == true ? operation
                : (await api.JsonAsync(HttpMethod.Get, $"v2/{name}", null, "get operation", token).ConfigureAwait(false))!;
            operation = new JsonObject();   // look it up from now on
            if (op["done"]?.GetValue<bool>() != true)
                return PollStep<JsonObject>.Running(op["metadata"]?["stages"] is JsonArray stages ? Stages(stages) : "running");
            if (op["error"] is JsonObject error)
                throw new SebsException(SebsErrorIds.FunctionStartFailed, SebsErrorKind.InvalidOperation,
                    $"Cloud Functions: {what} failed: {error["message"]} (code {error["code"]}).", target: what);
            return PollStep<JsonObject>.Finished(op["response"] as JsonObject ?? new JsonObject());
        }, new PollOptions(settings.PollInterval, settings.DeployTimeout, $"Cloud Functions: {what}"), ct);
    }

    /// <summary>Polls the function until ACTIVE with serviceConfig.uri; FAILED or a deadline is an error (SeBS #156).</summary>
    public Task<JsonObject> WaitActiveAsync(string functionId, CancellationToken ct) =>
        OperationPoller.PollAsync(async token =>
        {
            var f = await GetAsync(functionId, token).ConfigureAwait(false)
                ?? throw new SebsException(SebsErrorIds.FunctionNotFound, SebsErrorKind.ObjectNotFound, $"Cloud Run function {functionId} disappeared.", target: functionId);
            var state = f["state"]?.GetValue<string>() ?? "STATE_UNSPECIFIED";
            if (state is "FAILED" or "UNKNOWN")
                throw new SebsException(SebsErrorIds.FunctionStartFailed, SebsErrorKind.InvalidOperation,
                    $"Cloud Run function {functionId} is {state}: {StateMessages(f)}", target: functionId);
            return state == "ACTIVE" && f["serviceConfig"]?["uri"] is JsonValue
                ? PollStep<JsonObject>.Finished(f, state) : PollStep<JsonObject>.Running(state);
        }, new PollOptions(settings.PollInterval, settings.DeployTimeout, $"Cloud Run function {functionId} becoming ACTIVE"), ct);

    /// <summary>Runtime ids are the language and the version without dots (python312, nodejs22).</summary>
    public static string RuntimeId(string language, string version) => language + version.Replace(".", "", StringComparison.Ordinal);

    private static JsonObject BuildConfig(GcpFunctionSpec spec, JsonObject storageSource) => new()
    {
        ["runtime"] = spec.Runtime,
        ["entryPoint"] = spec.EntryPoint,
        ["source"] = new JsonObject { ["storageSource"] = storageSource.DeepClone() },
    };

    private static JsonObject ServiceConfig(GcpFunctionSpec spec) => new()
    {
        // "Mi" as SeBS; the API takes k, M, G, Mi and Gi (facts B1).
        ["availableMemory"] = $"{spec.MemoryMB}Mi",
        ["availableCpu"] = spec.Cpu,
        ["timeoutSeconds"] = spec.TimeoutSeconds,
        ["maxInstanceRequestConcurrency"] = spec.Concurrency,
        ["minInstanceCount"] = spec.MinInstances,
        ["maxInstanceCount"] = spec.MaxInstances,
        ["environmentVariables"] = Env(spec.Environment),
        ["ingressSettings"] = "ALLOW_ALL",
        ["allTrafficOnLatestRevision"] = true,
    };

    private static JsonObject Env(IReadOnlyDictionary<string, string> env)
    {
        var o = new JsonObject();
        foreach (var (k, v) in env.OrderBy(p => p.Key, StringComparer.Ordinal)) o[k] = v;
        return o;
    }

    private static string Stages(JsonArray stages) =>
        string.Join(", ", stages.OfType<JsonObject>().Select(s => $"{s["name"]}={s["state"]}"));

    private static string StateMessages(JsonObject f) =>
        f["stateMessages"] is JsonArray m && m.Count > 0
            ? string.Join("; ", m.OfType<JsonObject>().Select(x => $"{x["severity"]} {x["type"]}: {x["message"]}"))
            : "no state message";

    private static SebsException Unexpected(string operation, string what) =>
        new(SebsErrorIds.CloudRequestFailed, SebsErrorKind.InvalidData, $"Cloud Functions {operation}: unexpected answer: {what}.", target: operation);
}
