using System.Text.Json.Nodes;

namespace Sebs.Core.Results;

/// <summary>
/// A run of invocations in SeBS's <c>experiments.json</c> / <c>results.json</c> shape (reference §7.6):
/// invocations per function keyed by request id, provider metrics, the run's begin/end and the config it ran with.
/// </summary>
public sealed class ExperimentResult
{
    /// <summary><c>_invocations</c>: function name → invocation key → result, in insertion order.</summary>
    public Dictionary<string, Dictionary<string, ExecutionResult>> Invocations { get; } = new(StringComparer.Ordinal);

    /// <summary><c>_metrics</c>: provider metrics per function (GCP only in SeBS).</summary>
    public JsonObject Metrics { get; set; } = new();

    /// <summary><c>begin_time</c>, epoch seconds.</summary>
    public double? BeginTime { get; set; }

    /// <summary><c>end_time</c>, epoch seconds.</summary>
    public double? EndTime { get; set; }

    /// <summary><c>config</c>: <c>{"deployment": ..., "experiments": ...}</c> as SeBS serialised them.</summary>
    public JsonObject Config { get; set; } = new() { ["deployment"] = new JsonObject(), ["experiments"] = new JsonObject() };

    /// <summary><c>result_bucket</c> (vestigial in SeBS, kept for compatibility).</summary>
    public string? ResultBucket { get; set; }

    /// <summary>The <c>statistics</c> object perf-cost files add at the top level; kept as read.</summary>
    public JsonObject? Statistics { get; set; }

    public int Count => Invocations.Values.Sum(f => f.Count);

    /// <summary>Every invocation, function by function, in the order they were added.</summary>
    public IEnumerable<ExecutionResult> Results => Invocations.Values.SelectMany(f => f.Values);

    /// <summary>Adds an invocation under its function name and returns the key it was stored under.</summary>
    /// <remarks>
    /// The key is the request id, or <c>failed-&lt;n&gt;</c> (n = invocations of that function so far) when it is empty, as in SeBS.
    /// SeBS silently overwrites a repeated request id; here the later one gets a <c>#2</c>, <c>#3</c> suffix instead, so no result is lost.
    /// </remarks>
    public string Add(ExecutionResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (!Invocations.TryGetValue(result.FunctionName, out var function))
            Invocations[result.FunctionName] = function = new Dictionary<string, ExecutionResult>(StringComparer.Ordinal);
        var key = string.IsNullOrEmpty(result.RequestId) ? $"failed-{function.Count}" : result.RequestId;
        var unique = key;
        for (var i = 2; function.ContainsKey(unique); i++) unique = $"{key}#{i}";
        function[unique] = result;
        return unique;
    }

    /// <summary>Sets begin/end from the results' client times when they are not known (e.g. after a crash).</summary>
    public void InferTimesFromResults()
    {
        var withTimes = Results.Where(r => r.Times.ClientBegin != default).ToList();
        if (withTimes.Count == 0) return;
        BeginTime ??= SebsTimestamp.ToEpochSeconds(withTimes.Min(r => r.Times.ClientBegin));
        EndTime ??= SebsTimestamp.ToEpochSeconds(withTimes.Max(r => r.Times.ClientEnd == default ? r.Times.ClientBegin : r.Times.ClientEnd));
    }
}
