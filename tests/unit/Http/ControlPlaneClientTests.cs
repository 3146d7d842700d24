using System.Net;
using Sebs.Core;
using Sebs.Core.Diagnostics;
using Sebs.Core.Http;
using Xunit;

namespace Sebs.Tests.Http;

public class ControlPlaneClientTests
{
    /// <summary>Answers from a script, one per attempt, and records what was sent.</summary>
    private sealed class ScriptedHandler(params Func<HttpRequestMessage, Task<HttpResponseMessage>>[] answers) : HttpMessageHandler
    {
        public List<HttpRequestMessage> Requests { get; } = new();
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            Requests.Add(request);
            var answer = answers[Math.Min(Requests.Count - 1, answers.Length - 1)];
            return await answer(request).ConfigureAwait(false);
        }
    }

    private sealed class CountingAuthenticator : IRequestAuthenticator
    {
        public int Calls;
        public ValueTask AuthenticateAsync(HttpRequestMessage request, CancellationToken ct)
        {
            request.Headers.TryAddWithoutValidation("Authorization", "Bearer token-" + Interlocked.Increment(ref Calls));
            return ValueTask.CompletedTask;
        }
    }

    private sealed class ListLog : ISebsLog
    {
        public List<string> Lines { get; } = new();
        public void Verbose(string message) { lock (Lines) Lines.Add(message); }
        public void Warning(string message) { lock (Lines) Lines.Add(message); }
        public void Debug(string message) { lock (Lines) Lines.Add(message); }
    }

    private static Func<HttpRequestMessage, Task<HttpResponseMessage>> Answer(HttpStatusCode status, string body = "", string? retryAfter = null) => _ =>
    {
        var r = new HttpResponseMessage(status) { Content = new StringContent(body) };
        if (retryAfter is not null) r.Headers.TryAddWithoutValidation("Retry-After", retryAfter);
        return Task.FromResult(r);
    };

    private static ControlPlaneOptions Options(int attempts = 4) => new()
    {
        Service = "Test API", MaxAttempts = attempts, BaseDelay = TimeSpan.FromMilliseconds(1), MaxDelay = TimeSpan.FromMilliseconds(5),
    };

    private static HttpRequestMessage Get() => new(HttpMethod.Get, "https://api.example.test/things?sig=SECRETSIG&api-version=1");

    [Fact]
    public async Task Throttling_is_retried_honouring_Retry_After_and_each_attempt_is_authenticated_again()
    {
        var handler = new ScriptedHandler(Answer((HttpStatusCode)429, "{}", "0"), Answer(HttpStatusCode.OK, "{\"ok\":true}"));
        var auth = new CountingAuthenticator();
        using var client = new ControlPlaneClient(Options(), auth, NullSebsLog.Instance, handler);

        var response = await client.SendAsync(Get, new ControlPlaneCall("GetThing"), CancellationToken.None);

        Assert.True(response.Ok);
        Assert.Equal(2, handler.Requests.Count);
        Assert.Equal(2, auth.Calls);
        Assert.Equal("Bearer token-2", handler.Requests[1].Headers.Authorization!.ToString());
    }

    [Fact]
    public async Task Server_errors_exhaust_the_attempts_then_fail_with_the_services_code_and_message()
    {
        var handler = new ScriptedHandler(Answer(HttpStatusCode.ServiceUnavailable, "{\"error\":{\"code\":\"Busy\",\"message\":\"try later\"}}"));
        using var client = new ControlPlaneClient(Options(3), null, NullSebsLog.Instance, handler);

        var ex = await Assert.ThrowsAsync<CloudRequestException>(() => client.SendAsync(Get, new ControlPlaneCall("GetThing"), CancellationToken.None));

        Assert.Equal(3, handler.Requests.Count);
        Assert.Equal("Busy", ex.Code);
        Assert.Equal(SebsErrorIds.CloudRequestFailed, ex.ErrorId);
        Assert.Contains("Test API GetThing failed: Busy (HTTP 503): try later", ex.Message);
    }

    [Fact]
    public async Task Client_errors_are_not_retried_unless_the_service_calls_them_transient()
    {
        var handler = new ScriptedHandler(Answer(HttpStatusCode.BadRequest, "{\"code\":\"Invalid\",\"message\":\"no\"}"));
        using var client = new ControlPlaneClient(Options(), null, NullSebsLog.Instance, handler);
        await Assert.ThrowsAsync<CloudRequestException>(() => client.SendAsync(Get, new ControlPlaneCall("Put"), CancellationToken.None));
        Assert.Single(handler.Requests);

        var conflict = new ScriptedHandler(Answer(HttpStatusCode.Conflict, "{\"error\":{\"code\":\"AnotherOperationInProgress\"}}"), Answer(HttpStatusCode.OK));
        using var arm = new ControlPlaneClient(Options() with { IsTransient = r => Options().ErrorOf(r).Code == "AnotherOperationInProgress" }, null, NullSebsLog.Instance, conflict);
        Assert.True((await arm.SendAsync(Get, new ControlPlaneCall("Put"), CancellationToken.None)).Ok);
        Assert.Equal(2, conflict.Requests.Count);
    }

    [Fact]
    public async Task A_measured_call_is_sent_once_and_its_answer_returned_as_it_came()
    {
        var handler = new ScriptedHandler(Answer((HttpStatusCode)429, "{}", "0"));
        using var client = new ControlPlaneClient(Options(), null, NullSebsLog.Instance, handler);

        var response = await client.SendAsync(Get, new ControlPlaneCall("Invoke", Retry: false, ThrowOnError: false), CancellationToken.None);

        Assert.Equal((HttpStatusCode)429, response.Status);
        Assert.Single(handler.Requests);
    }

    [Fact]
    public async Task Each_attempt_has_its_own_deadline()
    {
        var handler = new ScriptedHandler(async _ => { await Task.Delay(TimeSpan.FromSeconds(5)); return new HttpResponseMessage(HttpStatusCode.OK); });
        using var client = new ControlPlaneClient(Options(2) with { PerTryTimeout = TimeSpan.FromMilliseconds(100) }, null, NullSebsLog.Instance, handler);

        var ex = await Assert.ThrowsAsync<SebsException>(() => client.SendAsync(Get, new ControlPlaneCall("Slow"), CancellationToken.None));

        Assert.Equal(SebsErrorKind.OperationTimeout, ex.Kind);
        Assert.Equal(2, handler.Requests.Count);
    }

    [Fact]
    public async Task Request_logs_mask_access_parameters_and_never_carry_the_token()
    {
        var log = new ListLog();
        var handler = new ScriptedHandler(Answer(HttpStatusCode.OK));
        using var client = new ControlPlaneClient(Options(), new BearerTokenAuthenticator(_ => ValueTask.FromResult("TOP-SECRET-TOKEN")), log, handler);

        await client.SendAsync(() => new HttpRequestMessage(HttpMethod.Get, "https://x.test/a?code=FUNCKEY&sig=SAS&api-version=2024-04-01"), new ControlPlaneCall("Get"), CancellationToken.None);

        var all = string.Join("\n", log.Lines);
        Assert.Contains("api-version=2024-04-01", all);
        Assert.DoesNotContain("FUNCKEY", all);
        Assert.DoesNotContain("SAS", all);
        Assert.DoesNotContain("TOP-SECRET-TOKEN", all);
        Assert.Equal("Bearer TOP-SECRET-TOKEN", handler.Requests[0].Headers.Authorization!.ToString());
    }

    [Fact]
    public void Retry_After_is_read_as_seconds_a_date_or_milliseconds()
    {
        ControlPlaneResponse With(string name, string value) => new(HttpStatusCode.TooManyRequests, "", new Dictionary<string, string> { [name] = value });
        Assert.Equal(TimeSpan.FromSeconds(7), With("retry-after", "7").RetryAfter);
        Assert.Equal(TimeSpan.FromMilliseconds(1500), With("x-ms-retry-after-ms", "1500").RetryAfter);
        var future = With("retry-after", DateTimeOffset.UtcNow.AddSeconds(30).ToString("R")).RetryAfter!.Value;
        Assert.InRange(future.TotalSeconds, 25, 31);
        Assert.Null(With("retry-after", "soon").RetryAfter);
    }
}
