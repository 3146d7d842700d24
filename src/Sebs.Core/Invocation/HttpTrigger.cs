using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using Sebs.Core.Platforms;
using Sebs.Core.Results;

namespace Sebs.Core.Invocation;

/// <summary>
/// Invokes a function by POSTing the payload as JSON to its URL (every platform's HTTP trigger). Keeps connections
/// alive, measures client time, connect time and time to first byte, and never throws for a failed invocation.
/// </summary>
public sealed class HttpTrigger : IFunctionTrigger, IDisposable
{
    private static readonly AsyncLocal<Stopwatch?> ConnectTimer = new();
    private readonly HttpClient _client;
    private readonly Func<ExecutionResult> _newResult;
    private readonly Uri _url;
    private readonly Http.IRequestAuthenticator? _authenticator;

    /// <param name="newResult">Creates a result with the function's context (benchmark, platform, ...) filled in.</param>
    /// <param name="authenticator">Signs each invocation (a Lambda Function URL with AWS_IAM auth) before the clock starts.</param>
    public HttpTrigger(string url, TimeSpan timeout, Func<ExecutionResult> newResult, Http.IRequestAuthenticator? authenticator = null)
    {
        _authenticator = authenticator;
        _url = new Uri(url.Contains("://", StringComparison.Ordinal) ? url : "http://" + url);
        _newResult = newResult;
        var handler = new SocketsHttpHandler
        {
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(2),
            UseProxy = false,
            // A function answers for itself: no redirects to follow and no cookies to keep, two handler layers fewer per call.
            AllowAutoRedirect = false,
            UseCookies = false,
            ConnectCallback = async (ctx, ct) =>
            {
                var sw = Stopwatch.StartNew();
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    await socket.ConnectAsync(ctx.DnsEndPoint, ct).ConfigureAwait(false);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
                sw.Stop();
                ConnectTimer.Value = sw;
                return new NetworkStream(socket, ownsSocket: true);
            },
        };
        _client = new HttpClient(handler) { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
        Timeout = timeout;
    }

    public TriggerType Type => TriggerType.Http;
    public TimeSpan Timeout { get; }
    public string Url => _url.ToString();

    public async Task<ExecutionResult> InvokeAsync(JsonObject payload, CancellationToken cancellationToken)
    {
        var result = _newResult();
        result.Trigger = "http";
        var body = Encoding.UTF8.GetBytes(payload.ToJsonString());
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        ConnectTimer.Value = null;
        using var request = new HttpRequestMessage(HttpMethod.Post, _url)
        {
            Content = new ByteArrayContent(body) { Headers = { { "Content-Type", "application/json" } } },
        };
        // Signing is not part of the measured call.
        if (_authenticator is not null) await _authenticator.AuthenticateAsync(request, cancellationToken).ConfigureAwait(false);
        result.Times.ClientBegin = DateTime.Now;
        var sw = Stopwatch.StartNew();
        try
        {
            using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            var firstByte = sw.Elapsed;
            var text = await response.Content.ReadAsStringAsync(timeout.Token).ConfigureAwait(false);
            sw.Stop();
            Finish(result, sw.Elapsed);
            result.Throttled = (int)response.StatusCode == 429;
            result.Times.HttpFirstByteReturnSeconds = firstByte.TotalSeconds;
            result.Times.HttpStartupSeconds = ConnectTimer.Value?.Elapsed.TotalSeconds ?? 0;

            JsonNode? json = null;
            try { json = JsonNode.Parse(text); }
            catch (System.Text.Json.JsonException)
            {
                return Failed(result, $"HTTP {(int)response.StatusCode}: the response is not JSON: {Truncate(text)}");
            }
            var ok = WrapperOutput.Apply(result, json);
            if (ok && !response.IsSuccessStatusCode)
                return Failed(result, $"HTTP {(int)response.StatusCode} {response.ReasonPhrase}");
            if (!ok && result.ErrorMessage is not null && !response.IsSuccessStatusCode)
                result.ErrorMessage = $"HTTP {(int)response.StatusCode}: {result.ErrorMessage}";
            return result;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            Finish(result, sw.Elapsed);
            return Failed(result, $"The invocation did not answer within the timeout of {Timeout.TotalSeconds:0.#} s.", timedOut: true);
        }
        catch (HttpRequestException ex)
        {
            Finish(result, sw.Elapsed);
            return Failed(result, $"HTTP request to {_url} failed: {ex.Message}");
        }
    }

    private static void Finish(ExecutionResult result, TimeSpan elapsed)
    {
        result.Times.ClientEnd = result.Times.ClientBegin + elapsed;
        result.Times.ClientMicroseconds = (long)(elapsed.Ticks / 10);
    }

    private static ExecutionResult Failed(ExecutionResult result, string message, bool timedOut = false)
    {
        result.Stats.Failure = true;
        result.ErrorMessage = message;
        result.TimedOut = timedOut;
        return result;
    }

    private static string Truncate(string s) => s.Length > 300 ? s[..300] + "..." : s;

    public void Dispose() => _client.Dispose();
}
