namespace Sebs.Core.Results;

/// <summary>
/// Collects numeric values per group and per property, then summarises each group once.
/// Values sit in plain double arrays (8 bytes each) and are sorted once per group at the end,
/// which is what keeps a million results cheap.
/// </summary>
public sealed class GroupedStatistics
{
    private readonly Dictionary<object?[], ValueGroup> _groups = new(GroupKeyComparer.Instance);
    private readonly List<ValueGroup> _order = new();
    private ValueGroup? _last;
    private const int SmallGroupCount = 8;

    public GroupedStatistics(IReadOnlyList<string> groupBy, IReadOnlyList<string> properties)
    {
        if (properties.Count == 0) throw new ArgumentException("at least one property", nameof(properties));
        GroupBy = groupBy.ToArray();
        Properties = properties.ToArray();
    }

    public IReadOnlyList<string> GroupBy { get; }
    public IReadOnlyList<string> Properties { get; }

    /// <summary>
    /// The group for these key values (one per <see cref="GroupBy"/> name). The array may be reused by the caller:
    /// it is copied when a new group starts. Strings compare case-insensitively, as Group-Object does.
    /// </summary>
    public ValueGroup GetGroup(object?[] key)
    {
        // Results usually arrive in runs of one function and type; skip hashing while the key repeats.
        if (_last is not null && GroupKeyComparer.Instance.Equals(_last.Key, key)) return _last;
        // With a handful of groups a scan is cheaper than hashing long function names (same string instances compare by reference).
        if (_order.Count <= SmallGroupCount)
            foreach (var candidate in _order)
                if (GroupKeyComparer.Instance.Equals(candidate.Key, key)) return _last = candidate;
        if (!_groups.TryGetValue(key, out var group))
        {
            var copy = (object?[])key.Clone();
            group = new ValueGroup(copy, Properties.Count);
            _groups.Add(copy, group);
            _order.Add(group);
        }
        return _last = group;
    }

    /// <summary>One summary per group (in order of first appearance) and property, skipping properties a group had no values for.</summary>
    public IEnumerable<ResultSummary> Summarize()
    {
        foreach (var group in _order)
            for (var p = 0; p < Properties.Count; p++)
            {
                var (values, count) = group.Values(p);
                if (count == 0) continue;
                yield return Statistics.Summarize(values, count, Properties[p], GroupBy, group.Key);
            }
    }

    /// <summary>Values of one group, one growable buffer per property.</summary>
    public sealed class ValueGroup
    {
        private readonly double[][] _values;
        private readonly int[] _counts;

        internal ValueGroup(object?[] key, int properties)
        {
            Key = key;
            _values = new double[properties][];
            _counts = new int[properties];
            for (var i = 0; i < properties; i++) _values[i] = new double[16];
        }

        public IReadOnlyList<object?> Key { get; }

        /// <summary>Adds a value of property <paramref name="property"/>; NaN and infinities are ignored (no value).</summary>
        public void Add(int property, double value)
        {
            if (!double.IsFinite(value)) return;
            ref var buffer = ref _values[property];
            var count = _counts[property];
            if (count == buffer.Length) Array.Resize(ref buffer, checked(buffer.Length * 2));
            buffer[count] = value;
            _counts[property] = count + 1;
        }

        internal (double[] Values, int Count) Values(int property) => (_values[property], _counts[property]);
    }

    private sealed class GroupKeyComparer : IEqualityComparer<object?[]>, IEqualityComparer<IReadOnlyList<object?>>
    {
        public static readonly GroupKeyComparer Instance = new();

        public bool Equals(object?[]? x, object?[]? y) => Equals((IReadOnlyList<object?>?)x, y);

        public bool Equals(IReadOnlyList<object?>? x, IReadOnlyList<object?>? y)
        {
            if (ReferenceEquals(x, y)) return true;
            if (x is null || y is null || x.Count != y.Count) return false;
            for (var i = 0; i < x.Count; i++)
            {
                var (a, b) = (x[i], y[i]);
                if (a is string sa && b is string sb) { if (!string.Equals(sa, sb, StringComparison.OrdinalIgnoreCase)) return false; }
                else if (!Equals(a, b)) return false;
            }
            return true;
        }

        public int GetHashCode(object?[] key) => GetHashCode((IReadOnlyList<object?>)key);

        public int GetHashCode(IReadOnlyList<object?> key)
        {
            var hash = new HashCode();
            foreach (var v in key)
                hash.Add(v is string s ? StringComparer.OrdinalIgnoreCase.GetHashCode(s) : v?.GetHashCode() ?? 0);
            return hash.ToHashCode();
        }
    }
}
