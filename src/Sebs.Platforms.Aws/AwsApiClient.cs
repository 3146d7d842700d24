using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using Amazon.Runtime;
using Sebs.Core;
using Sebs.Core.Diagnostics;

namespace Sebs.Platforms.Aws;

/// <summary>A signed call's answer.</summary>
public sealed record AwsResponse(HttpStatusCode Status, string Body, IReadOnlyDictionary<string, string> Headers)
{
    public bool Ok => (int)Status is >= 200 and < 300;
    public string? Header(string name) => Headers.TryGetValue(name.ToLowerInvariant(), out var v) ? v : null;
    public JsonObject Json() => Body.Length == 0 ? new JsonObject() : JsonNode.Parse(Body) as JsonObject ?? new JsonObject();
}

/// <summary>An AWS error answer: service, operation, HTTP status and the error code AWS named.</summary>
public sealed class AwsRequestException(string service, string operation, HttpStatusCode status, string code, string message)
    : SebsException(SebsErrorIds.CloudRequestFailed, KindOf(status), $"AWS {service} {operation} failed: {code} (HTTP {(int)status}): {message}", target: operation)
{
    public string Service { get; } = service;
    public string Operation { get; } = operation;
    public HttpStatusCode Status { get; } = status;
    public string Code { get; } = code;

    private static SebsErrorKind KindOf(HttpStatusCode status) => (int)status switch
    {
        401 or 403 => SebsErrorKind.AuthenticationError,
        404 => SebsErrorKind.ObjectNotFound,
        409 => SebsErrorKind.ResourceUnavailable,
        >= 500 => SebsErrorKind.ConnectionError,
        _ => SebsErrorKind.InvalidOperation,
    };
}

/// <summary>
/// Sends SigV4-signed requests to one AWS account and region, retrying throttling and server errors with backoff.
/// JSON services report errors in <c>x-amzn-ErrorType</c>/<c>__type</c>; query services (IAM, STS) in XML.
/// </summary>
public sealed class AwsApiClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly AWSCredentials _credentials;
    private readonly ISebsLog _log;
    public AwsSettings Settings { get; }
    /// <summary>The clock requests are signed with (tests pin it).</summary>
    public Func<DateTime> UtcNow { get; init; } = () => DateTime.UtcNow;
    public int MaxAttempts { get; init; } = 5;
    /// <summary>The deadline of a control-plane call that names none (an upload of a large zip included).</summary>
    public TimeSpan CallTimeout { get; init; } = TimeSpan.FromMinutes(5);

    public AwsApiClient(AwsSettings settings, AWSCredentials credentials, ISebsLog log, HttpMessageHandler? handler = null)
    {
        Settings = settings;
        _credentials = credentials;
        _log = log;
        // Each call has its own deadline (an Invoke waits as long as the function may run, up to 15 minutes and more).
        _http = new HttpClient(handler ?? new SocketsHttpHandler { PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1) })
        {
            Timeout = System.Threading.Timeout.InfiniteTimeSpan,
        };
    }

    /// <summary>A REST-JSON call (Lambda).</summary>
    public Task<AwsResponse> RestAsync(string service, string operation, HttpMethod method, string pathAndQuery, JsonNode? body,
        CancellationToken ct, IReadOnlyDictionary<string, string>? headers = null, bool throwOnError = true, TimeSpan? timeout = null, bool retry = true) =>
        SendAsync(service, operation, () =>
        {
            var request = new HttpRequestMessage(method, new Uri(Settings.Endpoint(service), pathAndQuery));
            if (body is not null)
                request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
            foreach (var (k, v) in headers ?? new Dictionary<string, string>()) request.Headers.TryAddWithoutValidation(k, v);
            return request;
        }, ct, throwOnError, timeout, retry);

    /// <summary>A JSON 1.1 call (CloudWatch Logs): POST / with X-Amz-Target.</summary>
    public async Task<JsonObject> JsonTargetAsync(string service, string target, JsonObject body, CancellationToken ct)
    {
        var response = await SendAsync(service, target.Split('.').Last(), () =>
        {
            var request = new HttpRequestMessage(HttpMethod.Post, Settings.Endpoint(service))
            {
                Content = new StringContent(body.ToJsonString(), Encoding.UTF8),
            };
            request.Content.Headers.ContentType = new("application/x-amz-json-1.1");
            request.Headers.TryAddWithoutValidation("X-Amz-Target", target);
            return request;
        }, ct).ConfigureAwait(false);
        return response.Json();
    }

    /// <summary>A query-protocol call (IAM, STS): form-encoded POST, XML answer.</summary>
    public async Task<XElement> QueryAsync(string service, string action, string version, IReadOnlyDictionary<string, string> parameters,
        CancellationToken ct, bool throwOnError = true)
    {
        var form = new Dictionary<string, string>(parameters) { ["Action"] = action, ["Version"] = version };
        var response = await SendAsync(service, action, () => new HttpRequestMessage(HttpMethod.Post, Settings.Endpoint(service))
        {
            Content = new StringContent(string.Join('&', form.Select(p => $"{SigV4Signer.Encode(p.Key)}={SigV4Signer.Encode(p.Value)}")),
                Encoding.UTF8, "application/x-www-form-urlencoded"),
        }, ct, throwOnError).ConfigureAwait(false);
        return XDocument.Parse(response.Body.Length == 0 ? "<Empty/>" : response.Body).Root!;
    }

    /// <param name="retry">false for calls that are measurements (Invoke): a retried invocation would not measure one call.</param>
    private async Task<AwsResponse> SendAsync(string service, string operation, Func<HttpRequestMessage> build, CancellationToken ct,
        bool throwOnError = true, TimeSpan? timeout = null, bool retry = true)
    {
        var maxAttempts = retry ? MaxAttempts : 1;
        for (var attempt = 1; ; attempt++)
        {
            using var request = build();
            await SignAsync(request, Settings.SigningRegion(service), service, ct).ConfigureAwait(false);
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
            limit.CancelAfter(timeout ?? CallTimeout);
            AwsResponse response;
            try
            {
                using var http = await _http.SendAsync(request, limit.Token).ConfigureAwait(false);
                var text = await http.Content.ReadAsStringAsync(limit.Token).ConfigureAwait(false);
                var headers = http.Headers.Concat(http.Content.Headers)
                    .GroupBy(h => h.Key.ToLowerInvariant())
                    .ToDictionary(g => g.Key, g => string.Join(',', g.SelectMany(h => h.Value)));
                response = new AwsResponse(http.StatusCode, text, headers);
            }
            catch (HttpRequestException ex)
            {
                if (attempt < maxAttempts) { await BackoffAsync(attempt, $"{service} {operation}: {ex.Message}", ct).ConfigureAwait(false); continue; }
                throw new SebsException(SebsErrorIds.CloudRequestFailed, SebsErrorKind.ConnectionError,
                    $"AWS {service} {operation}: cannot reach {Settings.Endpoint(service)}: {ex.Message}", ex, target: operation);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested && timeout is null)
            {
                if (attempt < maxAttempts) { await BackoffAsync(attempt, $"{service} {operation}: no answer within {CallTimeout.TotalSeconds:0} s", ct).ConfigureAwait(false); continue; }
                throw new SebsException(SebsErrorIds.CloudRequestFailed, SebsErrorKind.OperationTimeout,
                    $"AWS {service} {operation}: no answer from {Settings.Endpoint(service)} within {CallTimeout.TotalSeconds:0} s.", target: operation);
            }
            if (response.Ok || !throwOnError && !(retry && Retryable(response))) return response;
            var (code, message) = ErrorOf(response);
            if (Retryable(response) && attempt < maxAttempts)
            {
                await BackoffAsync(attempt, $"{service} {operation}: {code}", ct).ConfigureAwait(false);
                continue;
            }
            if (!throwOnError) return response;
            throw new AwsRequestException(service, operation, response.Status, code, message);
        }
    }

    /// <summary>Signs with the current credentials (refreshed by the SDK when they expire).</summary>
    public async Task SignAsync(HttpRequestMessage request, string region, string service, CancellationToken ct)
    {
        var credentials = await _credentials.GetCredentialsAsync().ConfigureAwait(false);
        await SigV4Signer.SignAsync(request, credentials, region, service, UtcNow(), ct).ConfigureAwait(false);
    }

    private static bool Retryable(AwsResponse r) =>
        (int)r.Status is 429 or 500 or 502 or 503 or 504 || ErrorOf(r).Code is "ThrottlingException" or "TooManyRequestsException" or "Throttling";

    private async Task BackoffAsync(int attempt, string why, CancellationToken ct)
    {
        var delay = TimeSpan.FromMilliseconds(Math.Min(8000, 250 * Math.Pow(2, attempt - 1)) * (0.5 + Random.Shared.NextDouble() / 2));
        _log.Verbose($"AWS: {why}; retrying in {delay.TotalMilliseconds:0} ms.");
        await Task.Delay(delay, ct).ConfigureAwait(false);
    }

    /// <summary>The error code and message, from the header, a JSON body or an XML ErrorResponse.</summary>
    public static (string Code, string Message) ErrorOf(AwsResponse r)
    {
        var code = r.Header("x-amzn-ErrorType")?.Split(':')[0];
        var message = "";
        var body = r.Body.TrimStart();
        if (body.StartsWith('{'))
        {
            try
            {
                var json = JsonNode.Parse(body) as JsonObject;
                code ??= json?["__type"]?.GetValue<string>()?.Split('#').Last() ?? json?["code"]?.GetValue<string>();
                message = json?["message"]?.GetValue<string>() ?? json?["Message"]?.GetValue<string>() ?? "";
            }
            catch (System.Text.Json.JsonException) { }
        }
        else if (body.StartsWith('<'))
        {
            try
            {
                var error = XDocument.Parse(body).Descendants().FirstOrDefault(e => e.Name.LocalName == "Error");
                code ??= error?.Elements().FirstOrDefault(e => e.Name.LocalName == "Code")?.Value;
                message = error?.Elements().FirstOrDefault(e => e.Name.LocalName == "Message")?.Value ?? "";
            }
            catch (System.Xml.XmlException) { }
        }
        return (code ?? r.Status.ToString(), message.Length > 0 ? message : body.Length > 300 ? body[..300] : body);
    }

    public void Dispose() => _http.Dispose();
}
