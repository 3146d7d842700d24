using System.Net;
using System.Text.Json.Nodes;
using Sebs.Core;
using Sebs.Core.Diagnostics;
using Sebs.Core.Http;

namespace Sebs.Platforms.Aws;

/// <summary>What CreateFunction needs (Lambda API 2015-03-31).</summary>
public sealed record LambdaFunctionSpec(string Name, string Runtime, string RoleArn, string Handler, int MemoryMB, int TimeoutSeconds,
    string Architecture, IReadOnlyDictionary<string, string> Environment, LambdaCode Code)
{
    /// <summary>LoggingConfig.LogFormat: Text or JSON; null leaves Lambda's default (Text).</summary>
    public string? LogFormat { get; init; }
}

/// <summary>A code package: inline zip bytes, or an object in S3.</summary>
public sealed record LambdaCode(byte[]? ZipFile, string? S3Bucket = null, string? S3Key = null, string? ImageUri = null)
{
    /// <summary>A container image in ECR (PackageType Image: no Runtime or Handler, the image's CMD names the handler).</summary>
    public bool IsImage => ImageUri is not null;

    public JsonObject ToJson() => ImageUri is not null ? new JsonObject { ["ImageUri"] = ImageUri }
        : ZipFile is not null ? new JsonObject { ["ZipFile"] = Convert.ToBase64String(ZipFile) }
        : new JsonObject { ["S3Bucket"] = S3Bucket, ["S3Key"] = S3Key };
}

/// <summary>The Lambda REST API calls SeBS makes, and the waiters it relies on (function_active_v2, function_updated_v2).</summary>
public sealed class LambdaClient(AwsApiClient api, ISebsLog log)
{
    private const string Service = "lambda";
    private static string Fn(string name) => "/2015-03-31/functions/" + Uri.EscapeDataString(name);

    public async Task<JsonObject> CreateAsync(LambdaFunctionSpec spec, CancellationToken ct)
    {
        var body = new JsonObject
        {
            ["FunctionName"] = spec.Name,
            ["Runtime"] = spec.Runtime,
            ["Role"] = spec.RoleArn,
            ["Handler"] = spec.Handler,
            ["Code"] = spec.Code.ToJson(),
            ["MemorySize"] = spec.MemoryMB,
            ["Timeout"] = spec.TimeoutSeconds,
            ["Architectures"] = new JsonArray(ArchitectureName(spec.Architecture)),
            ["PackageType"] = spec.Code.IsImage ? "Image" : "Zip",
            ["Environment"] = new JsonObject { ["Variables"] = ToJson(spec.Environment) },
        };
        if (spec.Code.IsImage) { body.Remove("Runtime"); body.Remove("Handler"); }
        if (spec.LogFormat is { } format) body["LoggingConfig"] = new JsonObject { ["LogFormat"] = format };
        // A role created moments ago is not yet assumable by Lambda ("cannot be assumed"): the pipeline retries that (AwsErrors).
        return (await api.RestAsync(Service, "CreateFunction", HttpMethod.Post, "/2015-03-31/functions", body, ct).ConfigureAwait(false)).Json();
    }

    /// <summary>GetFunction's Configuration, or null when there is no such function.</summary>
    public async Task<JsonObject?> GetConfigurationAsync(string name, CancellationToken ct)
    {
        var r = await api.RestAsync(Service, "GetFunction", HttpMethod.Get, Fn(name), null, ct, throwOnError: false).ConfigureAwait(false);
        if (r.Status == HttpStatusCode.NotFound) return null;
        if (!r.Ok) throw AwsErrors.Exception(Service, "GetFunction", r);
        return r.Json()["Configuration"] as JsonObject;
    }

    public async Task UpdateCodeAsync(string name, LambdaCode code, string architecture, CancellationToken ct)
    {
        var body = code.ToJson();
        body["Architectures"] = new JsonArray(ArchitectureName(architecture));
        // 409 while another update runs is retried by the pipeline (AwsErrors.IsTransient).
        await api.RestAsync(Service, "UpdateFunctionCode", HttpMethod.Put, Fn(name) + "/code", body, ct).ConfigureAwait(false);
        await WaitUpdatedAsync(name, ct).ConfigureAwait(false);
    }

    /// <summary>Memory, timeout and environment; the variables given are merged into the function's own (SeBS §4.4).</summary>
    public Task UpdateConfigurationAsync(string name, int? memoryMB, int? timeoutSeconds, IReadOnlyDictionary<string, string>? environment, CancellationToken ct) =>
        UpdateConfigurationCoreAsync(name, memoryMB, timeoutSeconds, environment is null ? null : _ => environment, ct);

    /// <summary>The same, with the variables to set worked out from the ones the function has now (read once, for both).</summary>
    public Task UpdateConfigurationAsync(string name, int? memoryMB, int? timeoutSeconds,
        Func<IReadOnlyDictionary<string, string>, IReadOnlyDictionary<string, string>> environmentFor, CancellationToken ct) =>
        UpdateConfigurationCoreAsync(name, memoryMB, timeoutSeconds, environmentFor, ct);

    private async Task UpdateConfigurationCoreAsync(string name, int? memoryMB, int? timeoutSeconds,
        Func<IReadOnlyDictionary<string, string>, IReadOnlyDictionary<string, string>>? environmentFor, CancellationToken ct)
    {
        var body = new JsonObject();
        if (memoryMB is { } m) body["MemorySize"] = m;
        if (timeoutSeconds is { } t) body["Timeout"] = t;
        if (environmentFor is not null)
        {
            var configuration = await GetConfigurationAsync(name, ct).ConfigureAwait(false);
            var current = new Dictionary<string, string>();
            if (configuration?["Environment"]?["Variables"] is JsonObject vars)
                foreach (var (k, v) in vars) current[k] = v?.GetValue<string>() ?? "";
            var merged = new Dictionary<string, string>(current);
            foreach (var (k, v) in environmentFor(current)) merged[k] = v;
            body["Environment"] = new JsonObject { ["Variables"] = ToJson(merged) };
        }
        await api.RestAsync(Service, "UpdateFunctionConfiguration", HttpMethod.Put, Fn(name) + "/configuration", body, ct).ConfigureAwait(false);
        await WaitUpdatedAsync(name, ct).ConfigureAwait(false);
    }

    public async Task DeleteAsync(string name, CancellationToken ct)
    {
        var r = await api.RestAsync(Service, "DeleteFunction", HttpMethod.Delete, Fn(name), null, ct, throwOnError: false).ConfigureAwait(false);
        if (!r.Ok && r.Status != HttpStatusCode.NotFound) throw AwsErrors.Exception(Service, "DeleteFunction", r);
    }

    /// <summary>Every function whose name starts with a prefix (ListFunctions, paged by Marker).</summary>
    public async Task<IReadOnlyList<JsonObject>> ListFunctionsAsync(string prefix, CancellationToken ct)
    {
        var found = new List<JsonObject>();
        string? marker = null;
        do
        {
            var query = "/2015-03-31/functions/?MaxItems=50" + (marker is null ? "" : "&Marker=" + Uri.EscapeDataString(marker));
            var page = (await api.RestAsync(Service, "ListFunctions", HttpMethod.Get, query, null, ct).ConfigureAwait(false)).Json();
            foreach (var f in page["Functions"] as JsonArray ?? new JsonArray())
                if (f is JsonObject o && o["FunctionName"]?.GetValue<string>() is { } n && n.StartsWith(prefix, StringComparison.Ordinal))
                    found.Add(o);
            marker = page["NextMarker"]?.GetValue<string>();
        }
        while (!string.IsNullOrEmpty(marker));
        return found;
    }

    private static string UrlPath(string name) => "/2021-10-31/functions/" + Uri.EscapeDataString(name) + "/url";

    /// <summary>The function's URL configuration, or null when it has none.</summary>
    public async Task<string?> GetFunctionUrlAsync(string name, CancellationToken ct)
    {
        var r = await api.RestAsync(Service, "GetFunctionUrlConfig", HttpMethod.Get, UrlPath(name), null, ct, throwOnError: false).ConfigureAwait(false);
        if (r.Status == HttpStatusCode.NotFound) return null;
        if (!r.Ok) throw AwsErrors.Exception(Service, "GetFunctionUrlConfig", r);
        return r.Json()["FunctionUrl"]?.GetValue<string>();
    }

    public async Task DeleteFunctionUrlAsync(string name, CancellationToken ct)
    {
        var r = await api.RestAsync(Service, "DeleteFunctionUrlConfig", HttpMethod.Delete, UrlPath(name), null, ct, throwOnError: false).ConfigureAwait(false);
        if (!r.Ok && r.Status != HttpStatusCode.NotFound) throw AwsErrors.Exception(Service, "DeleteFunctionUrlConfig", r);
    }

    /// <summary>
    /// Invoke: synchronous (RequestResponse) with the tail of the log, which carries the REPORT line, or asynchronous
    /// (Event: 202 and the request id; Lambda queues the event and its report reaches CloudWatch Logs later).
    /// </summary>
    public Task<ControlPlaneResponse> InvokeAsync(string name, JsonObject payload, TimeSpan timeout, CancellationToken ct, bool asynchronous = false) =>
        api.RestAsync(Service, "Invoke", HttpMethod.Post, Fn(name) + "/invocations", payload, ct,
            asynchronous ? new Dictionary<string, string> { ["X-Amz-Invocation-Type"] = "Event" }
                : new Dictionary<string, string> { ["X-Amz-Invocation-Type"] = "RequestResponse", ["X-Amz-Log-Type"] = "Tail" },
            throwOnError: false, timeout: timeout, retry: false);

    /// <summary>
    /// The function's URL: created if missing, its AuthType changed if it differs. NONE gets the public permissions;
    /// AWS_IAM needs none (callers sign with SigV4 and their identity's lambda:InvokeFunctionUrl).
    /// </summary>
    public async Task<string> EnsureFunctionUrlAsync(string name, CancellationToken ct, string authType = "NONE")
    {
        var path = "/2021-10-31/functions/" + Uri.EscapeDataString(name) + "/url";
        var existing = await api.RestAsync(Service, "GetFunctionUrlConfig", HttpMethod.Get, path, null, ct, throwOnError: false).ConfigureAwait(false);
        string url;
        if (existing.Ok)
        {
            url = existing.Json()["FunctionUrl"]!.GetValue<string>();
            if (existing.Json()["AuthType"]?.GetValue<string>() != authType)
                await api.RestAsync(Service, "UpdateFunctionUrlConfig", HttpMethod.Put, path, new JsonObject { ["AuthType"] = authType }, ct).ConfigureAwait(false);
        }
        else if (existing.Status != HttpStatusCode.NotFound) throw AwsErrors.Exception(Service, "GetFunctionUrlConfig", existing);
        else
        {
            var created = await api.RestAsync(Service, "CreateFunctionUrlConfig", HttpMethod.Post, path, new JsonObject { ["AuthType"] = authType }, ct).ConfigureAwait(false);
            url = created.Json()["FunctionUrl"]!.GetValue<string>();
        }
        if (authType == "AWS_IAM") return url;
        // Public URLs need a resource-based permission for the function URL action (SeBS's FunctionURLAllowPublicAccess),
        // and, for URLs created since October 2025, for lambda:InvokeFunction when invoked through the URL.
        await AddPermissionAsync(name, new JsonObject
        {
            ["StatementId"] = "FunctionURLAllowPublicAccess", ["Action"] = "lambda:InvokeFunctionUrl", ["Principal"] = "*", ["FunctionUrlAuthType"] = "NONE",
        }, ct).ConfigureAwait(false);
        await AddPermissionAsync(name, new JsonObject
        {
            ["StatementId"] = "FunctionURLInvokeAllowPublicAccess", ["Action"] = "lambda:InvokeFunction", ["Principal"] = "*", ["InvokedViaFunctionUrl"] = true,
        }, ct).ConfigureAwait(false);
        return url;
    }

    private async Task AddPermissionAsync(string name, JsonObject statement, CancellationToken ct)
    {
        // A 409 while the function updates is retried by the pipeline; a 409 "already exists" means done.
        var r = await api.RestAsync(Service, "AddPermission", HttpMethod.Post, Fn(name) + "/policy", statement, ct, throwOnError: false).ConfigureAwait(false);
        if (r.Ok) return;
        var (code, message) = AwsErrors.ErrorOf(r);
        if (r.Status == HttpStatusCode.Conflict && message.Contains("already exists", StringComparison.OrdinalIgnoreCase)) return;
        // An endpoint that does not know InvokedViaFunctionUrl (an older emulator) cannot need it.
        if (statement.ContainsKey("InvokedViaFunctionUrl") && code is "InvalidParameterValueException" or "ValidationException" or "SerializationException")
        {
            log.Warning($"Lambda: {name}: the endpoint refused the lambda:InvokeFunction statement for its Function URL ({code}: {message}); " +
                "on AWS, URLs created since October 2025 answer 403 without it.");
            return;
        }
        throw AwsErrors.Exception(Service, "AddPermission", r);
    }

    /// <summary>Waits until State is Active (function_active_v2).</summary>
    public Task WaitActiveAsync(string name, CancellationToken ct) =>
        WaitAsync(name, c => c["State"]?.GetValue<string>() switch
        {
            "Active" => true,
            "Failed" => throw new SebsException(SebsErrorIds.FunctionStartFailed, SebsErrorKind.InvalidOperation,
                $"Lambda function {name} failed to become active: {c["StateReason"]} ({c["StateReasonCode"]}).", target: name),
            _ => false,
        }, "Active", ct);

    /// <summary>Waits until LastUpdateStatus is Successful (function_updated_v2).</summary>
    public Task WaitUpdatedAsync(string name, CancellationToken ct) =>
        WaitAsync(name, c => c["LastUpdateStatus"]?.GetValue<string>() switch
        {
            null or "Successful" => true,
            "Failed" => throw new SebsException(SebsErrorIds.FunctionStartFailed, SebsErrorKind.InvalidOperation,
                $"The update of Lambda function {name} failed: {c["LastUpdateStatusReason"]} ({c["LastUpdateStatusReasonCode"]}).", target: name),
            _ => false,
        }, "updated", ct);

    /// <summary>GetFunction until the waiter's condition holds (botocore's waiters poll GetFunctionConfiguration the same way).</summary>
    private Task WaitAsync(string name, Func<JsonObject, bool> done, string what, CancellationToken ct) =>
        OperationPoller.PollAsync(async token =>
        {
            var config = await GetConfigurationAsync(name, token).ConfigureAwait(false)
                ?? throw new SebsException(SebsErrorIds.FunctionNotFound, SebsErrorKind.ObjectNotFound, $"Lambda function {name} disappeared.", target: name);
            return done(config) ? PollStep<bool>.Finished(true)
                : PollStep<bool>.Running($"state {config["State"]}, update {config["LastUpdateStatus"]}");
        }, new PollOptions(api.Settings.PollInterval, api.Settings.StateTimeout, $"Lambda function {name} becoming {what}"), ct);

    public static string ArchitectureName(string architecture) => architecture == "arm64" ? "arm64" : "x86_64";

    /// <summary>Lambda runtime identifiers: python3.11, nodejs20.x.</summary>
    public static string RuntimeName(string language, string version) =>
        language == "nodejs" ? $"nodejs{version.Split('.')[0]}.x" : $"python{version}";

    private static JsonObject ToJson(IReadOnlyDictionary<string, string> env)
    {
        var o = new JsonObject();
        foreach (var (k, v) in env.OrderBy(p => p.Key, StringComparer.Ordinal)) o[k] = v;
        return o;
    }
}
