namespace Sebs.Platforms.Local.Sandboxes;

/// <summary>
/// The environment a host-process function starts with: a minimal base plus what the platform gives the function
/// (its storage endpoint, NoSQL tables), never the parent's environment, so cloud credentials, tokens and whatever else
/// the user's shell holds do not reach benchmark code (a container starts from its image's environment the same way).
/// </summary>
public static class SandboxEnvironment
{
    /// <summary>What interpreters need to start and find themselves; no *_KEY, *_TOKEN, AWS_*, AZURE_*, GOOGLE_* ever.</summary>
    /// <summary>Plus the wrappers' documented knobs: SEBS_DEBUG (log requests) and SEBS_FFMPEG (220.video-processing's ffmpeg).</summary>
    public static readonly IReadOnlyList<string> BaseVariables = new[] { "PATH", "HOME", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "TMPDIR", "SEBS_DEBUG", "SEBS_FFMPEG" };

    /// <summary>The variable every Sebs sandbox process carries, so a later call finds and stops it even without a cache entry.</summary>
    public const string FunctionLabel = "SEBS_FUNCTION";

    /// <summary>The cache root that started the sandbox (clean-up of one cache leaves other caches' sandboxes alone).</summary>
    public const string OwnerLabel = "SEBS_SANDBOX_OWNER";

    /// <summary>The base taken from <paramref name="parent"/>, then the function's own variables (which win).</summary>
    public static Dictionary<string, string> For(IReadOnlyDictionary<string, string> function, Func<string, string?> parent)
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in BaseVariables)
            if (parent(name) is { Length: > 0 } value) env[name] = value;
        env.TryAdd("PATH", "/usr/local/bin:/usr/bin:/bin");
        foreach (var (k, v) in function) env[k] = v;
        return env;
    }
}
