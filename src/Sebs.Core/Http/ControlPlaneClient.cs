using System.Diagnostics;
using System.Net;
using Polly;
using Polly.Retry;
using Polly.Timeout;
using Sebs.Core.Diagnostics;

namespace Sebs.Core.Http;

/// <summary>
/// The one HTTP pipeline of every cloud's control-plane calls, in Azure.Core's order: build the request afresh ->
/// retry (by response class; Retry-After honoured, else jittered exponential backoff with a cap) -> authenticate this
/// attempt -> log (secrets redacted) -> per-try timeout -> transport. Built on Polly rather than loops of our own.
/// Measured invocations do not go through here with retries: their callers pass <c>Retry: false</c>.
/// </summary>
public sealed class ControlPlaneClient : IDisposable
{
    private static readonly ResiliencePropertyKey<TimeSpan?> RetryAfterKey = new("sebs.retry-after");
    private readonly HttpClient _http;
    private readonly IRequestAuthenticator? _authenticator;
    private readonly ISebsLog _log;
    private readonly ResiliencePipeline<ControlPlaneResponse> _retrying;

    public ControlPlaneClient(ControlPlaneOptions options, IRequestAuthenticator? authenticator, ISebsLog log, HttpMessageHandler? handler = null)
    {
        Options = options;
        _authenticator = authenticator;
        _log = log;
        // Deadlines are per attempt (below); the client itself never times out a call.
        _http = new HttpClient(handler ?? new SocketsHttpHandler { PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1) }, disposeHandler: handler is null)
        {
            Timeout = System.Threading.Timeout.InfiniteTimeSpan,
        };
        _retrying = new ResiliencePipelineBuilder<ControlPlaneResponse>()
            .AddRetry(new RetryStrategyOptions<ControlPlaneResponse>
            {
                MaxRetryAttempts = Math.Max(0, options.MaxAttempts - 1),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.BaseDelay,
                MaxDelay = options.MaxDelay,
                ShouldHandle = args => ValueTask.FromResult(args.Outcome switch
                {
                    { Exception: HttpRequestException or TimeoutRejectedException } => true,
                    { Result: { } r } => IsTransient(r),
                    _ => false,
                }),
                DelayGenerator = args => ValueTask.FromResult(args.Outcome.Result?.RetryAfter is { } wait
                    ? (TimeSpan?)Min(wait, options.MaxRetryAfter) : null),
                OnRetry = args =>
                {
                    var why = args.Outcome.Exception is { } ex ? ex.Message : $"HTTP {(int)args.Outcome.Result!.Status} {options.ErrorOf(args.Outcome.Result).Code}";
                    _log.Verbose($"{options.Service}: {why}; attempt {args.AttemptNumber + 2} of {options.MaxAttempts} in {args.RetryDelay.TotalMilliseconds:0} ms.");
                    return ValueTask.CompletedTask;
                },
            })
            .Build();
    }

    public ControlPlaneOptions Options { get; }

    /// <summary>Whether an answer is worth another attempt: 408, 429, 5xx, or what the service calls transient.</summary>
    public bool IsTransient(ControlPlaneResponse r) =>
        (int)r.Status is 408 or 429 or 500 or 502 or 503 or 504 || Options.IsTransient?.Invoke(r) == true;

    /// <summary>
    /// Sends a request built afresh for each attempt. Error answers throw <see cref="CloudRequestException"/> with the
    /// service's code and message unless <see cref="ControlPlaneCall.ThrowOnError"/> is false.
    /// </summary>
    public async Task<ControlPlaneResponse> SendAsync(Func<HttpRequestMessage> build, ControlPlaneCall call, CancellationToken ct)
    {
        var timeout = call.Timeout ?? Options.PerTryTimeout;
        ControlPlaneResponse response;
        try
        {
            response = call.Retry
                ? await _retrying.ExecuteAsync(static async (state, token) => await state.self.AttemptAsync(state.build, state.call, state.timeout, token).ConfigureAwait(false),
                    (self: this, build, call, timeout), ct).ConfigureAwait(false)
                : await AttemptAsync(build, call, timeout, ct).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            throw new SebsException(SebsErrorIds.CloudRequestFailed, SebsErrorKind.ConnectionError,
                $"{Options.Service} {call.Operation}: cannot reach the service: {ex.Message}", ex, target: call.Operation);
        }
        catch (TimeoutRejectedException ex)
        {
            throw new SebsException(SebsErrorIds.CloudRequestFailed, SebsErrorKind.OperationTimeout,
                $"{Options.Service} {call.Operation}: no answer within {timeout.TotalSeconds:0} s.", ex, target: call.Operation);
        }
        if (response.Ok || !call.ThrowOnError) return response;
        var (code, message) = Options.ErrorOf(response);
        throw new CloudRequestException(Options.Service, call.Operation, response.Status, code, message);
    }

    private async Task<ControlPlaneResponse> AttemptAsync(Func<HttpRequestMessage> build, ControlPlaneCall call, TimeSpan timeout, CancellationToken ct)
    {
        using var request = build();
        if (_authenticator is not null) await _authenticator.AuthenticateAsync(request, ct).ConfigureAwait(false);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(timeout);
        var sw = Stopwatch.StartNew();
        try
        {
            using var http = await _http.SendAsync(request, limit.Token).ConfigureAwait(false);
            var body = await http.Content.ReadAsStringAsync(limit.Token).ConfigureAwait(false);
            var headers = http.Headers.Concat(http.Content.Headers)
                .GroupBy(h => h.Key.ToLowerInvariant())
                .ToDictionary(g => g.Key, g => string.Join(',', g.SelectMany(h => h.Value)));
            _log.Debug($"{Options.Service} {call.Operation}: {request.Method} {Redaction.Url(request.RequestUri)} -> {(int)http.StatusCode} in {sw.ElapsedMilliseconds} ms");
            return new ControlPlaneResponse(http.StatusCode, body, headers);
        }
        catch (OperationCanceledException ex) when (!ct.IsCancellationRequested)
        {
            _log.Debug($"{Options.Service} {call.Operation}: {request.Method} {Redaction.Url(request.RequestUri)} -> no answer in {timeout.TotalSeconds:0} s");
            throw new TimeoutRejectedException($"No answer within {timeout.TotalSeconds:0} s.", timeout, ex);
        }
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    public void Dispose() => _http.Dispose();
}
