using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using Sebs.Core.Benchmarks;
using Sebs.Core.Diagnostics;
using Sebs.Core.Packaging;

namespace Sebs.Core.Running;

/// <summary>One case of the regression suite: a benchmark in one language.</summary>
public sealed record RegressionCase(Benchmark Benchmark, string Language)
{
    public override string ToString() => $"{Benchmark.Name} ({Language})";
}

/// <summary>What a regression run needs besides the cases.</summary>
public sealed class RegressionOptions
{
    /// <summary>Folder for the per-case JSON files; created when missing.</summary>
    public required string OutputPath { get; init; }
    /// <summary>How many cases run at the same time (SeBS runs all of them concurrently).</summary>
    public int ThrottleLimit { get; init; } = 2;
    public string Size { get; init; } = "test";
    public string? LanguageVersion { get; init; }
    public string? DataRoot { get; init; }
    public bool UpdateCode { get; init; }
    public bool UpdateStorage { get; init; }
    public IReadOnlyDictionary<string, string> Settings { get; init; } = new Dictionary<string, string>();
}

/// <summary>
/// SeBS's regression suite (sebs/regression.py, reference §11) for any platform: every selected benchmark × language is
/// deployed, invoked once through the HTTP trigger with the test input, and its output validated. Cases run in parallel
/// up to a limit and are reported as each one ends; a failing case never stops the others. Unlike SeBS, a case ends
/// Passed, Failed or Skipped (this machine cannot run it, and says why), and the microbenchmarks that talk back to the
/// client (020, 030, 040) run against the servers their experiments use (<see cref="RegressionServers"/>).
/// </summary>
public sealed class RegressionSuite
{
    public const string Activity = "Invoke-SebsRegression";
    private const string TriggerName = "http";
    private readonly BenchmarkRunner _runner;
    private readonly RegressionOptions _options;
    private readonly ISebsLog _log;

    private readonly UrlSettingProbe _urlProbe;
    private readonly int _firstServerPort;
    private int _serversStarted;

    public RegressionSuite(BenchmarkRunner runner, RegressionOptions options, ISebsLog? log = null, UrlSettingProbe? urlProbe = null)
    {
        _runner = runner;
        _options = options;
        _log = log ?? NullSebsLog.Instance;
        _urlProbe = urlProbe ?? new UrlSettingProbe();
        _firstServerPort = RegressionServers.FirstPort(options.Settings);
    }

    /// <summary>
    /// Every benchmark whose name matches, in every language it declares that is among <paramref name="languages"/>
    /// (all when null or empty), in catalog order.
    /// </summary>
    public static IReadOnlyList<RegressionCase> SelectCases(IEnumerable<Benchmark> benchmarks, Func<string, bool> nameMatches,
        IReadOnlyCollection<string>? languages)
    {
        var cases = new List<RegressionCase>();
        foreach (var b in benchmarks)
        {
            if (!nameMatches(b.Name)) continue;
            foreach (var l in b.Languages)
                if (languages is null || languages.Count == 0 || languages.Contains(l, StringComparer.OrdinalIgnoreCase))
                    cases.Add(new RegressionCase(b, l.ToLowerInvariant()));
        }
        return cases;
    }

    /// <summary>The file name SeBS uses for a case (without the architecture and variant parts, which the local platform lacks).</summary>
    public static string ResultFileName(string platform, string benchmark, string language) =>
        $"regression_{platform.ToLowerInvariant()}_{benchmark}_{language.ToLowerInvariant()}.json";

    /// <summary>Runs the cases, at most <see cref="RegressionOptions.ThrottleLimit"/> at a time, yielding each result as it ends.</summary>
    public IAsyncEnumerable<RegressionResult> RunAsync(IReadOnlyList<RegressionCase> cases, IProgress<SebsProgress>? progress,
        CancellationToken ct = default) => RunAsync(cases, RunCaseAsync, _options.ThrottleLimit, progress, ct);

    /// <summary>The scheduling alone: <paramref name="runCase"/> for every case, at most <paramref name="throttleLimit"/> at a time, in completion order.</summary>
    internal async IAsyncEnumerable<RegressionResult> RunAsync(IReadOnlyList<RegressionCase> cases,
        Func<RegressionCase, CancellationToken, Task<RegressionResult>> runCase, int throttleLimit, IProgress<SebsProgress>? progress,
        [EnumeratorCancellation] CancellationToken ct = default)
    {
        if (cases.Count == 0) yield break;
        Directory.CreateDirectory(_options.OutputPath);
        using var gate = new SemaphoreSlim(Math.Max(1, throttleLimit));
        progress?.Report(new SebsProgress(Activity, $"0 of {cases.Count} cases", 0, cases.Count));
        var stream = CompletionStream.RunAsync<RegressionResult>(cases.Count, writer => Task.WhenAll(cases.Select(async c =>
        {
            await gate.WaitAsync(ct).ConfigureAwait(false);
            try
            {
                var result = await runCase(c, ct).ConfigureAwait(false);
                await writer.WriteAsync(result, ct).ConfigureAwait(false);
            }
            finally { gate.Release(); }
        })), ct);

        await foreach (var (result, done, remaining) in stream.ConfigureAwait(false))
        {
            progress?.Report(new SebsProgress(Activity,
                $"{done} of {cases.Count} cases; {result.Benchmark} ({result.Language}) {result.Outcome.ToString().ToLowerInvariant()}",
                done, cases.Count, remaining));
            yield return result;
        }
    }

    /// <summary>
    /// One case: start the server it talks to (if any), deploy, invoke once with validation, write the JSON. A case that
    /// this machine cannot run (<see cref="UnavailableHereException"/>: input data, a dependency, a runtime or a setting
    /// that is not available here) is Skipped with the reason in one line; every other failure, including an exception
    /// while building or generating input, is Failed with the reason.
    /// </summary>
    public async Task<RegressionResult> RunCaseAsync(RegressionCase c, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var result = new RegressionResult
        {
            Benchmark = c.Benchmark.Name,
            Language = c.Language,
            LanguageVersion = _options.LanguageVersion ?? "",
            Platform = _runner.Platform.Name.ToString(),
        };
        JsonNode? output = null;
        var invoked = false;
        try
        {
            _log.Verbose($"Regression: starting {c}.");
            // Known before anything can fail, so a case that never ran still says which runtime it was for.
            result.LanguageVersion = ResolveVersion(c);
            await _urlProbe.CheckAsync(c.Benchmark, _options.Size, _options.Settings, ct).ConfigureAwait(false);
            await using var servers = RegressionServers.IsNeededBy(c.Benchmark)
                ? await RegressionServers.StartAsync(c.Benchmark, _runner.Platform, _options.Settings, NextServerPort(), _log, ct).ConfigureAwait(false)
                : null;
            var settings = new Dictionary<string, string>(_options.Settings);
            foreach (var (k, v) in servers?.Settings ?? new Dictionary<string, string>()) settings[k] = v;
            var request = new InvokeRequest
            {
                Benchmark = c.Benchmark,
                Language = c.Language,
                LanguageVersion = _options.LanguageVersion,
                Size = _options.Size,
                Repetitions = 1,
                Validate = true,
                DataRoot = _options.DataRoot,
                UpdateCode = _options.UpdateCode,
                UpdateStorage = _options.UpdateStorage,
                Settings = settings,
            };
            // BenchmarkRunner.RunAsync's three steps, with the server's fields put into the generated payload.
            var (function, _, _) = await _runner.DeployAsync(request, ct).ConfigureAwait(false);
            var payload = await _runner.PrepareInputAsync(request, ct).ConfigureAwait(false);
            foreach (var (k, v) in servers?.Payload ?? new JsonObject()) payload[k] = v?.DeepClone();
            await foreach (var r in _runner.InvokeAsync(function, payload, request, progress: null, ct).ConfigureAwait(false))
            {
                invoked = true;
                result.LanguageVersion = r.LanguageVersion;
                result.ClientMs = r.ClientMs;
                result.BenchmarkMs = r.BenchmarkMs;
                result.ColdStart = r.IsCold;
                result.Valid = r.Valid;
                output = r.Output?.DeepClone();
                // A failed invocation's stats are not parsed; the wrapper's own answer still says whether it was cold.
                if (r.Failed && r.Output?["is_cold"] is JsonValue cold && cold.TryGetValue<bool>(out var isCold)) result.ColdStart = isCold;
                if (r.Failed)
                    result.Error = "The invocation failed: " + (r.ErrorMessage ?? "no error message");
                else if (r.Valid == false)
                    result.Error = "The output is not valid: " + (r.ValidationMessage ?? "no reason given");
            }
            if (!invoked) result.Error = "The function was not invoked.";
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { throw; }
        catch (Exception ex)
        {
            if (ex is AggregateException { InnerExceptions.Count: 1 } agg) ex = agg.InnerExceptions[0];
            if (ex is UnavailableHereException skip) result.SkipReason = FirstLine(skip.Message);
            else result.Error = ex.Message;
        }
        result.Outcome = result.SkipReason is not null ? RegressionOutcome.Skipped
            : result.Error is null ? RegressionOutcome.Passed : RegressionOutcome.Failed;
        try
        {
            result.ResultPath = WriteResultFile(result, output);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            _log.Warning($"Could not write the regression file of {c}: {ex.Message}");
        }
        result.Duration = clock.Elapsed;
        _log.Verbose($"Regression: {result}.");
        return result;
    }

    /// <summary>
    /// The runtime version of a case. A platform that has no runtime at all for a language the benchmark declares cannot
    /// run the case (Skipped); a version the caller asked for that the platform lacks is the caller's mistake (Failed).
    /// </summary>
    private string ResolveVersion(RegressionCase c)
    {
        try { return _runner.Platform.Descriptor.Runtimes.Resolve(c.Language, _options.LanguageVersion, _log); }
        catch (SebsException ex) when (ex.ErrorId == SebsErrorIds.UnknownLanguage && _options.LanguageVersion is null)
        {
            throw new UnavailableHereException(ex.ErrorId, ex.Kind, UnavailableReason.Language, ex.Message, ex, c.Benchmark.Name);
        }
    }

    /// <summary>Any free port, or the next of the fixed range starting at the setting <c>server-port</c> (cases run in parallel).</summary>
    private int NextServerPort() => _firstServerPort == 0 ? 0 : _firstServerPort + Interlocked.Increment(ref _serversStarted) - 1;

    private static string FirstLine(string message) => message.Split('\n', 2)[0].Trim();

    /// <summary>
    /// SeBS's <c>{trigger: output}</c>: the wrapper's whole response keyed by the trigger name (null when the function was
    /// never invoked). A failed case also carries <c>"error"</c> with the reason, a skipped one <c>"skipped"</c>.
    /// </summary>
    private string WriteResultFile(RegressionResult result, JsonNode? output)
    {
        var doc = new JsonObject { [TriggerName] = output };
        if (result.Error is not null) doc["error"] = result.Error;
        if (result.SkipReason is not null) doc["skipped"] = result.SkipReason;
        Directory.CreateDirectory(_options.OutputPath);
        var path = Path.Combine(_options.OutputPath, ResultFileName(result.Platform, result.Benchmark, result.Language));
        File.WriteAllText(path, doc.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        return path;
    }
}
