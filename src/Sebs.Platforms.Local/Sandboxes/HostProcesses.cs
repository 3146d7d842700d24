using System.Diagnostics;
using System.Globalization;

namespace Sebs.Platforms.Local.Sandboxes;

/// <summary>A function server process found on this host by its <see cref="SandboxEnvironment.FunctionLabel"/> variable.</summary>
public sealed record LabelledProcess(int Pid, string Function, string Owner, int Port);

/// <summary>
/// Finds function servers Sebs started as host processes, whichever session or cache started them: each carries
/// SEBS_FUNCTION and SEBS_PORT in its environment (/proc/&lt;pid&gt;/environ, readable for the user's own processes).
/// </summary>
public static class HostProcesses
{
    public static IReadOnlyList<LabelledProcess> List()
    {
        var found = new List<LabelledProcess>();
        if (!Directory.Exists("/proc")) return found;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || pid == Environment.ProcessId) continue;
            if (Read(pid) is { } env && env.TryGetValue(SandboxEnvironment.FunctionLabel, out var function) &&
                env.TryGetValue("SEBS_PORT", out var p) && int.TryParse(p, CultureInfo.InvariantCulture, out var port))
                found.Add(new LabelledProcess(pid, function, env.GetValueOrDefault(SandboxEnvironment.OwnerLabel, ""), port));
        }
        return found;
    }

    /// <summary>The environment of a process, or null when it is gone or not ours (it may exit between listing and reading).</summary>
    public static Dictionary<string, string>? Read(int pid)
    {
        try
        {
            var text = File.ReadAllText($"/proc/{pid}/environ");
            var env = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var entry in text.Split('\0', StringSplitOptions.RemoveEmptyEntries))
            {
                var eq = entry.IndexOf('=');
                if (eq > 0) env[entry[..eq]] = entry[(eq + 1)..];
            }
            return env;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { return null; }
    }

    public static void Kill(int pid)
    {
        try
        {
            using var p = Process.GetProcessById(pid);
            p.Kill(entireProcessTree: true);
            p.WaitForExit(5000);
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception) { }
    }
}
