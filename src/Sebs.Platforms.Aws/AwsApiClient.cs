using System.Collections.Concurrent;
using System.Text;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using Amazon.Runtime;
using Sebs.Core.Diagnostics;
using Sebs.Core.Http;

namespace Sebs.Platforms.Aws;

/// <summary>
/// The AWS protocols of the hand-made control-plane calls (REST-JSON for Lambda, JSON 1.1 with X-Amz-Target for
/// CloudWatch Logs, Query/XML for IAM) on Core's one pipeline: one <see cref="ControlPlaneClient"/> per service, each
/// request signed per attempt by <see cref="SigV4Authenticator"/>, AWS's error shapes read by <see cref="AwsErrors"/>.
/// </summary>
public sealed class AwsApiClient : IDisposable
{
    private readonly AWSCredentials _credentials;
    private readonly ISebsLog _log;
    private readonly HttpMessageHandler? _handler;
    private readonly ConcurrentDictionary<string, ControlPlaneClient> _clients = new();
    public AwsSettings Settings { get; }
    /// <summary>The clock requests are signed with (tests pin it).</summary>
    public Func<DateTime> UtcNow { get; init; } = () => DateTime.UtcNow;

    public AwsApiClient(AwsSettings settings, AWSCredentials credentials, ISebsLog log, HttpMessageHandler? handler = null)
    {
        Settings = settings;
        _credentials = credentials;
        _log = log;
        _handler = handler;
    }

    /// <summary>The credentials every client of this session signs with.</summary>
    public AWSCredentials Credentials => _credentials;

    private ControlPlaneClient Client(string service) => _clients.GetOrAdd(service, s => new ControlPlaneClient(
        new ControlPlaneOptions
        {
            Service = "AWS " + s,
            // Lambda answers 409 while a function updates and refuses a role for seconds after IAM created it.
            MaxAttempts = s == "lambda" ? 8 : 5,
            IsTransient = AwsErrors.IsTransient,
            ErrorOf = AwsErrors.ErrorOf,
        },
        new SigV4Authenticator(_credentials, Settings.SigningRegion(s), s) { UtcNow = UtcNow }, _log, _handler));

    /// <summary>A REST-JSON call (Lambda).</summary>
    public Task<ControlPlaneResponse> RestAsync(string service, string operation, HttpMethod method, string pathAndQuery, JsonNode? body,
        CancellationToken ct, IReadOnlyDictionary<string, string>? headers = null, bool throwOnError = true, TimeSpan? timeout = null, bool retry = true) =>
        Client(service).SendAsync(() =>
        {
            var request = new HttpRequestMessage(method, new Uri(Settings.Endpoint(service), pathAndQuery));
            if (body is not null)
                request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
            foreach (var (k, v) in headers ?? new Dictionary<string, string>()) request.Headers.TryAddWithoutValidation(k, v);
            return request;
        }, new ControlPlaneCall(operation, retry, throwOnError, timeout), ct);

    /// <summary>A JSON 1.1 call (CloudWatch Logs): POST / with X-Amz-Target.</summary>
    public async Task<JsonObject> JsonTargetAsync(string service, string target, JsonObject body, CancellationToken ct)
    {
        var response = await Client(service).SendAsync(() =>
        {
            var request = new HttpRequestMessage(HttpMethod.Post, Settings.Endpoint(service))
            {
                Content = new StringContent(body.ToJsonString(), Encoding.UTF8),
            };
            request.Content.Headers.ContentType = new("application/x-amz-json-1.1");
            request.Headers.TryAddWithoutValidation("X-Amz-Target", target);
            return request;
        }, new ControlPlaneCall(target.Split('.').Last()), ct).ConfigureAwait(false);
        return response.Json();
    }

    /// <summary>A query-protocol call (IAM): form-encoded POST, XML answer (an error answer's ErrorResponse when not thrown).</summary>
    public async Task<XElement> QueryAsync(string service, string action, string version, IReadOnlyDictionary<string, string> parameters,
        CancellationToken ct, bool throwOnError = true)
    {
        var form = new Dictionary<string, string>(parameters) { ["Action"] = action, ["Version"] = version };
        var response = await Client(service).SendAsync(() => new HttpRequestMessage(HttpMethod.Post, Settings.Endpoint(service))
        {
            Content = new StringContent(string.Join('&', form.Select(p => $"{SigV4Signer.Encode(p.Key)}={SigV4Signer.Encode(p.Value)}")),
                Encoding.UTF8, "application/x-www-form-urlencoded"),
        }, new ControlPlaneCall(action, ThrowOnError: throwOnError), ct).ConfigureAwait(false);
        return XDocument.Parse(response.Body.Length == 0 ? "<Empty/>" : response.Body).Root!;
    }

    public void Dispose()
    {
        foreach (var c in _clients.Values) c.Dispose();
    }
}

/// <summary>AWS's error answers: where the code and message are, and which codes mean "try again".</summary>
public static class AwsErrors
{
    /// <summary>Throttling codes AWS SDKs retry (botocore's standard retry mode), beyond the 429/5xx statuses.</summary>
    private static readonly HashSet<string> Throttling = new(StringComparer.Ordinal)
    {
        "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException", "TooManyRequestsException",
        "ProvisionedThroughputExceededException", "TransactionInProgressException", "RequestLimitExceeded",
        "BandwidthLimitExceeded", "LimitExceededException", "RequestThrottled", "SlowDown", "PriorRequestNotComplete",
        "EC2ThrottledException",
    };

    /// <summary>
    /// Throttling, and Lambda's two passing states: 409 ResourceConflictException while the function is Pending or an
    /// update is in progress (not "already exists"), and a fresh role IAM has not propagated yet ("cannot be assumed").
    /// </summary>
    public static bool IsTransient(ControlPlaneResponse r)
    {
        var (code, message) = ErrorOf(r);
        if (Throttling.Contains(code)) return true;
        if (code == "ResourceConflictException" && !message.Contains("already exist", StringComparison.OrdinalIgnoreCase)) return true;
        return code == "InvalidParameterValueException" && message.Contains("cannot be assumed", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The error code and message, from x-amzn-ErrorType, a JSON body (__type, code) or an XML ErrorResponse.</summary>
    public static (string Code, string Message) ErrorOf(ControlPlaneResponse r)
    {
        var code = r.Header("x-amzn-ErrorType")?.Split(':')[0];
        var message = "";
        var body = r.Body.TrimStart();
        if (body.StartsWith('{'))
        {
            try
            {
                var json = JsonNode.Parse(body) as JsonObject;
                string? Text(string key) => json?[key] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
                code ??= Text("__type")?.Split('#').Last() ?? Text("code") ?? Text("Code");
                message = Text("message") ?? Text("Message") ?? "";
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

    /// <summary>The CloudRequestException of an error answer a caller looked at first.</summary>
    public static CloudRequestException Exception(string service, string operation, ControlPlaneResponse r)
    {
        var (code, message) = ErrorOf(r);
        return new CloudRequestException("AWS " + service, operation, r.Status, code, message);
    }
}
