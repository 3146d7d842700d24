using System.Collections.Concurrent;
using System.Diagnostics;

namespace Sebs.Platforms.Local.Sandboxes;

/// <summary>
/// The version of the interpreter a host process really runs (python3, node): a process sandbox cannot run another
/// version than the host has, so results record this one, never the version that was asked for.
/// </summary>
public static class HostRuntime
{
    private static readonly ConcurrentDictionary<string, string?> Known = new(StringComparer.Ordinal);

    /// <summary>"3.11" for python3, "20" for node (the precision the runtime tables use), or null when it cannot be run.</summary>
    public static string? Version(string language) => Known.GetOrAdd(language, Probe);

    /// <summary>True when <paramref name="requested"/> is what the host runs (3.11 matches 3.11.7; 20 matches v20.20.2).</summary>
    public static bool Matches(string requested, string actual) =>
        actual == requested || actual.StartsWith(requested + ".", StringComparison.Ordinal);

    private static string? Probe(string language)
    {
        var (exe, args) = language == "nodejs"
            ? ("node", "-p \"process.versions.node.split('.')[0]\"")
            : ("python3", "-c \"import sys; print('%d.%d' % sys.version_info[:2])\"");
        try
        {
            using var p = Process.Start(new ProcessStartInfo(exe, args) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false });
            if (p is null) return null;
            var output = p.StandardOutput.ReadToEnd().Trim();
            p.WaitForExit(10_000);
            return p.ExitCode == 0 && output.Length > 0 ? output : null;
        }
        catch (System.ComponentModel.Win32Exception) { return null; }
    }
}
