using Sebs.Core.Results;

namespace Sebs.Core.Platforms;

/// <summary>Platforms that measure their sandboxes' memory themselves (the local platform).</summary>
public interface IMemoryStatisticsSource
{
    IReadOnlyList<MemoryStatistics> MemoryStatistics();
}
