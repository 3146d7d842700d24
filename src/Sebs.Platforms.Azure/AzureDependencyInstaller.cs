using Sebs.Core;
using Sebs.Core.Diagnostics;
using Sebs.Core.Packaging;

namespace Sebs.Platforms.Azure;

/// <summary>
/// Dependencies the way Azure's Linux workers load them without a remote build (RemoteBuild=false): Python wheels for
/// manylinux x86_64 and the function's Python version in <c>.python_packages/lib/site-packages</c> (where the Python
/// worker looks), Node.js packages installed for linux/x64. "host" uses the host's own packages instead (offline tests).
/// </summary>
public sealed class AzureDependencyInstaller(string mode, ISebsLog log, string python = "python3") : IDependencyInstaller
{
    public string Description => mode == "host" ? "host" : "azure-functions manylinux x86_64";

    public Task InstallAsync(string packageDir, string language, string languageVersion, CancellationToken ct)
    {
        if (mode == "host") return new HostDependencyInstaller(log, python).InstallAsync(packageDir, language, languageVersion, ct);
        return language == "nodejs"
            ? HostDependencyInstaller.NpmInstallAsync(packageDir, new[] { "--os=linux", "--cpu=x64", "--libc=glibc" }, log, ct)
            : InstallPythonAsync(packageDir, languageVersion, ct);
    }

    private async Task InstallPythonAsync(string packageDir, string version, CancellationToken ct)
    {
        var requirements = Path.Combine(packageDir, "requirements.txt");
        if (!File.Exists(requirements)) return;
        var wanted = File.ReadAllLines(requirements).Select(l => l.Split('#', 2)[0].Trim()).Where(l => l.Length > 0 && !l.StartsWith('-')).ToList();
        if (wanted.Count == 0) return;
        var args = new List<string>
        {
            "-m", "pip", "install", "--disable-pip-version-check", "--no-input", "--no-compile",
            "--target", Path.Combine(packageDir, ".python_packages", "lib", "site-packages"),
            "--implementation", "cp", "--python-version", version, "--only-binary=:all:",
            "--platform", "manylinux_2_28_x86_64", "--platform", "manylinux2014_x86_64",
        };
        args.AddRange(wanted);
        log.Verbose($"pip: {string.Join(", ", wanted)} for Azure Functions (Python {version}, manylinux x86_64)");
        var pip = await ProcessRunner.RunAsync(python, args, packageDir, cancellationToken: ct).ConfigureAwait(false);
        if (pip.ExitCode != 0)
            throw new SebsException(SebsErrorIds.PackageBuildFailed, SebsErrorKind.InvalidOperation,
                $"pip could not fetch manylinux wheels for {string.Join(", ", wanted)} (Python {version}); set deployment.azure.dependency-installer to \"host\" to use this machine's packages:\n{pip.Tail()}");
    }
}
