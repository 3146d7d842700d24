using System.Diagnostics;
using System.Text.Json.Nodes;
using Sebs.Core.Invocation;
using Sebs.Core.Results;
using Xunit;
using static Sebs.Tests.Invocation.ScriptedHttpServer;

namespace Sebs.Tests.Invocation;

/// <summary>
/// The HTTP trigger's own HTTP/1.1 client, in both of its modes: blocking (on an invocation thread, where the call must
/// complete before InvokeAsync returns) and asynchronous (anywhere else).
/// </summary>
public class HttpTriggerTests
{
    private static JsonObject Payload() => new() { ["sleep"] = 0 };

    private static async Task<ExecutionResult> Invoke(HttpTrigger trigger, bool blocking, CancellationToken ct = default)
    {
        if (!blocking) return await trigger.InvokeAsync(Payload(), ct);
        ExecutionResult? result = null;
        await InvocationThread.RunAsync(1, () =>
        {
            var task = trigger.InvokeAsync(Payload(), ct);
            Assert.True(task.IsCompleted, "on an invocation thread the call completes before InvokeAsync returns");
            result = task.GetAwaiter().GetResult();
        });
        return result!;
    }

    private static HttpTrigger Trigger(string url, double timeoutSeconds = 10, Sebs.Core.Http.IRequestAuthenticator? auth = null,
        System.Net.Security.RemoteCertificateValidationCallback? validate = null) =>
        new(url, TimeSpan.FromSeconds(timeoutSeconds), () => new ExecutionResult(), auth, validate);

    [Theory, InlineData(false), InlineData(true)]
    public async Task Reads_a_wrapper_response_and_keeps_the_connection(bool blocking)
    {
        using var server = new ScriptedHttpServer((n, head, body) => (new[] { Ok(WrapperBody) }, false));
        using var trigger = Trigger(server.Url);
        var first = await Invoke(trigger, blocking);
        var second = await Invoke(trigger, blocking);
        foreach (var r in new[] { first, second })
        {
            Assert.False(r.Failed, r.ErrorMessage);
            Assert.Equal(250, r.Times.BenchmarkMicroseconds);
            Assert.Equal("r1", r.RequestId);
            Assert.Equal("c1", r.ContainerId);
            Assert.False(r.Stats.ColdStart);
            Assert.True(r.Times.ClientMicroseconds > 0);
            Assert.True(r.Times.HttpFirstByteReturnSeconds > 0);
            Assert.Equal("http", r.Trigger);
        }
        Assert.True(first.Times.HttpStartupSeconds > 0, "the first call connected");
        Assert.Equal(0, second.Times.HttpStartupSeconds);
        Assert.Equal(1, server.Connections);
        var head = server.Heads[0];
        Assert.StartsWith("POST /fn HTTP/1.1\r\n", head);
        Assert.Contains($"\r\nHost: 127.0.0.1:{server.Port}", head);
        Assert.Contains("\r\nContent-Type: application/json", head);
        Assert.Contains("\r\nContent-Length: 11", head);   // {"sleep":0}
    }

    [Theory, InlineData(false), InlineData(true)]
    public async Task A_later_trigger_of_the_same_origin_reuses_the_connection_an_earlier_one_left(bool blocking)
    {
        // As one Invoke-SebsBenchmark after another: each has a trigger of its own, and the pool outlives them.
        using var server = new ScriptedHttpServer((n, _, _) => (new[] { Ok(WrapperBody) }, false));
        using (var first = Trigger(server.Url)) Assert.False((await Invoke(first, blocking)).Failed);
        using var second = Trigger(server.Url + "?again");
        var r = await Invoke(second, blocking);
        Assert.False(r.Failed, r.ErrorMessage);
        Assert.Equal(0, r.Times.HttpStartupSeconds);
        Assert.Equal(1, server.Connections);
        Assert.StartsWith("POST /fn?again HTTP/1.1\r\n", server.Heads[1]);
    }

    [Theory, InlineData(false), InlineData(true)]
    public async Task A_connection_idle_for_longer_than_the_pools_timeout_is_closed(bool blocking)
    {
        using var server = new ScriptedHttpServer((n, _, _) => (new[] { Ok(WrapperBody) }, false));
        using var trigger = Trigger(server.Url);
        Assert.False((await Invoke(trigger, blocking)).Failed);
        var pool = Http11ConnectionPool.For(new Uri(server.Url), validateCertificate: null);
        pool.Sweep(Environment.TickCount64);
        Assert.Equal(1, pool.IdleCount);   // not idle for long yet: kept
        pool.Sweep(Environment.TickCount64 + (long)Http11ConnectionPool.IdleTimeout.TotalMilliseconds + 1);
        Assert.Equal(0, pool.IdleCount);
        Assert.False((await Invoke(trigger, blocking)).Failed);
        Assert.Equal(2, server.Connections);
    }

    [Theory, InlineData(false), InlineData(true)]
    public async Task Reads_a_chunked_body_with_extensions_and_trailers_across_writes(bool blocking)
    {
        var body = WrapperBody;
        var a = body[..40];
        var b = body[40..];
        using var server = new ScriptedHttpServer((n, _, _) => (new[]
        {
            Bytes("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"),
            Bytes($"{a.Length:x};ext=1\r\n{a}\r\n"),
            Bytes($"{b.Length:X}\r\n{b}\r\n0\r\nX-Trailer: t\r\n\r\n"),
        }, false));
        using var trigger = Trigger(server.Url);
        for (var i = 0; i < 2; i++)
        {
            var r = await Invoke(trigger, blocking);
            Assert.False(r.Failed, r.ErrorMessage);
            Assert.Equal(250, r.Times.BenchmarkMicroseconds);
        }
        Assert.Equal(1, server.Connections);
    }

    [Theory, InlineData(false), InlineData(true)]
    public async Task Reads_a_close_delimited_body_and_opens_a_new_connection_next_time(bool blocking)
    {
        using var server = new ScriptedHttpServer((n, _, _) => (new[] { Bytes("HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n\r\n" + WrapperBody) }, true));
        using var trigger = Trigger(server.Url);
        for (var i = 0; i < 2; i++)
            Assert.False((await Invoke(trigger, blocking)).Failed);
        Assert.Equal(2, server.Connections);
    }

    [Theory, InlineData(false), InlineData(true)]
    public async Task Skips_interim_responses_and_honours_connection_close(bool blocking)
    {
        using var server = new ScriptedHttpServer((n, _, _) => (new[]
        {
            Bytes("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </x>\r\n\r\n"),
            Ok(WrapperBody, "Connection: close\r\n"),
        }, false));
        using var trigger = Trigger(server.Url);
        for (var i = 0; i < 2; i++)
        {
            var r = await Invoke(trigger, blocking);
            Assert.False(r.Failed, r.ErrorMessage);
        }
        Assert.Equal(2, server.Connections);
    }

    [Theory, InlineData(false), InlineData(true)]
    public async Task An_idle_connection_the_server_closed_is_not_reused(bool blocking)
    {
        using var server = new ScriptedHttpServer((n, _, _) => (new[] { Ok(WrapperBody) }, true));
        using var trigger = Trigger(server.Url);
        Assert.False((await Invoke(trigger, blocking)).Failed);
        await Task.Delay(100);   // the close reaches the client while the connection is idle
        var r = await Invoke(trigger, blocking);
        Assert.False(r.Failed, r.ErrorMessage);
        Assert.Equal(2, server.Requests);
        Assert.Equal(2, server.Connections);
    }

    [Theory, InlineData(false), InlineData(true)]
    public async Task A_request_a_kept_alive_connection_dropped_unanswered_goes_out_again_once(bool blocking)
    {
        // Request 1 is read on the kept-alive connection and dropped with no answer, as a server closing an idle
        // connection at that moment does; request 2 is the same call, sent again on a new connection.
        using var server = new ScriptedHttpServer((n, _, _) => n == 1 ? (Array.Empty<byte[]>(), true) : (new[] { Ok(WrapperBody) }, false));
        using var trigger = Trigger(server.Url);
        Assert.False((await Invoke(trigger, blocking)).Failed);
        var r = await Invoke(trigger, blocking);
        Assert.False(r.Failed, r.ErrorMessage);
        Assert.Equal(3, server.Requests);
        Assert.Equal(2, server.Connections);
    }

    [Theory, InlineData(false), InlineData(true)]
    public async Task A_fresh_connection_that_fails_is_a_failed_result(bool blocking)
    {
        using var server = new ScriptedHttpServer((n, _, _) => (Array.Empty<byte[]>(), true));
        using var trigger = Trigger(server.Url);
        var r = await Invoke(trigger, blocking);
        Assert.True(r.Failed);
        Assert.Contains("closed the connection without a response", r.ErrorMessage);
        Assert.Equal(1, server.Requests);   // never sent twice
    }

    [Theory, InlineData(false), InlineData(true)]
    public async Task Refused_connections_are_failed_results(bool blocking)
    {
        var port = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        port.Start();
        var url = $"http://127.0.0.1:{((System.Net.IPEndPoint)port.LocalEndpoint).Port}/";
        port.Stop();
        using var trigger = Trigger(url);
        var r = await Invoke(trigger, blocking);
        Assert.True(r.Failed);
        Assert.StartsWith($"HTTP request to {url} failed", r.ErrorMessage);
    }

    [Theory, InlineData(false), InlineData(true)]
    public async Task A_call_that_does_not_answer_times_out(bool blocking)
    {
        using var server = new ScriptedHttpServer((n, _, _) => (Array.Empty<byte[]>(), false));
        using var trigger = Trigger(server.Url, timeoutSeconds: 0.5);
        var sw = Stopwatch.StartNew();
        var r = await Invoke(trigger, blocking);
        Assert.True(r.Failed);
        Assert.True(r.TimedOut);
        Assert.Contains("timeout of 0.5 s", r.ErrorMessage);
        Assert.InRange(sw.Elapsed.TotalSeconds, 0.4, 5);
    }

    [Theory, InlineData(false), InlineData(true)]
    public async Task Cancellation_ends_a_waiting_call(bool blocking)
    {
        using var server = new ScriptedHttpServer((n, _, _) => (Array.Empty<byte[]>(), false));
        using var trigger = Trigger(server.Url, timeoutSeconds: 60);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        var sw = Stopwatch.StartNew();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Invoke(trigger, blocking, cts.Token));
        Assert.True(sw.Elapsed.TotalSeconds < 5);
    }

    [Theory, InlineData(false), InlineData(true)]
    public async Task Status_codes_shape_the_result(bool blocking)
    {
        var error = "{\"is_cold\":true,\"error\":{\"type\":\"ValueError\",\"message\":\"bad\"}}";
        using var server = new ScriptedHttpServer((n, _, _) => n switch
        {
            0 => (new[] { Bytes($"HTTP/1.1 500 Internal Server Error\r\nContent-Length: {error.Length}\r\n\r\n{error}") }, false),
            1 => (new[] { Bytes("HTTP/1.1 429 Too Many Requests\r\nContent-Length: 5\r\n\r\nslow!") }, false),
            2 => (new[] { Bytes($"HTTP/1.1 502 Bad Gateway\r\nContent-Length: {WrapperBody.Length}\r\n\r\n{WrapperBody}") }, false),
            _ => (new[] { Bytes("HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nnot json!") }, false),
        });
        using var trigger = Trigger(server.Url);
        var failedInFunction = await Invoke(trigger, blocking);
        Assert.True(failedInFunction.Failed);
        Assert.Equal("HTTP 500: ValueError: bad", failedInFunction.ErrorMessage);
        Assert.True(failedInFunction.Stats.ColdStart);
        var throttled = await Invoke(trigger, blocking);
        Assert.True(throttled.Throttled);
        Assert.Equal("HTTP 429: the response is not JSON: slow!", throttled.ErrorMessage);
        var gateway = await Invoke(trigger, blocking);
        Assert.Equal("HTTP 502 Bad Gateway", gateway.ErrorMessage);
        var notJson = await Invoke(trigger, blocking);
        Assert.Equal("HTTP 200: the response is not JSON: not json!", notJson.ErrorMessage);
        Assert.Equal(1, server.Connections);
    }

    private sealed class HeaderAuthenticator : Sebs.Core.Http.IRequestAuthenticator
    {
        public ValueTask AuthenticateAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            request.Headers.TryAddWithoutValidation("Authorization", "Test signature=abc");
            request.Headers.TryAddWithoutValidation("X-Amz-Date", "20261201T000000Z");
            return ValueTask.CompletedTask;
        }
    }

    [Theory, InlineData(false), InlineData(true)]
    public async Task Sends_the_headers_the_authenticator_signed(bool blocking)
    {
        using var server = new ScriptedHttpServer((n, _, _) => (new[] { Ok(WrapperBody) }, false));
        using var trigger = Trigger(server.Url, auth: new HeaderAuthenticator());
        Assert.False((await Invoke(trigger, blocking)).Failed);
        var head = server.Heads[0];
        Assert.Contains("\r\nAuthorization: Test signature=abc", head);
        Assert.Contains("\r\nX-Amz-Date: 20261201T000000Z", head);
        Assert.Single(head.Split("\r\n"), l => l.StartsWith("Content-Type:", StringComparison.Ordinal));
        Assert.Single(head.Split("\r\n"), l => l.StartsWith("Host:", StringComparison.Ordinal));
    }

    [Theory, InlineData(false), InlineData(true)]
    public async Task Speaks_tls_and_refuses_an_untrusted_certificate(bool blocking)
    {
        using var certificate = SelfSigned();
        using var server = new ScriptedHttpServer((n, _, _) => (new[] { Ok(WrapperBody) }, false), certificate);
        using (var trusting = Trigger(server.Url, validate: (_, cert, _, _) => cert?.GetCertHashString() == certificate.GetCertHashString()))
        {
            for (var i = 0; i < 2; i++)
            {
                var r = await Invoke(trusting, blocking);
                Assert.False(r.Failed, r.ErrorMessage);
            }
        }
        Assert.Equal(1, server.Connections);
        using var strict = Trigger(server.Url);
        var refused = await Invoke(strict, blocking);
        Assert.True(refused.Failed);
        Assert.StartsWith($"HTTP request to {server.Url} failed", refused.ErrorMessage);
    }

    [Fact]
    public async Task The_window_runs_every_piece_on_invocation_threads_and_reports_a_failure()
    {
        var seen = new System.Collections.Concurrent.ConcurrentBag<(int Index, bool OnInvocationThread)>();
        await Sebs.Core.Running.SlidingWindow.RunAsync(40, 4, (i, _) =>
        {
            seen.Add((i, InvocationThread.IsCurrent));
            return Task.CompletedTask;
        }, CancellationToken.None);
        Assert.Equal(Enumerable.Range(0, 40), seen.Select(s => s.Index).OrderBy(i => i));
        Assert.All(seen, s => Assert.True(s.OnInvocationThread));
        Assert.False(InvocationThread.IsCurrent);

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => Sebs.Core.Running.SlidingWindow.RunAsync(10, 3,
            (i, _) => i == 5 ? throw new InvalidOperationException("piece 5") : Task.CompletedTask, CancellationToken.None));
        Assert.Equal("piece 5", ex.Message);
    }
}
