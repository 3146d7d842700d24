using Sebs.Core.Packaging;

namespace Sebs.Platforms.Local.Sandboxes;

/// <summary>How a local function runs: a Docker container or a host process, each serving HTTP on 127.0.0.1.</summary>
public enum SandboxKind
{
    Auto,
    Process,
    Docker,
}

/// <summary>A running function instance.</summary>
public sealed record SandboxInstance(SandboxKind Kind, string InstanceId, int Port, DateTime Started)
{
    public string Url => $"http://127.0.0.1:{Port}/";
}

/// <summary>What a sandbox needs to start one function instance.</summary>
public sealed record SandboxSpec(string FunctionName, CodePackage Package, int MemoryMB, IReadOnlyDictionary<string, string> Environment,
    string LogDirectory, IReadOnlyList<string> WritableFolders);

/// <summary>Peak and current memory of one instance, MB.</summary>
public readonly record struct MemorySample(double CurrentMB, double? PeakMB);

public interface ISandboxHost
{
    SandboxKind Kind { get; }
    Task<SandboxInstance> StartAsync(SandboxSpec spec, CancellationToken cancellationToken);
    Task StopAsync(SandboxInstance instance, CancellationToken cancellationToken);
    /// <summary>True when the instance still exists (process or container); readiness is checked over HTTP separately.</summary>
    Task<bool> ExistsAsync(SandboxInstance instance, CancellationToken cancellationToken);
    /// <summary>Memory of the instance now, or null when it cannot be read.</summary>
    MemorySample? ReadMemory(SandboxInstance instance);
}
