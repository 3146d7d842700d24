using System.Text.Json.Nodes;
using Sebs.Core.Benchmarks;
using Sebs.Core.Platforms;

namespace Sebs.Core.Running;

/// <summary>Everything <c>Invoke-SebsBenchmark</c> asks for, in Core terms.</summary>
public sealed class InvokeRequest
{
    public required Benchmark Benchmark { get; init; }
    public string Size { get; init; } = "test";
    public required string Language { get; init; }
    public string? LanguageVersion { get; init; }
    public string Architecture { get; init; } = "x64";
    public int Repetitions { get; init; } = 1;
    public int Concurrency { get; init; } = 1;
    public TriggerType Trigger { get; init; } = TriggerType.Http;
    /// <summary>Overrides the benchmark's memory (MB).</summary>
    public int? MemoryMB { get; init; }
    /// <summary>Overrides the benchmark's timeout (s).</summary>
    public int? TimeoutSeconds { get; init; }
    /// <summary>Used instead of the generated input.</summary>
    public JsonObject? Payload { get; init; }
    public bool UpdateCode { get; init; }
    public bool UpdateStorage { get; init; }
    /// <summary>Make every invocation (every batch, with concurrency) a cold start.</summary>
    public bool ColdStart { get; init; }
    public string? FunctionName { get; init; }
    public IReadOnlyDictionary<string, string> Settings { get; init; } = new Dictionary<string, string>();
    public string? DataRoot { get; init; }
    /// <summary>Check each output as SeBS's validate_output does (sets Valid and ValidationMessage).</summary>
    public bool Validate { get; init; }
}
