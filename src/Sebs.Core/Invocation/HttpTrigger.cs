using System.Diagnostics;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using Sebs.Core.Platforms;
using Sebs.Core.Results;

namespace Sebs.Core.Invocation;

/// <summary>
/// Invokes a function by POSTing the payload as JSON to its URL (every platform's HTTP trigger). Keeps connections
/// alive, measures client time, connect time and time to first byte, and never throws for a failed invocation.
/// On an <see cref="InvocationThread"/> the call blocks that thread; elsewhere it is asynchronous. Connections come from
/// the process's pool for the URL's origin (<see cref="Http11ConnectionPool"/>), so they outlive the trigger.
/// </summary>
public sealed class HttpTrigger : IFunctionTrigger, IDisposable
{
    private readonly Func<ExecutionResult> _newResult;
    private readonly Uri _url;
    private readonly Http.IRequestAuthenticator? _authenticator;
    private readonly RemoteCertificateValidationCallback? _validateCertificate;
    private readonly byte[] _head;
    private readonly Http11ConnectionPool _pool;
    private volatile bool _disposed;

    /// <param name="newResult">Creates a result with the function's context (benchmark, platform, ...) filled in.</param>
    /// <param name="authenticator">Signs each invocation (a Lambda Function URL with AWS_IAM auth) before the clock starts.</param>
    public HttpTrigger(string url, TimeSpan timeout, Func<ExecutionResult> newResult, Http.IRequestAuthenticator? authenticator = null)
        : this(url, timeout, newResult, authenticator, validateCertificate: null)
    {
    }

    /// <param name="validateCertificate">Replaces the system's trust decision for https (tests with their own authority).</param>
    internal HttpTrigger(string url, TimeSpan timeout, Func<ExecutionResult> newResult, Http.IRequestAuthenticator? authenticator,
        RemoteCertificateValidationCallback? validateCertificate)
    {
        _authenticator = authenticator;
        _validateCertificate = validateCertificate;
        _url = new Uri(url.Contains("://", StringComparison.Ordinal) ? url : "http://" + url);
        if (_url.Scheme != Uri.UriSchemeHttp && _url.Scheme != Uri.UriSchemeHttps)
            throw new ArgumentException($"A function URL must be http or https: {url}", nameof(url));
        _pool = Http11ConnectionPool.For(_url, validateCertificate);
        _newResult = newResult;
        Timeout = timeout;
        // The request line and the headers every call sends, serialised once (HttpClient sends the same set).
        _head = Encoding.ASCII.GetBytes($"POST {_url.PathAndQuery} HTTP/1.1\r\nHost: {HostHeader(_url)}\r\nContent-Type: application/json\r\n");
    }

    public TriggerType Type => TriggerType.Http;
    public TimeSpan Timeout { get; }
    public string Url => _url.ToString();

    public Task<ExecutionResult> InvokeAsync(JsonObject payload, CancellationToken cancellationToken)
    {
        if (!InvocationThread.IsCurrent) return InvokeAsync(payload, async: true, cancellationToken).AsTask();
        // The blocking path completes on this thread, unless signing had to wait (a credential refreshing itself).
        var call = InvokeAsync(payload, async: false, cancellationToken);
        return call.IsCompleted ? Task.FromResult(call.GetAwaiter().GetResult()) : call.AsTask();
    }

    private async ValueTask<ExecutionResult> InvokeAsync(JsonObject payload, bool async, CancellationToken cancellationToken)
    {
        var result = _newResult();
        result.Trigger = "http";
        var request = await SerializeAsync(payload, cancellationToken).ConfigureAwait(false);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        result.Times.ClientBegin = DateTime.Now;
        var sw = Stopwatch.StartNew();
        Http11Connection? connection = null;
        try
        {
            InvocationResponse response;
            while (true)
            {
                connection = await RentAsync(async, timeout.Token).ConfigureAwait(false);
                try
                {
                    response = await connection.ExchangeAsync(request, sw, timeout.Token).ConfigureAwait(false);
                    break;
                }
                catch (Exception ex) when (connection.Reused && !connection.ResponseStarted && IsConnectionLoss(ex) && !timeout.IsCancellationRequested)
                {
                    // A kept-alive connection the server closed as the request went out, before any answer: the call goes
                    // out again on a new connection, as HttpClient does. A fresh connection's failure is final.
                    connection.Dispose();
                    connection = null;
                }
            }
            sw.Stop();
            Finish(result, sw.Elapsed);
            result.Throttled = response.StatusCode == 429;
            result.Times.HttpFirstByteReturnSeconds = response.FirstByte.TotalSeconds;
            result.Times.HttpStartupSeconds = connection.ConnectTime.TotalSeconds;
            Read(result, response);
            _pool.Return(connection);
            connection = null;
            return result;
        }
        catch (Exception ex) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested && IsCancellation(ex))
        {
            Finish(result, sw.Elapsed);
            return Failed(result, $"The invocation did not answer within the timeout of {Timeout.TotalSeconds:0.#} s.", timedOut: true);
        }
        catch (Exception ex) when (cancellationToken.IsCancellationRequested && IsCancellation(ex))
        {
            throw new OperationCanceledException(cancellationToken);
        }
        catch (Exception ex) when (IsConnectionLoss(ex) || ex is System.Security.Authentication.AuthenticationException)
        {
            Finish(result, sw.Elapsed);
            return Failed(result, $"HTTP request to {_url} failed: {ex.Message}");
        }
        finally
        {
            connection?.Dispose();
        }
    }

    /// <summary>The head and body of one call; signing (AWS_IAM) happens here, before the clock starts.</summary>
    private async ValueTask<byte[]> SerializeAsync(JsonObject payload, CancellationToken ct)
    {
        var body = Encoding.UTF8.GetBytes(payload.ToJsonString());
        var head = new StringBuilder();
        if (_authenticator is not null)
        {
            using var signed = new HttpRequestMessage(HttpMethod.Post, _url)
            {
                Content = new ByteArrayContent(body) { Headers = { { "Content-Type", "application/json" } } },
            };
            await _authenticator.AuthenticateAsync(signed, ct).ConfigureAwait(false);
            foreach (var header in signed.Headers.Concat(signed.Content.Headers))
            {
                if (header.Key.Equals("Host", StringComparison.OrdinalIgnoreCase) || header.Key.Equals("Content-Type", StringComparison.OrdinalIgnoreCase) ||
                    header.Key.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)) continue;
                head.Append(header.Key).Append(": ").AppendJoin(", ", header.Value).Append("\r\n");
            }
        }
        var rest = head.Append("Content-Length: ").Append(body.Length).Append("\r\n\r\n").ToString();
        var request = new byte[_head.Length + rest.Length + body.Length];   // header text is ASCII: a byte per char
        _head.CopyTo(request, 0);
        Encoding.ASCII.GetBytes(rest, request.AsSpan(_head.Length));
        body.CopyTo(request, _head.Length + rest.Length);
        return request;
    }

    private async ValueTask<Http11Connection> RentAsync(bool async, CancellationToken ct)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _pool.TryRent(blocking: !async) ?? await Http11Connection.OpenAsync(_url, async, _validateCertificate, ct).ConfigureAwait(false);
    }

    /// <summary>Reads the wrapper's JSON answer and the HTTP status into the result.</summary>
    private static void Read(ExecutionResult result, InvocationResponse response)
    {
        bool ok;
        try { ok = WrapperOutput.Apply(result, response.Body.Span); }
        catch (System.Text.Json.JsonException)
        {
            Failed(result, $"HTTP {response.StatusCode}: the response is not JSON: {Truncate(response.BodyText())}");
            return;
        }
        if (ok && !response.IsSuccessStatusCode)
            Failed(result, $"HTTP {response.StatusCode} {response.ReasonPhrase}".TrimEnd());
        else if (!ok && result.ErrorMessage is not null && !response.IsSuccessStatusCode)
            result.ErrorMessage = $"HTTP {response.StatusCode}: {result.ErrorMessage}";
    }

    private static bool IsConnectionLoss(Exception ex) => ex is IOException or SocketException or ObjectDisposedException;

    /// <summary>A blocking call is cancelled by closing its connection, which surfaces as a failed read or write.</summary>
    private static bool IsCancellation(Exception ex) => ex is OperationCanceledException || IsConnectionLoss(ex);

    /// <summary>The Host header as HttpClient writes it: the port only when it is not the scheme's default.</summary>
    private static string HostHeader(Uri url) => url.IsDefaultPort ? url.IdnHost : $"{url.IdnHost}:{url.Port}";

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

    /// <summary>Ends this trigger; its idle connections stay in the pool of their origin for the next trigger of it.</summary>
    public void Dispose() => _disposed = true;
}
