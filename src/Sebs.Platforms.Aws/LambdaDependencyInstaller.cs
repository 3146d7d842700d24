using Sebs.Core;
using Sebs.Core.Diagnostics;
using Sebs.Core.Packaging;

namespace Sebs.Platforms.Aws;

/// <summary>
/// Installs dependencies for Lambda's Linux on the host, without a build image: pip fetches manylinux wheels for the
/// function's Python version and architecture (never sdists, which would compile for this machine), and npm installs
/// with the target os/cpu so packages with native parts (sharp) pick Lambda's binaries.
/// </summary>
public sealed class LambdaDependencyInstaller(string architecture, ISebsLog log, string python = "python3") : IDependencyInstaller
{
    /// <summary>In every Lambda Python runtime already; bundling them only slows cold starts.</summary>
    private static readonly HashSet<string> ProvidedByRuntime = new(StringComparer.OrdinalIgnoreCase) { "boto3", "botocore", "s3transfer", "jmespath" };

    private string Platform => architecture == "arm64" ? "manylinux2014_aarch64" : "manylinux2014_x86_64";
    private string Cpu => architecture == "arm64" ? "arm64" : "x64";

    public string Description => $"aws-lambda {Platform}";

    public Task InstallAsync(string packageDir, string language, string languageVersion, CancellationToken ct) =>
        language == "nodejs" ? InstallNodeAsync(packageDir, ct) : InstallPythonAsync(packageDir, languageVersion, ct);

    private async Task InstallPythonAsync(string packageDir, string version, CancellationToken ct)
    {
        var requirements = Path.Combine(packageDir, "requirements.txt");
        if (!File.Exists(requirements)) return;
        var wanted = File.ReadAllLines(requirements)
            .Select(l => l.Split('#', 2)[0].Trim())
            .Where(l => l.Length > 0 && !l.StartsWith('-'))
            .Where(l => !ProvidedByRuntime.Contains(NameOf(l)))
            .ToList();
        if (wanted.Count == 0) return;
        log.Verbose($"pip: {string.Join(", ", wanted)} for {Platform}, Python {version}");
        var args = new List<string>
        {
            "-m", "pip", "install", "--disable-pip-version-check", "--no-input", "--no-compile",
            "--target", Path.Combine(packageDir, ".python_packages", "lib", "site-packages"),
            "--platform", Platform, "--implementation", "cp", "--python-version", version, "--only-binary=:all:",
        };
        args.AddRange(wanted);
        var pip = await ProcessRunner.RunAsync(python, args, packageDir, cancellationToken: ct).ConfigureAwait(false);
        if (pip.ExitCode != 0)
            throw Failed($"pip could not fetch Lambda ({Platform}, Python {version}) wheels for {string.Join(", ", wanted)}:\n{pip.Tail()}");
    }

    private Task InstallNodeAsync(string packageDir, CancellationToken ct) =>
        HostDependencyInstaller.NpmInstallAsync(packageDir, new[] { "--os=linux", "--cpu=" + Cpu, "--libc=glibc" }, log, ct);

    internal static string NameOf(string requirement) =>
        requirement.Split(new[] { '<', '>', '=', '!', '~', ';', '[', ' ' }, 2)[0].Trim();

    private static SebsException Failed(string message) => new(SebsErrorIds.PackageBuildFailed, SebsErrorKind.InvalidOperation, message);
}
