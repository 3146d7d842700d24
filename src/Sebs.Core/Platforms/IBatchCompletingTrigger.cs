using System.Text.Json.Nodes;
using Sebs.Core.Results;

namespace Sebs.Core.Platforms;

/// <summary>
/// A trigger with work after an invocation that one reading can do for many results: a local sandbox's memory. A caller
/// that streams results in batches invokes with <see cref="InvokeForBatchAsync"/> and completes each batch once, after
/// all of its invocations have ended. At 5,000 invocations a second, reading /proc after every invocation was a fifth
/// of an invocation thread's CPU (issue 15). <see cref="IFunctionTrigger.InvokeAsync"/> still completes each result.
/// </summary>
public interface IBatchCompletingTrigger : IFunctionTrigger
{
    /// <summary>Invokes once, as <see cref="IFunctionTrigger.InvokeAsync"/> does, but leaves out what <see cref="CompleteBatch"/> adds.</summary>
    Task<ExecutionResult> InvokeForBatchAsync(JsonObject payload, CancellationToken cancellationToken);

    /// <summary>Adds to results of <see cref="InvokeForBatchAsync"/>, whose invocations have all ended, what one reading serves for all.</summary>
    void CompleteBatch(IReadOnlyList<ExecutionResult> results);
}
