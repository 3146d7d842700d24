using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Sebs.Core;
using Sebs.Core.Diagnostics;
using Sebs.Core.Http;

namespace Sebs.Platforms.Azure;

/// <summary>
/// The app's SCM (Kudu) site: One Deploy for Flex Consumption (facts A1: POST /api/publish?RemoteBuild=false with the
/// zip and the ARM token, 202 with the deployment id as a JSON string, then GET /api/deployments/{id} until status 4
/// (success) or 3/-1/5/6 (failed), tolerating early 404s).
/// </summary>
public sealed class ScmClient : IDisposable
{
    private readonly ControlPlaneClient _http;
    private readonly AzureSettings _settings;

    public ScmClient(AzureSettings settings, AzureTokens tokens, ISebsLog log, HttpMessageHandler? handler = null)
    {
        _settings = settings;
        _http = new ControlPlaneClient(new ControlPlaneOptions { Service = "Azure Functions SCM", IsTransient = ArmClient.IsOperationInProgress },
            new BearerTokenAuthenticator(ct => tokens.GetAsync(settings.ArmAudience, ct)), log, handler);
    }

    public async Task PublishAsync(string app, string? repositoryHost, byte[] zip, CancellationToken ct)
    {
        var scm = _settings.Scm(app, repositoryHost);
        var r = await _http.SendAsync(() => new HttpRequestMessage(HttpMethod.Post, new Uri(scm, "api/publish?RemoteBuild=false"))
        {
            Content = new ByteArrayContent(zip) { Headers = { ContentType = new MediaTypeHeaderValue("application/zip") } },
        }, new ControlPlaneCall("One Deploy publish"), ct).ConfigureAwait(false);
        var id = DeploymentId(r);
        if (id is null) return;   // 200 without an id: a synchronous deployment that finished
        await OperationPoller.PollAsync(async token =>
        {
            var s = await _http.SendAsync(() => new HttpRequestMessage(HttpMethod.Get, new Uri(scm, "api/deployments/" + Uri.EscapeDataString(id))),
                new ControlPlaneCall("GET deployment", ThrowOnError: false), token).ConfigureAwait(false);
            if (s.Status == HttpStatusCode.NotFound) return PollStep<bool>.Running("not visible yet", s.RetryAfter);
            if (!s.Ok) throw new CloudRequestException("Azure Functions SCM", "GET deployment", s.Status, _http.Options.ErrorOf(s).Code, _http.Options.ErrorOf(s).Message);
            var body = s.Json();
            var status = body["status"]?.GetValue<int>() ?? 0;
            return status switch
            {
                4 => PollStep<bool>.Finished(true, "success"),
                3 or -1 or 5 or 6 => throw new SebsException(SebsErrorIds.CloudRequestFailed, SebsErrorKind.InvalidOperation,
                    $"Deployment {id} to {app} ended with status {status} ({StatusName(status)}): {body["status_text"]?.GetValue<string>() ?? ""}", target: app),
                _ => PollStep<bool>.Running(StatusName(status), s.RetryAfter),
            };
        }, new PollOptions(_settings.PollInterval, _settings.StateTimeout, $"deployment to {app}"), ct).ConfigureAwait(false);
    }

    /// <summary>The host's status (admin API, master key): its instance and how long its process has run.</summary>
    public async Task<JsonObject?> HostStatusAsync(string hostUrl, string masterKey, CancellationToken ct)
    {
        var r = await _http.SendAsync(() =>
        {
            var request = new HttpRequestMessage(HttpMethod.Get, new Uri(new Uri(hostUrl), "admin/host/status"));
            request.Headers.Add("x-functions-key", masterKey);
            return request;
        }, new ControlPlaneCall("GET host status", Retry: false, ThrowOnError: false), ct).ConfigureAwait(false);
        return r.Ok ? r.Json() : null;
    }

    private static string? DeploymentId(ControlPlaneResponse r)
    {
        var text = r.Body.Trim();
        if (text.Length == 0) return null;
        try
        {
            var node = JsonNode.Parse(text);
            return node is JsonValue v && v.TryGetValue<string>(out var s) ? s : node?["id"]?.GetValue<string>();
        }
        catch (System.Text.Json.JsonException) { return text.Trim('"'); }
    }

    private static string StatusName(int status) => status switch
    {
        -1 => "cancelled", 0 => "pending", 1 => "building", 2 => "deploying", 3 => "failed", 4 => "success", 5 => "conflict", 6 => "partial", _ => "unknown",
    };

    public void Dispose() => _http.Dispose();
}
