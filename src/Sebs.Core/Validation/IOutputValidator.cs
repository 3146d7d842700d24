using System.Text.Json.Nodes;
using Sebs.Core.Platforms;

namespace Sebs.Core.Validation;

/// <summary>What a validator gets: the payload sent, the benchmark's return value and a way to fetch produced objects.</summary>
public sealed record ValidationContext(
    string Benchmark,
    string Language,
    string Size,
    JsonObject Payload,
    /// <summary>The benchmark handler's return value (the wrapper's <c>result</c> field), e.g. <c>{"result": ..., "measurement": ...}</c>.</summary>
    JsonNode? Output,
    IObjectStorage? Storage,
    /// <summary>Root of the SeBS benchmark data set, when known (reference outputs live there).</summary>
    string? DataRoot,
    /// <summary>A scratch folder for downloads; deleted afterwards.</summary>
    string WorkDirectory);

/// <summary>
/// Checks one benchmark's output as SeBS's <c>validate_output</c> does. Implementations are found by reflection
/// (any non-abstract class implementing this in Sebs.Core), one per benchmark name.
/// </summary>
public interface IOutputValidator
{
    /// <summary>The benchmark this validates, e.g. <c>110.dynamic-html</c>.</summary>
    string Benchmark { get; }

    /// <summary>Null when the output is valid, otherwise why not.</summary>
    Task<string?> ValidateAsync(ValidationContext context, CancellationToken cancellationToken);
}
