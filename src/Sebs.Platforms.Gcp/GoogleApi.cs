using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Sebs.Core.Diagnostics;
using Sebs.Core.Http;

namespace Sebs.Platforms.Gcp;

/// <summary>
/// One Google REST API (Cloud Functions v2, Cloud Run v2, Cloud Logging v2, Firestore Admin v1, Datastore v1) on Core's
/// control-plane pipeline: a bearer token asked for on every attempt, Google's error shape
/// (<c>{"error": {"code", "message", "status"}}</c> → status and message in the ErrorRecord), retries on 408/429/5xx.
/// </summary>
public sealed class GoogleApi : IDisposable
{
    private readonly ControlPlaneClient _client;

    public GoogleApi(string service, Uri baseUri, Func<CancellationToken, ValueTask<string>>? token, ISebsLog log, HttpMessageHandler? handler = null,
        Func<ControlPlaneOptions, ControlPlaneOptions>? tune = null)
    {
        BaseUri = baseUri;
        var options = new ControlPlaneOptions
        {
            Service = service,
            // ABORTED is Google's "concurrent change, try again" (AIP-194); UNAVAILABLE comes as 503 and is retried anyway.
            IsTransient = r => (int)r.Status == 409 && ControlPlaneOptions.DefaultErrorOf(r).Code == "ABORTED",
        };
        _client = new ControlPlaneClient(tune is null ? options : tune(options), token is null ? null : new BearerTokenAuthenticator(token), log, handler);
    }

    public Uri BaseUri { get; }

    /// <summary>Sends JSON (or nothing) to a path below the API's base URL and returns the answer.</summary>
    public Task<ControlPlaneResponse> SendAsync(HttpMethod method, string pathAndQuery, JsonNode? body, string operation, CancellationToken ct,
        bool throwOnError = true, IReadOnlyDictionary<string, string>? headers = null)
    {
        var text = body?.ToJsonString();
        return _client.SendAsync(() =>
        {
            var request = new HttpRequestMessage(method, new Uri(BaseUri, pathAndQuery));
            if (text is not null) request.Content = new StringContent(text, Encoding.UTF8, "application/json");
            foreach (var (k, v) in headers ?? new Dictionary<string, string>()) request.Headers.TryAddWithoutValidation(k, v);
            return request;
        }, new ControlPlaneCall(operation, ThrowOnError: throwOnError), ct);
    }

    /// <summary>Sends and reads the answer as JSON; a 404 is null when <paramref name="notFoundIsNull"/>.</summary>
    public async Task<JsonObject?> JsonAsync(HttpMethod method, string pathAndQuery, JsonNode? body, string operation, CancellationToken ct,
        bool notFoundIsNull = false, IReadOnlyDictionary<string, string>? headers = null)
    {
        var r = await SendAsync(method, pathAndQuery, body, operation, ct, throwOnError: !notFoundIsNull, headers).ConfigureAwait(false);
        if (notFoundIsNull && r.Status == HttpStatusCode.NotFound) return null;
        if (!r.Ok)
        {
            var (code, message) = _client.Options.ErrorOf(r);
            throw new CloudRequestException(_client.Options.Service, operation, r.Status, code, message);
        }
        return r.Json();
    }

    /// <summary>A raw request through the same pipeline (the signed upload URL: no Authorization header, so an unauthenticated client).</summary>
    public Task<ControlPlaneResponse> SendRawAsync(Func<HttpRequestMessage> build, string operation, CancellationToken ct) =>
        _client.SendAsync(build, new ControlPlaneCall(operation), ct);

    public void Dispose() => _client.Dispose();
}
