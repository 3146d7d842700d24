using Sebs.Core.Results;
using Sebs.Platforms.Local.Sandboxes;

namespace Sebs.Platforms.Local;

/// <summary>Samples every running sandbox's memory at a fixed interval on a background timer.</summary>
internal sealed class MemoryMonitor : IDisposable
{
    private readonly object _gate = new();
    private readonly Dictionary<string, (SandboxInstance Instance, ISandboxHost Host, MemoryStatistics Stats, double Sum)> _tracked = new();
    private readonly Timer _timer;
    private readonly TimeSpan _interval;
    private DateTime _lastTick = DateTime.UtcNow;

    public MemoryMonitor(TimeSpan interval)
    {
        _interval = interval;
        _timer = new Timer(_ => Sample(), null, interval, interval);
    }

    public void Track(string functionName, SandboxInstance instance, ISandboxHost host)
    {
        lock (_gate)
            _tracked[instance.InstanceId] = (instance, host, new MemoryStatistics
            {
                Platform = LocalPlatformFactory.Local.Name.Value, FunctionName = functionName, InstanceId = instance.InstanceId, Sandbox = instance.Kind.ToString(),
                IntervalMs = _interval.TotalMilliseconds,
            }, 0);
    }

    /// <summary>Stops sampling an instance and keeps its final statistics.</summary>
    public void Untrack(string instanceId)
    {
        lock (_gate)
            if (_tracked.Remove(instanceId, out var t)) _finished.Add(t.Stats);
    }

    private readonly List<MemoryStatistics> _finished = new();

    public IReadOnlyList<MemoryStatistics> Snapshot()
    {
        Sample();
        lock (_gate) return _finished.Concat(_tracked.Values.Select(t => t.Stats)).ToList();
    }

    private void Sample()
    {
        lock (_gate)
        {
            var now = DateTime.UtcNow;
            var late = now - _lastTick > _interval * 1.5;
            _lastTick = now;
            foreach (var id in _tracked.Keys.ToList())
            {
                var t = _tracked[id];
                if (t.Host.ReadMemory(t.Instance) is not { } m) continue;
                t.Sum += m.CurrentMB;
                t.Stats.Samples++;
                t.Stats.MeanMB = t.Sum / t.Stats.Samples;
                t.Stats.MaxMB = Math.Max(t.Stats.MaxMB, m.CurrentMB);
                if (m.PeakMB is { } p) t.Stats.PeakMB = Math.Max(t.Stats.PeakMB ?? 0, p);
                if (late) t.Stats.PrecisionErrors++;
                _tracked[id] = t;
            }
        }
    }

    public void Dispose() => _timer.Dispose();
}
