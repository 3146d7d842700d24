using System.Text.Json.Nodes;

namespace Sebs.Core.Configuration;

/// <summary>
/// The keys SeBS's config knows (sebs-reference §2.1-2.3), so a misspelt key is said with a did-you-mean instead of
/// being ignored; unknown keys are still kept (SeBS ignores them too), only warned about.
/// </summary>
public static class ConfigKeys
{
    private static readonly string[] Top = { "experiments", "deployment", "cache" };
    private static readonly string[] Experiments =
    {
        "update_code", "update_storage", "download_results", "architecture", "system_variant", "container_deployment", "runtime",
        "flags", "deployment", "type", "perf-cost", "network-ping-pong", "invocation-overhead", "eviction-model",
    };
    private static readonly string[] Runtime = { "language", "version", "language-variant" };
    private static readonly string[] Deployment = { "name", "aws", "azure", "gcp", "local", "openwhisk" };

    /// <summary>One warning per unknown key, naming its path and the nearest known key.</summary>
    public static IEnumerable<string> UnknownKeys(JsonObject root, string source)
    {
        foreach (var w in Check(root, Top, "", source)) yield return w;
        if (root["experiments"] is JsonObject exp)
        {
            foreach (var w in Check(exp, Experiments, "experiments.", source)) yield return w;
            if (exp["runtime"] is JsonObject rt)
                foreach (var w in Check(rt, Runtime, "experiments.runtime.", source)) yield return w;
        }
        if (root["deployment"] is JsonObject dep)
            foreach (var w in Check(dep, Deployment, "deployment.", source)) yield return w;
    }

    private static IEnumerable<string> Check(JsonObject obj, string[] known, string prefix, string source)
    {
        foreach (var (key, _) in obj)
        {
            if (known.Contains(key, StringComparer.Ordinal)) continue;
            var nearest = Nearest(key, known);
            yield return $"{source}: unknown key '{prefix}{key}' is ignored." + (nearest is null ? "" : $" Did you mean '{prefix}{nearest}'?");
        }
    }

    /// <summary>The known key within a third of the key's length in edits (ignoring case, '-' and '_'), if any.</summary>
    public static string? Nearest(string key, IEnumerable<string> known)
    {
        static string Norm(string s) => s.ToLowerInvariant().Replace('-', '_');
        var k = Norm(key);
        var best = known.Select(c => (c, d: Distance(k, Norm(c)))).OrderBy(x => x.d).FirstOrDefault();
        return best.c is not null && best.d <= Math.Max(2, key.Length / 3) ? best.c : null;
    }

    private static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (var j = 0; j <= b.Length; j++) d[0, j] = j;
        for (var i = 1; i <= a.Length; i++)
            for (var j = 1; j <= b.Length; j++)
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
        return d[a.Length, b.Length];
    }
}
