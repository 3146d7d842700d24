using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Azure.Core;
using Sebs.Core;
using Sebs.Core.Diagnostics;
using Sebs.Core.Http;

namespace Sebs.Platforms.Azure;

/// <summary>
/// Azure Resource Manager over REST through Core's one control-plane pipeline: a bearer token from the credential on
/// every attempt, 429/5xx and "another operation is in progress" (409) retried with Retry-After honoured, and
/// long-running operations (201/202 with Azure-AsyncOperation or Location; facts A5) polled to completion.
/// </summary>
public sealed class ArmClient : IDisposable
{
    private readonly ControlPlaneClient _http;
    private readonly AzureSettings _settings;
    private readonly ISebsLog _log;

    public ArmClient(AzureSettings settings, AzureTokens tokens, ISebsLog log, HttpMessageHandler? handler = null)
    {
        _settings = settings;
        _log = log;
        _http = new ControlPlaneClient(new ControlPlaneOptions
        {
            Service = "Azure Resource Manager",
            MaxAttempts = 6,
            IsTransient = IsOperationInProgress,
        }, new BearerTokenAuthenticator(ct => tokens.GetAsync(settings.ArmAudience, ct)), log, handler);
    }

    public ControlPlaneClient Pipeline => _http;

    /// <summary>ARM's 409 while another operation on the resource runs (App Service, storage accounts): worth waiting for.</summary>
    internal static bool IsOperationInProgress(ControlPlaneResponse r)
    {
        if (r.Status != HttpStatusCode.Conflict) return false;
        var (code, message) = ControlPlaneOptions.DefaultErrorOf(r);
        return code is "AnotherOperationInProgress" or "OperationInProgress" or "OperationNotAllowed" && message.Contains("progress", StringComparison.OrdinalIgnoreCase)
            || message.Contains("another operation is in progress", StringComparison.OrdinalIgnoreCase);
    }

    private Uri Url(string id, string apiVersion) => new(_settings.ArmEndpoint, id.TrimStart('/') + (id.Contains('?') ? "&" : "?") + "api-version=" + apiVersion);

    private static Func<HttpRequestMessage> Build(HttpMethod method, Uri url, JsonNode? body) => () =>
    {
        var request = new HttpRequestMessage(method, url);
        if (body is not null) request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        return request;
    };

    /// <summary>The resource, or null when it does not exist (404).</summary>
    public async Task<JsonObject?> GetAsync(string id, string apiVersion, string operation, CancellationToken ct)
    {
        var r = await _http.SendAsync(Build(HttpMethod.Get, Url(id, apiVersion), null), new ControlPlaneCall(operation, ThrowOnError: false), ct).ConfigureAwait(false);
        if (r.Status == HttpStatusCode.NotFound) return null;
        return r.Ok ? r.Json() : throw Error(operation, r);
    }

    /// <summary>Creates or replaces a resource and waits until ARM reports it provisioned; returns it as GET shows it.</summary>
    public async Task<JsonObject> PutAsync(string id, string apiVersion, JsonObject body, string operation, CancellationToken ct)
    {
        var r = await _http.SendAsync(Build(HttpMethod.Put, Url(id, apiVersion), body), new ControlPlaneCall(operation), ct).ConfigureAwait(false);
        await WaitAsync(r, operation, ct).ConfigureAwait(false);
        if (r.Status == HttpStatusCode.OK && r.Json() is { Count: > 0 } direct && ProvisioningDone(direct)) return direct;
        return await GetAsync(id, apiVersion, operation, ct).ConfigureAwait(false)
            ?? throw new SebsException(SebsErrorIds.CloudRequestFailed, SebsErrorKind.ObjectNotFound, $"{operation}: {id} is gone right after it was created.", target: id);
    }

    public async Task<JsonObject> PatchAsync(string id, string apiVersion, JsonObject body, string operation, CancellationToken ct)
    {
        var r = await _http.SendAsync(Build(HttpMethod.Patch, Url(id, apiVersion), body), new ControlPlaneCall(operation), ct).ConfigureAwait(false);
        await WaitAsync(r, operation, ct).ConfigureAwait(false);
        return r.Json();
    }

    /// <summary>An action (listKeys, appsettings/list, syncfunctiontriggers, ...): POST with an optional body.</summary>
    public async Task<JsonObject> PostAsync(string id, string apiVersion, JsonObject? body, string operation, CancellationToken ct)
    {
        var r = await _http.SendAsync(Build(HttpMethod.Post, Url(id, apiVersion), body), new ControlPlaneCall(operation), ct).ConfigureAwait(false);
        return await WaitAsync(r, operation, ct).ConfigureAwait(false) ?? r.Json();
    }

    /// <summary>Deletes a resource and waits for ARM to finish; true when it existed.</summary>
    public async Task<bool> DeleteAsync(string id, string apiVersion, string operation, CancellationToken ct)
    {
        var r = await _http.SendAsync(Build(HttpMethod.Delete, Url(id, apiVersion), null), new ControlPlaneCall(operation, ThrowOnError: false), ct).ConfigureAwait(false);
        if (r.Status is HttpStatusCode.NotFound or HttpStatusCode.NoContent) return r.Status == HttpStatusCode.NoContent;
        if (!r.Ok) throw Error(operation, r);
        await WaitAsync(r, operation, ct).ConfigureAwait(false);
        return true;
    }

    private static bool ProvisioningDone(JsonObject resource) =>
        resource["properties"]?["provisioningState"]?.GetValue<string>() is null or "Succeeded";

    /// <summary>
    /// Facts A5: a 201/202 with Azure-AsyncOperation is polled until its status is Succeeded, Failed or Canceled; with only
    /// Location it is polled until that answers other than 202. Retry-After sets the pace. Returns a Location result body.
    /// </summary>
    private async Task<JsonObject?> WaitAsync(ControlPlaneResponse first, string operation, CancellationToken ct)
    {
        if (first.Status is not (HttpStatusCode.Created or HttpStatusCode.Accepted)) return null;
        var asyncOperation = first.Header("azure-asyncoperation");
        var location = first.Header("location");
        if (asyncOperation is null && location is null) return null;
        var options = new PollOptions(_settings.PollInterval, _settings.StateTimeout, operation) { BackOff = true };
        var retryAfter = first.RetryAfter;
        if (retryAfter is { } firstWait) await Task.Delay(Min(firstWait, _settings.StateTimeout), ct).ConfigureAwait(false);
        if (asyncOperation is not null)
        {
            await OperationPoller.PollAsync(async token =>
            {
                var r = await _http.SendAsync(Build(HttpMethod.Get, new Uri(asyncOperation), null), new ControlPlaneCall(operation + " (status)"), token).ConfigureAwait(false);
                var body = r.Json();
                var status = body["status"]?.GetValue<string>() ?? "";
                if (status.Equals("Succeeded", StringComparison.OrdinalIgnoreCase)) return PollStep<bool>.Finished(true, status);
                if (status.Equals("Failed", StringComparison.OrdinalIgnoreCase) || status.Equals("Canceled", StringComparison.OrdinalIgnoreCase))
                {
                    var error = body["error"] as JsonObject;
                    throw new CloudRequestException("Azure Resource Manager", operation, HttpStatusCode.OK,
                        error?["code"]?.GetValue<string>() ?? status, error?["message"]?.GetValue<string>() ?? $"the operation ended {status}");
                }
                return PollStep<bool>.Running(status, r.RetryAfter);
            }, options, ct).ConfigureAwait(false);
            return null;
        }
        return await OperationPoller.PollAsync(async token =>
        {
            var r = await _http.SendAsync(Build(HttpMethod.Get, new Uri(location!), null), new ControlPlaneCall(operation + " (result)"), token).ConfigureAwait(false);
            return r.Status == HttpStatusCode.Accepted ? PollStep<JsonObject>.Running("Accepted", r.RetryAfter) : PollStep<JsonObject>.Finished(r.Json(), ((int)r.Status).ToString());
        }, options, ct).ConfigureAwait(false);
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private CloudRequestException Error(string operation, ControlPlaneResponse r)
    {
        var (code, message) = _http.Options.ErrorOf(r);
        return new CloudRequestException(_http.Options.Service, operation, r.Status, code, message);
    }

    public void Dispose() => _http.Dispose();
}

/// <summary>Entra tokens per audience from one credential; Azure.Identity caches and refreshes them. Never logged.</summary>
public sealed class AzureTokens(TokenCredential credential)
{
    public async ValueTask<string> GetAsync(string audience, CancellationToken ct)
    {
        var scope = audience.TrimEnd('/') + "/.default";
        try
        {
            var token = await credential.GetTokenAsync(new TokenRequestContext(new[] { scope }), ct).ConfigureAwait(false);
            return token.Token;
        }
        catch (global::Azure.Identity.CredentialUnavailableException ex)
        {
            throw new SebsException(SebsErrorIds.MissingCredentials, SebsErrorKind.AuthenticationError,
                $"No Azure credentials: {FirstLine(ex.Message)}", ex, target: "Azure");
        }
        catch (global::Azure.Identity.AuthenticationFailedException ex)
        {
            throw new SebsException(SebsErrorIds.MissingCredentials, SebsErrorKind.AuthenticationError,
                $"Azure sign-in failed for {scope}: {FirstLine(ex.Message + " " + ex.InnerException?.Message)}", ex, target: "Azure");
        }
    }

    /// <summary>Entra's answer (AADSTS code and text) on one line; MSAL's messages carry no secrets.</summary>
    private static string FirstLine(string s)
    {
        var text = string.Join(' ', s.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(l => !l.StartsWith("See the troubleshooting guide", StringComparison.Ordinal)));
        return text.Length > 600 ? text[..600] + "..." : text;
    }
}
