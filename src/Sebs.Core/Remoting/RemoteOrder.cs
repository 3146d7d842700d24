using System.Text.Json.Nodes;
using Sebs.Core.Diagnostics;

namespace Sebs.Core.Remoting;

/// <summary>
/// What a load host is sent for its share: the function's HTTP trigger URL, the timeout, the event, which invocation
/// numbers to run (as ranges) and how many at a time. Nothing else: no credentials, no config, no cache; hosts never deploy.
/// </summary>
public sealed record RemoteOrder(string Url, double TimeoutSeconds, JsonObject Payload, IReadOnlyList<InvocationRange> Invocations, int Concurrency)
{
    public int Count => Invocations.Sum(r => r.Count);

    public IEnumerable<int> Numbers() => Invocations.SelectMany(r => Enumerable.Range(r.First, r.Count));

    public string ToJson() => new JsonObject
    {
        ["url"] = Url,
        ["timeout_seconds"] = TimeoutSeconds,
        ["payload"] = Payload.DeepClone(),
        ["invocations"] = new JsonArray(Invocations.Select(r => (JsonNode)new JsonArray(r.First, r.Count)).ToArray()),
        ["concurrency"] = Concurrency,
    }.ToJsonString();

    public static RemoteOrder Parse(string json)
    {
        try
        {
            var o = JsonNode.Parse(json)!.AsObject();
            var ranges = o["invocations"]!.AsArray().Select(r => new InvocationRange(r![0]!.GetValue<int>(), r[1]!.GetValue<int>())).ToList();
            return new RemoteOrder(o["url"]!.GetValue<string>(), o["timeout_seconds"]!.GetValue<double>(), o["payload"]!.AsObject().DeepClone().AsObject(),
                ranges, Math.Max(1, o["concurrency"]!.GetValue<int>()));
        }
        catch (Exception ex) when (ex is System.Text.Json.JsonException or NullReferenceException or InvalidOperationException or FormatException)
        {
            throw new SebsException(SebsErrorIds.InvalidConfig, SebsErrorKind.InvalidData, $"Not a remote invocation order: {ex.Message}", ex);
        }
    }
}

/// <summary>Invocation numbers First .. First+Count-1.</summary>
public readonly record struct InvocationRange(int First, int Count)
{
    /// <summary>Sorted numbers as the fewest ranges (a share is one range; work taken over from a failed host may be several).</summary>
    public static IReadOnlyList<InvocationRange> From(IEnumerable<int> numbers)
    {
        var ranges = new List<InvocationRange>();
        foreach (var n in numbers.Order())
        {
            if (ranges.Count > 0 && ranges[^1].First + ranges[^1].Count == n) ranges[^1] = ranges[^1] with { Count = ranges[^1].Count + 1 };
            else ranges.Add(new InvocationRange(n, 1));
        }
        return ranges;
    }
}
