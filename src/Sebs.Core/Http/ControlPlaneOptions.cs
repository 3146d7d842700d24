namespace Sebs.Core.Http;

/// <summary>
/// How one service's control-plane calls are retried, timed out and reported. The defaults follow the AWS SDK's
/// standard retry mode (full-jitter exponential backoff, 20 s cap) and Azure.Core's per-try network timeout.
/// </summary>
public sealed record ControlPlaneOptions
{
    /// <summary>The service's name in messages ("AWS lambda", "Azure Resource Manager", ...).</summary>
    public required string Service { get; init; }
    /// <summary>Attempts in all, the first one included.</summary>
    public int MaxAttempts { get; init; } = 5;
    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromMilliseconds(250);
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(20);
    /// <summary>The longest a Retry-After is honoured; a longer one fails the call rather than hanging a run.</summary>
    public TimeSpan MaxRetryAfter { get; init; } = TimeSpan.FromMinutes(2);
    /// <summary>Deadline of one attempt (an upload of a large package included).</summary>
    public TimeSpan PerTryTimeout { get; init; } = TimeSpan.FromMinutes(5);
    /// <summary>
    /// Service-specific transient answers beyond 408/429/5xx, e.g. AWS's ThrottlingException in a 400, ARM's 409
    /// "another operation is in progress", Lambda's ResourceConflictException while an update runs.
    /// </summary>
    public Func<ControlPlaneResponse, bool>? IsTransient { get; init; }
    /// <summary>The error code and message the service put into an error answer.</summary>
    public Func<ControlPlaneResponse, (string Code, string Message)> ErrorOf { get; init; } = DefaultErrorOf;

    /// <summary>JSON bodies with error.code/error.message (ARM, Google) or code/message, else the status and the body's start.</summary>
    public static (string Code, string Message) DefaultErrorOf(ControlPlaneResponse r)
    {
        var json = r.Json();
        var error = json["error"] as System.Text.Json.Nodes.JsonObject ?? json;
        string? Text(string key) => error[key] is System.Text.Json.Nodes.JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
        var code = Text("code") ?? Text("status") ?? r.Status.ToString();
        var message = Text("message") ?? (r.Body.Length > 300 ? r.Body[..300] : r.Body);
        return (code, message);
    }
}

/// <summary>One call's own choices.</summary>
/// <param name="Operation">The API operation's name in messages and logs (CreateFunction, PUT site, ...).</param>
/// <param name="Retry">false for calls that are measurements (a synchronous Invoke): a retried call would not measure one.</param>
/// <param name="ThrowOnError">false returns error answers to the caller (a 404 that means "absent").</param>
/// <param name="Timeout">This call's per-try deadline, when it is not the service's (an Invoke waits as long as the function runs).</param>
public sealed record ControlPlaneCall(string Operation, bool Retry = true, bool ThrowOnError = true, TimeSpan? Timeout = null);
