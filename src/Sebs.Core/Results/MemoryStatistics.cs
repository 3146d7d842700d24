namespace Sebs.Core.Results;

/// <summary>Memory of one sandbox over its life: what SeBS's measureMem.py collected, without a helper process.</summary>
public sealed class MemoryStatistics
{
    public string FunctionName { get; init; } = "";
    public string InstanceId { get; init; } = "";
    public string Sandbox { get; init; } = "";
    public string Platform { get; init; } = "";
    public int Samples { get; set; }
    public double MeanMB { get; set; }
    public double MaxMB { get; set; }
    /// <summary>The kernel's own high-water mark (VmHWM / memory.peak), when available.</summary>
    public double? PeakMB { get; set; }
    public double IntervalMs { get; init; }
    /// <summary>Samples that came later than the interval asked for (SeBS's "precision not met").</summary>
    public int PrecisionErrors { get; set; }
}

