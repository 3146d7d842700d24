using System.Diagnostics;
using System.Globalization;
using Sebs.Core;
using Sebs.Core.Packaging;

namespace Sebs.Platforms.Local.Sandboxes;

/// <summary>
/// Runs the function server as a host process (python3 / node). The embedded default: needs no Docker.
/// Memory comes from /proc (VmRSS, VmHWM). A memory limit cannot be applied to a plain process; it is recorded only.
/// </summary>
public sealed class ProcessSandboxHost : ISandboxHost
{
    public SandboxKind Kind => SandboxKind.Process;

    public async Task<SandboxInstance> StartAsync(SandboxSpec spec, CancellationToken ct)
    {
        var language = spec.Package.Language;
        var (exe, entry) = language == "nodejs" ? ("node", "handler.js") : ("python3", "handler.py");
        // The package's own virtual environment (HostDependencyInstaller), as a run image is the Docker sandbox's.
        var venvPython = Path.Combine(spec.Package.Path, HostDependencyInstaller.VirtualEnvironmentFolder, "bin", "python3");
        if (language != "nodejs" && File.Exists(venvPython)) exe = venvPython;
        else if (ProcessRunner.Which(exe) is null)
            throw new UnavailableHereException(SebsErrorIds.FunctionStartFailed, SebsErrorKind.ResourceUnavailable, UnavailableReason.Language,
                $"{exe} is not on PATH, so the process sandbox cannot run {language} functions here (install it, or use -Sandbox Docker).",
                target: spec.FunctionName);
        var port = Readiness.FreePort();
        Directory.CreateDirectory(spec.LogDirectory);
        var logPath = Path.Combine(spec.LogDirectory, $"{spec.FunctionName}-{port}.log");

        // Start through a shell so output goes straight to the log file and the server outlives this pwsh session.
        var psi = new ProcessStartInfo("/bin/sh")
        {
            UseShellExecute = false,
            WorkingDirectory = spec.Package.Path,
            RedirectStandardInput = true,
        };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add("exec \"$0\" \"$1\" >>\"$2\" 2>&1");
        psi.ArgumentList.Add(exe);
        psi.ArgumentList.Add(Path.Combine(spec.Package.Path, entry));
        psi.ArgumentList.Add(logPath);
        foreach (var (k, v) in spec.Environment) psi.Environment[k] = v;
        psi.Environment["SEBS_HOST"] = "127.0.0.1";
        psi.Environment["SEBS_PORT"] = port.ToString(CultureInfo.InvariantCulture);
        psi.Environment["SEBS_CONTAINER_ID"] = Guid.NewGuid().ToString("N")[..8];
        psi.Environment["PYTHONDONTWRITEBYTECODE"] = "1";
        psi.Environment["PYTHONUNBUFFERED"] = "1";

        Process process;
        try
        {
            process = Process.Start(psi) ?? throw new InvalidOperationException("no process");
            process.StandardInput.Close();
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            throw new SebsException(SebsErrorIds.FunctionStartFailed, SebsErrorKind.ResourceUnavailable,
                $"Cannot start {exe} for {spec.FunctionName}: {ex.Message}. Is {exe} installed?", ex, spec.FunctionName);
        }

        var ready = await Readiness.WaitAsync(port, () => !process.HasExited, TimeSpan.FromSeconds(15), ct).ConfigureAwait(false);
        if (!ready)
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            throw new SebsException(SebsErrorIds.FunctionStartFailed, SebsErrorKind.InvalidOperation,
                $"Function {spec.FunctionName} did not become ready on 127.0.0.1:{port}. Log {logPath}:\n{Readiness.Tail(logPath)}", target: spec.FunctionName);
        }
        return new SandboxInstance(SandboxKind.Process, process.Id.ToString(CultureInfo.InvariantCulture), port, DateTime.Now);
    }

    public Task StopAsync(SandboxInstance instance, CancellationToken ct)
    {
        ProcStatusReader.Forget(instance.InstanceId);
        if (TryGetProcess(instance) is { } p)
        {
            try { p.Kill(entireProcessTree: true); p.WaitForExit(5000); }
            catch (InvalidOperationException) { }
        }
        return Task.CompletedTask;
    }

    public Task<bool> ExistsAsync(SandboxInstance instance, CancellationToken ct) => Task.FromResult(TryGetProcess(instance) is not null);

    private static Process? TryGetProcess(SandboxInstance instance)
    {
        if (!int.TryParse(instance.InstanceId, out var pid)) return null;
        try
        {
            var p = Process.GetProcessById(pid);
            if (p.HasExited) return null;
            // A recycled pid must not be mistaken for our server: it was started with SEBS_PORT=<port>.
            var environ = $"/proc/{pid}/environ";
            if (File.Exists(environ) && !File.ReadAllText(environ).Contains($"SEBS_PORT={instance.Port}\0", StringComparison.Ordinal))
                return null;
            return p;
        }
        catch (ArgumentException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
    }

    public MemorySample? ReadMemory(SandboxInstance instance) => ProcStatusReader.Read(instance.InstanceId);
}
