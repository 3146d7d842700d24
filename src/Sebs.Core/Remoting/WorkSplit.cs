using Sebs.Core.Diagnostics;

namespace Sebs.Core.Remoting;

/// <summary>One load host's part of a run: which invocation numbers it runs and its slice of the concurrency.</summary>
public sealed record HostShare(string Host, IReadOnlyList<int> Invocations, int Concurrency)
{
    public int Count => Invocations.Count;

    public override string ToString() => Count == 0
        ? $"{Host}: no invocations (fewer concurrent slots than hosts)"
        : $"{Host}: {Count} invocation(s) ({string.Join(", ", InvocationRange.From(Invocations).Select(r => r.Count == 1 ? $"{r.First}" : $"{r.First}-{r.First + r.Count - 1}"))}), concurrency {Concurrency}";
}

/// <summary>
/// Divides invocations and concurrency over load hosts so that the total concurrency stays what the user asked for:
/// with concurrency C over H hosts, host i runs C/H at a time (the first C mod H one more), and the invocations are
/// divided in proportion to that (contiguous blocks of numbers), so every host finishes at about the same time.
/// </summary>
public static class WorkSplit
{
    public static IReadOnlyList<HostShare> Split(IReadOnlyList<string> hosts, int repetitions, int concurrency, int firstInvocation = 0) =>
        Split(hosts, Enumerable.Range(firstInvocation, Math.Max(1, repetitions)).ToArray(), concurrency);

    public static IReadOnlyList<HostShare> Split(IReadOnlyList<string> hosts, IReadOnlyList<int> invocations, int concurrency)
    {
        if (hosts.Count == 0)
            throw new SebsException(SebsErrorIds.RemoteHostFailed, SebsErrorKind.InvalidOperation, "No load host is left to run the invocations on.");
        var total = invocations.Count;
        var c = Math.Clamp(concurrency, 1, Math.Max(1, total));
        // Fewer concurrent slots than hosts: a host without a slot would add concurrency the user did not ask for.
        var active = Math.Min(hosts.Count, c);
        var slots = new int[hosts.Count];
        for (var i = 0; i < active; i++) slots[i] = c / active + (i < c % active ? 1 : 0);

        var counts = new int[hosts.Count];
        var assigned = 0;
        for (var i = 0; i < active; i++)
        {
            counts[i] = (int)((long)total * slots[i] / c);
            assigned += counts[i];
        }
        // Rounding leftovers go one each to the hosts with the most slots (the first ones).
        for (var i = 0; assigned < total; i = (i + 1) % active, assigned++) counts[i]++;

        var shares = new List<HostShare>(hosts.Count);
        var first = 0;
        for (var i = 0; i < hosts.Count; i++)
        {
            var mine = invocations.Skip(first).Take(counts[i]).ToArray();
            shares.Add(new HostShare(hosts[i], mine, mine.Length == 0 ? 0 : Math.Min(slots[i], mine.Length)));
            first += counts[i];
        }
        return shares;
    }
}
