using System.Net;
using System.Text.Json.Nodes;
using Sebs.Core;
using Sebs.Core.Diagnostics;
using Sebs.Core.Http;

namespace Sebs.Platforms.Gcp;

/// <summary>
/// The Cloud Run v2 service behind a function (named in its serviceConfig.service, facts B1): the public invoker
/// binding, added by a read-modify-write of the IAM policy (setIamPolicy replaces the whole policy, facts B1; the etag
/// makes a concurrent change fail instead of being lost), and whether its newest revision serves all traffic.
/// </summary>
public sealed class CloudRunClient(GoogleApi api, GcpSettings settings, ISebsLog log)
{
    public const string InvokerRole = "roles/run.invoker";

    /// <summary>
    /// How the Cloud Run API client must be set up: ABORTED is not retried as it is (a stale etag stays stale); the
    /// policy is read again instead. 429 and 5xx are still retried by the pipeline.
    /// </summary>
    public static ControlPlaneOptions Options(ControlPlaneOptions o) => o with { IsTransient = null };

    private static string? Short(string? revision) => revision is null ? null : revision[(revision.LastIndexOf('/') + 1)..];

    /// <summary>Adds allUsers to roles/run.invoker unless it is there; other bindings are kept as they are.</summary>
    public async Task EnsurePublicInvokerAsync(string service, CancellationToken ct)
    {
        // A concurrent writer makes setIamPolicy fail with ABORTED (etag mismatch): the policy is read again, not overwritten.
        for (var attempt = 1; ; attempt++)
        {
            var policy = await api.JsonAsync(HttpMethod.Get, $"v2/{service}:getIamPolicy", null, "getIamPolicy", ct).ConfigureAwait(false) ?? new JsonObject();
            var bindings = policy["bindings"] as JsonArray ?? new JsonArray();
            var invoker = bindings.OfType<JsonObject>().FirstOrDefault(b => b["role"]?.GetValue<string>() == InvokerRole && b["condition"] is null);
            if (invoker?["members"] is JsonArray members && members.Any(m => m?.GetValue<string>() == "allUsers")) return;
            if (invoker is null) bindings.Add(invoker = new JsonObject { ["role"] = InvokerRole, ["members"] = new JsonArray() });
            ((JsonArray)(invoker["members"] ??= new JsonArray())).Add("allUsers");
            policy["bindings"] = bindings.DeepClone();
            var r = await api.SendAsync(HttpMethod.Post, $"v2/{service}:setIamPolicy", new JsonObject { ["policy"] = policy.DeepClone() }, "setIamPolicy", ct,
                throwOnError: false).ConfigureAwait(false);
            if (r.Ok) return;
            var (code, message) = ControlPlaneOptions.DefaultErrorOf(r);
            if (r.Status == HttpStatusCode.Conflict && attempt < 5)
            {
                log.Verbose($"Cloud Run: the IAM policy of {service} changed meanwhile ({code}); reading it again.");
                continue;
            }
            throw new CloudRequestException("Cloud Run", "setIamPolicy", r.Status, code, message);
        }
    }

    /// <summary>
    /// Waits until the service's newest revision is ready and takes all traffic, and is not <paramref name="previousRevision"/>:
    /// then requests reach new instances (a cold start). Bounded by the deployment deadline.
    /// </summary>
    public Task<string> WaitLatestRevisionServesAsync(string service, string? previousRevision, CancellationToken ct) =>
        OperationPoller.PollAsync(async token =>
        {
            var s = await api.JsonAsync(HttpMethod.Get, $"v2/{service}", null, "get service", token).ConfigureAwait(false) ?? new JsonObject();
            // Revisions are full resource names here and short names in the function's serviceConfig.revision.
            var created = Short(s["latestCreatedRevision"]?.GetValue<string>());
            var ready = Short(s["latestReadyRevision"]?.GetValue<string>());
            var condition = s["terminalCondition"]?["state"]?.GetValue<string>();
            if (condition == "CONDITION_FAILED")
                throw new SebsException(SebsErrorIds.FunctionStartFailed, SebsErrorKind.InvalidOperation,
                    $"Cloud Run service {service}: revision {created} failed: {s["terminalCondition"]?["message"]}", target: service);
            // All traffic on the ready revision: a status naming it, or LATEST without a name, at 100 percent.
            var latestTakesAll = (s["trafficStatuses"] as JsonArray ?? new JsonArray()).OfType<JsonObject>().Any(t =>
                t["percent"]?.GetValue<int>() == 100 && (Short(t["revision"]?.GetValue<string>()) is { } named
                    ? named == ready : t["type"]?.GetValue<string>() == "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST"));
            var done = ready is not null && ready == created && ready != previousRevision && condition == "CONDITION_SUCCEEDED" && latestTakesAll;
            return done ? PollStep<string>.Finished(ready!, "serving") : PollStep<string>.Running($"created {created}, ready {ready}, {condition}");
        }, new PollOptions(settings.PollInterval, settings.DeployTimeout, $"Cloud Run service {service} serving its new revision"), ct);
}
