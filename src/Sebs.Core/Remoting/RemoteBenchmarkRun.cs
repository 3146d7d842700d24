using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using Sebs.Core.Diagnostics;
using Sebs.Core.Invocation;
using Sebs.Core.Platforms;
using Sebs.Core.Results;
using Sebs.Core.Running;
using Sebs.Core.Validation;

namespace Sebs.Core.Remoting;

/// <summary>
/// Invoke-SebsBenchmark over load hosts: the caller builds and deploys once, prepares the input, and hands the hosts
/// only the HTTP trigger URL and the event. With -ColdStart the run goes in rounds of Concurrency invocations, the
/// caller forcing the cold start before each round as it does for a batch on one machine.
/// </summary>
public static class RemoteBenchmarkRun
{
    /// <summary>Refuses what cannot fan out before anything is deployed or connected.</summary>
    public static void Check(InvokeRequest request)
    {
        if (request.Trigger != TriggerType.Http)
            throw new SebsException(SebsErrorIds.RemoteTriggerUnsupported, SebsErrorKind.InvalidArgument,
                $"Only HTTP triggers fan out over load hosts: a {request.Trigger} trigger calls the provider's API with the caller's credentials, " +
                "which are never handed to the hosts. Use -Trigger Http.", target: request.Benchmark.Name);
    }

    public static async IAsyncEnumerable<ExecutionResult> RunAsync(BenchmarkRunner runner, InvokeRequest request, FanOut fanOut,
        ISebsLog log, IProgress<SebsProgress>? progress, [EnumeratorCancellation] CancellationToken ct = default)
    {
        Check(request);
        const string activity = "Invoke-SebsBenchmark";
        var platform = runner.Platform;
        progress?.Report(new SebsProgress(activity, $"Building and deploying {request.Benchmark.Name}"));
        var (function, _, _) = await runner.DeployAsync(request, ct).ConfigureAwait(false);
        progress?.Report(new SebsProgress(activity, "Preparing input"));
        var payload = await runner.PrepareInputAsync(request, ct).ConfigureAwait(false);
        progress?.Report(new SebsProgress(activity, "Measuring the load hosts' clocks"));
        await fanOut.StartAsync(ct).ConfigureAwait(false);

        var total = Math.Max(1, request.Repetitions);
        var concurrency = Math.Clamp(request.Concurrency, 1, total);
        var validator = request.Validate ? OutputValidators.For(function.Benchmark) ?? (IOutputValidator?)SebsInputPyValidator.For(request.Benchmark) : null;
        var roundSize = request.ColdStart ? concurrency : total;
        var done = 0;
        for (var start = 0; start < total; start += roundSize)
        {
            if (request.ColdStart)
                await platform.EnforceColdStartAsync(new[] { function }, ct).ConfigureAwait(false);
            var work = new FanOutWork(TriggerUrl(platform, function), function.TimeoutSeconds + 30, payload,
                Enumerable.Range(start, Math.Min(roundSize, total - start)).ToArray(), concurrency);
            await foreach (var result in fanOut.RunAsync(work, r => Stamp(r, platform, function, request), ct: ct).ConfigureAwait(false))
            {
                if (result.Failed)
                    await platform.RecoverAsync(function, result, ct).ConfigureAwait(false);
                if (request.Validate)
                    await OutputValidators.ValidateAsync(result, new ValidationContext(function.Benchmark, function.Language, result.Size, payload,
                        result.GetResultJson(), platform.Storage, request.DataRoot,
                        Path.Combine(Path.GetTempPath(), "sebs-validate-" + Guid.NewGuid().ToString("N")[..8])), validator, ct).ConfigureAwait(false);
                done++;
                progress?.Report(new SebsProgress(activity, $"{function.Name}: {done} of {total} invocations over {fanOut.Alive.Count} host(s)", done, total));
                yield return result;
            }
        }
        await fanOut.FinishAsync(ct).ConfigureAwait(false);
    }

    /// <summary>The URL the hosts POST to: the trigger's own when it is a plain HTTP trigger, else the function's.</summary>
    public static string TriggerUrl(IPlatform platform, SebsFunction function)
    {
        var trigger = platform.GetTrigger(function, TriggerType.Http);
        return (trigger as HttpTrigger)?.Url ?? function.Url
            ?? throw new SebsException(SebsErrorIds.RemoteTriggerUnsupported, SebsErrorKind.InvalidOperation,
                $"Function {function.Name} on {platform.Name} has no HTTP trigger URL to give the load hosts.", target: function.Name);
    }

    /// <summary>The context a result on one machine gets from the runner, filled in on the caller (hosts know only the URL).</summary>
    public static void Stamp(ExecutionResult result, IPlatform platform, SebsFunction function, InvokeRequest request)
    {
        result.Benchmark = function.Benchmark;
        result.Platform = platform.Name.ToString();
        result.Region = function.Region;
        result.FunctionName = function.Name;
        result.Language = function.Language;
        result.LanguageVersion = function.LanguageVersion;
        result.FunctionMemoryMB = function.MemoryMB;
        result.Size = request.Payload is null ? request.Size : "custom";
        if (string.IsNullOrEmpty(result.Trigger)) result.Trigger = "http";
    }
}
