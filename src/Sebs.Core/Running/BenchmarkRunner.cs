using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using Sebs.Core.Caching;
using Sebs.Core.Diagnostics;
using Sebs.Core.Inputs;
using Sebs.Core.Packaging;
using Sebs.Core.Platforms;
using Sebs.Core.Results;
using Sebs.Core.Validation;

namespace Sebs.Core.Running;

/// <summary>
/// The one data path: code package (cached by hash) -> function (created, updated or reused) -> input (uploaded
/// once) -> invocations, streamed as they complete. Experiments compose the same steps.
/// </summary>
public sealed class BenchmarkRunner
{
    private readonly IPlatform _platform;
    private readonly SebsCache _cache;
    private readonly CodePackageBuilder _builder;
    private readonly ISebsLog _log;

    public BenchmarkRunner(IPlatform platform, SebsCache cache, CodePackageBuilder builder, ISebsLog? log = null)
    {
        _platform = platform;
        _cache = cache;
        _builder = builder;
        _log = log ?? NullSebsLog.Instance;
    }

    public IPlatform Platform => _platform;

    public async Task<CodePackage> BuildAsync(InvokeRequest request, CancellationToken ct)
    {
        var language = LanguageRuntimes.NormalizeLanguage(request.Language);
        var version = _platform.Descriptor.Runtimes.Resolve(language, request.LanguageVersion, _log);
        var installer = await _platform.DependencyInstallerAsync(language, version, ct).ConfigureAwait(false);
        return await _builder.BuildAsync(new PackageRequest(request.Benchmark, _platform.Name, language, version, request.Architecture, request.UpdateCode) { Layout = _platform.PackageLayout },
            installer, ct).ConfigureAwait(false);
    }

    /// <summary>SeBS's get_function: build, then create the function, or reuse/update the cached one.</summary>
    public async Task<(SebsFunction Function, CodePackage Package, string Action)> DeployAsync(InvokeRequest request, CancellationToken ct)
    {
        if (request.FunctionName is { } requested) SafeName.Check(requested, "-FunctionName");
        // SeBS's initialize: the platform's shared resources (role, resource group, buckets) exist before any function.
        await _platform.InitializeAsync(ct).ConfigureAwait(false);
        var package = await BuildAsync(request, ct).ConfigureAwait(false);
        var b = request.Benchmark;
        var name = request.FunctionName ?? _platform.DefaultFunctionName(b, package.Language, package.LanguageVersion);
        var config = new FunctionConfig(request.MemoryMB ?? b.MemoryMB, request.TimeoutSeconds ?? b.TimeoutSeconds,
            package.Language, package.LanguageVersion, request.Architecture);
        var env = _platform.FunctionEnvironment(b);

        SebsFunction? function = null;
        if (_cache.GetFunction(b.Name, _platform.Name, package.Language, name) is { } cachedJson)
        {
            var cached = _platform.RestoreFunction(cachedJson);
            if (await _platform.ReattachAsync(cached, ct).ConfigureAwait(false)) function = cached;
            else _log.Verbose($"Cached function {name} is gone; creating it again.");
        }

        string action;
        if (function is null)
        {
            function = await _platform.CreateFunctionAsync(name, package, config, env, ct).ConfigureAwait(false);
            action = "Created";
        }
        else
        {
            action = "Reused";
            if (function.Config != config)
            {
                _log.Verbose($"Configuration of {name} changed; updating.");
                await _platform.UpdateConfigurationAsync(function, config, env, ct).ConfigureAwait(false);
                function.Config = config;
                action = "Updated";
            }
            if (function.CodeHash != package.Hash || package.Rebuilt)
            {
                _log.Verbose($"Code of {name} changed ({function.CodeHash} -> {package.Hash}); updating.");
                await _platform.UpdateCodeAsync(function, package, env, ct).ConfigureAwait(false);
                action = "Updated";
            }
        }
        function.CodeHash = package.Hash;
        _cache.SetFunction(b.Name, _platform.Name, package.Language, name, function.ToJson());
        _log.Verbose($"{action} function {name} at {function.Url}.");
        return (function, package, action);
    }

    /// <summary>Records a function's current state in the cache (after an experiment changed its code or configuration).</summary>
    public void Remember(SebsFunction function) =>
        _cache.SetFunction(function.Benchmark, _platform.Name, function.Language, function.Name, function.ToJson());

    public Task<JsonObject> PrepareInputAsync(InvokeRequest request, CancellationToken ct) =>
        request.Payload is not null
            ? Task.FromResult((JsonObject)request.Payload.DeepClone())
            : InputGenerator.GenerateAsync(request.Benchmark, request.Size,
                new InputContext(_platform.Storage, _platform.Name, _cache, request.DataRoot, request.Settings, request.UpdateStorage, _log,
                    (_platform as NoSql.INoSqlPlatform)?.NoSql), ct);

    /// <summary>Deploys, prepares input and streams one result per invocation as it completes.</summary>
    public async IAsyncEnumerable<ExecutionResult> RunAsync(InvokeRequest request, IProgress<SebsProgress>? progress,
        [EnumeratorCancellation] CancellationToken ct = default)
    {
        await foreach (var batch in RunBatchesAsync(request, progress, ct).ConfigureAwait(false))
            foreach (var r in batch) yield return r;
    }

    /// <summary><see cref="RunAsync"/> as batches of the results that completed together (see <see cref="InvokeBatchesAsync"/>).</summary>
    public async IAsyncEnumerable<IReadOnlyList<ExecutionResult>> RunBatchesAsync(InvokeRequest request, IProgress<SebsProgress>? progress,
        [EnumeratorCancellation] CancellationToken ct = default)
    {
        const string activity = "Invoke-SebsBenchmark";
        progress?.Report(new SebsProgress(activity, $"Building and deploying {request.Benchmark.Name}"));
        var (function, _, _) = await DeployAsync(request, ct).ConfigureAwait(false);
        progress?.Report(new SebsProgress(activity, "Preparing input"));
        var payload = await PrepareInputAsync(request, ct).ConfigureAwait(false);
        await foreach (var batch in InvokeBatchesAsync(function, payload, request, progress, ct).ConfigureAwait(false))
            yield return batch;
    }

    /// <summary>Invokes a deployed function N times with the given concurrency; results stream in completion order.</summary>
    public async IAsyncEnumerable<ExecutionResult> InvokeAsync(SebsFunction function, JsonObject payload, InvokeRequest request,
        IProgress<SebsProgress>? progress, [EnumeratorCancellation] CancellationToken ct = default)
    {
        await foreach (var batch in InvokeBatchesAsync(function, payload, request, progress, ct).ConfigureAwait(false))
            foreach (var r in batch) yield return r;
    }

    /// <summary>
    /// The same, as batches of the results that completed together, so a caller can journal them with one write
    /// before passing each on. Without forced cold starts the invocations run in a sliding window of
    /// <see cref="InvokeRequest.Concurrency"/>; with them, in batches that each meet freshly reset sandboxes.
    /// </summary>
    public async IAsyncEnumerable<IReadOnlyList<ExecutionResult>> InvokeBatchesAsync(SebsFunction function, JsonObject payload, InvokeRequest request,
        IProgress<SebsProgress>? progress, [EnumeratorCancellation] CancellationToken ct = default)
    {
        const string activity = "Invoke-SebsBenchmark";
        var trigger = _platform.GetTrigger(function, request.Trigger);
        // Cold bursts restart the sandboxes between batches, so their results are completed one by one, before that.
        var batched = request.ColdStart ? null : trigger as IBatchCompletingTrigger;
        var total = Math.Max(1, request.Repetitions);
        var concurrency = Math.Clamp(request.Concurrency, 1, total);
        var validator = request.Validate
            ? OutputValidators.For(function.Benchmark) ?? (IOutputValidator?)SebsInputPyValidator.For(request.Benchmark) : null;

        async Task InvokeOneAsync(int i, System.Threading.Channels.ChannelWriter<ExecutionResult> writer)
        {
            var input = (JsonObject)payload.DeepClone();
            var result = await (batched is null ? trigger.InvokeAsync(input, ct) : batched.InvokeForBatchAsync(input, ct)).ConfigureAwait(false);
            Stamp(result, function, request, i);
            if (result.Failed)
                await _platform.RecoverAsync(function, result, ct).ConfigureAwait(false);
            if (request.Validate)
                await OutputValidators.ValidateAsync(result, new ValidationContext(function.Benchmark, function.Language, result.Size, payload,
                    result.GetResultJson(), _platform.Storage, request.DataRoot,
                    Path.Combine(Path.GetTempPath(), "sebs-validate-" + Guid.NewGuid().ToString("N")[..8])), validator, ct).ConfigureAwait(false);
            await writer.WriteAsync(result, ct).ConfigureAwait(false);
        }

        var stream = CompletionStream.RunBatchedAsync<ExecutionResult>(total, async writer =>
        {
            if (!request.ColdStart)
            {
                await SlidingWindow.RunAsync(total, concurrency, (i, _) => InvokeOneAsync(i, writer), ct).ConfigureAwait(false);
                return;
            }
            // SeBS's cold bursts: the sandboxes are reset, then a whole batch meets them at once.
            for (var start = 0; start < total; start += concurrency)
            {
                await _platform.EnforceColdStartAsync(new[] { function }, ct).ConfigureAwait(false);
                await Task.WhenAll(Enumerable.Range(start, Math.Min(concurrency, total - start)).Select(i => InvokeOneAsync(i, writer))).ConfigureAwait(false);
            }
        }, maxBatch: 256, ct);

        // Progress is for people: a few reports a second, not one per invocation (each one is rendered by the host).
        var lastReport = System.Diagnostics.Stopwatch.StartNew();
        await foreach (var (batch, done, remaining) in stream.ConfigureAwait(false))
        {
            batched?.CompleteBatch(batch);
            if (done == total || done == batch.Count || lastReport.ElapsedMilliseconds >= 200)
            {
                progress?.Report(new SebsProgress(activity, $"{function.Name}: {done} of {total} invocations", done, total, remaining));
                lastReport.Restart();
            }
            yield return batch;
        }
    }

    private void Stamp(ExecutionResult result, SebsFunction function, InvokeRequest request, int index)
    {
        result.Benchmark = function.Benchmark;
        result.Platform = _platform.Name.ToString();
        result.Region = function.Region;
        result.FunctionName = function.Name;
        result.Language = function.Language;
        // A platform that knows the runtime really ran (a host interpreter) has set it already.
        if (string.IsNullOrEmpty(result.LanguageVersion)) result.LanguageVersion = function.LanguageVersion;
        result.FunctionMemoryMB = function.MemoryMB;
        result.Size = request.Payload is null ? request.Size : "custom";
        result.Invocation = index;
        if (string.IsNullOrEmpty(result.Trigger)) result.Trigger = request.Trigger.ToString().ToLowerInvariant();
    }
}
