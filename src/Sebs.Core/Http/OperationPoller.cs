using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace Sebs.Core.Http;

/// <summary>One look at a long-running operation: done or not, its value, and how long the service asked to wait.</summary>
public readonly record struct PollStep<T>(bool Done, T? Value, string Status = "", TimeSpan? RetryAfter = null)
{
    public static PollStep<T> Finished(T value, string status = "done") => new(true, value, status);
    /// <param name="value">What is known so far, returned when the attempts run out (<see cref="PollOptions.MaxAttempts"/>).</param>
    public static PollStep<T> Running(string status, TimeSpan? retryAfter = null, T? value = default) => new(false, value, status, retryAfter);
}

/// <summary>How often and how long to poll.</summary>
public sealed record PollOptions(TimeSpan Interval, TimeSpan Deadline, string What)
{
    /// <summary>The longest wait between looks when the service names none and polls back off.</summary>
    public TimeSpan MaxInterval { get; init; } = TimeSpan.FromSeconds(10);
    public bool BackOff { get; init; }
    /// <summary>Looks in all; when they run out the last look's value is returned (a deadline throws instead).</summary>
    public int? MaxAttempts { get; init; }
}

/// <summary>
/// Polls a long-running operation until it is done (AWS waiters, ARM's Azure-AsyncOperation/Location, Google
/// operations, an app that must answer after a restart), on Polly: Retry-After honoured, a deadline, never for ever
/// (SeBS's GCP loop could spin without end, its issue #156).
/// </summary>
public static class OperationPoller
{
    public static async Task<T> PollAsync<T>(Func<CancellationToken, Task<PollStep<T>>> look, PollOptions options, CancellationToken ct)
    {
        var last = "not started";
        var pipeline = new ResiliencePipelineBuilder<PollStep<T>>()
            .AddTimeout(new TimeoutStrategyOptions { Timeout = options.Deadline })
            .AddRetry(new RetryStrategyOptions<PollStep<T>>
            {
                MaxRetryAttempts = options.MaxAttempts is { } max ? Math.Max(0, max - 1) : int.MaxValue,
                BackoffType = options.BackOff ? DelayBackoffType.Exponential : DelayBackoffType.Constant,
                Delay = options.Interval,
                MaxDelay = options.MaxInterval,
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is null && !args.Outcome.Result.Done),
                DelayGenerator = args => ValueTask.FromResult(args.Outcome.Result.RetryAfter),
            })
            .Build();
        try
        {
            var step = await pipeline.ExecuteAsync(async token =>
            {
                var s = await look(token).ConfigureAwait(false);
                last = s.Status;
                return s;
            }, ct).ConfigureAwait(false);
            return step.Value!;
        }
        catch (TimeoutRejectedException ex)
        {
            throw new SebsException(SebsErrorIds.CloudRequestFailed, SebsErrorKind.OperationTimeout,
                $"{options.What} did not finish within {options.Deadline.TotalSeconds:0} s (last status: {last}).", ex, target: options.What);
        }
    }
}
