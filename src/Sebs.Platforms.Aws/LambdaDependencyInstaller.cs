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

    private string Arch => architecture == "arm64" ? "aarch64" : "x86_64";
    private string Cpu => architecture == "arm64" ? "arm64" : "x64";

    /// <summary>
    /// The wheel platforms Lambda's runtime can load, newest first. pip widens manylinux2014 only to its older
    /// aliases, so the newer glibc tags are named too. Amazon Linux 2023 (python3.12+) has glibc 2.34 and loads
    /// manylinux_2_34/2_28 wheels; Amazon Linux 2 (python3.9-3.11) has glibc 2.26, so a manylinux_2_28 wheel would
    /// install but fail to import there: only manylinux2014 (glibc 2.17) is asked for.
    /// </summary>
    internal IReadOnlyList<string> Platforms(string version)
    {
        var tags = new List<string>();
        if (IsAmazonLinux2023(version)) { tags.Add($"manylinux_2_34_{Arch}"); tags.Add($"manylinux_2_28_{Arch}"); }
        tags.Add($"manylinux2014_{Arch}");
        return tags;
    }

    /// <summary>Lambda's Python runtimes from 3.12 on run on Amazon Linux 2023, the older ones on Amazon Linux 2.</summary>
    internal static bool IsAmazonLinux2023(string pythonVersion) => Version.TryParse(pythonVersion, out var v) && v >= new Version(3, 12);

    /// <summary>The pip arguments for a runtime (the test shows them per runtime and architecture).</summary>
    internal IReadOnlyList<string> PipArguments(string targetDir, string version, IEnumerable<string> requirements)
    {
        var args = new List<string>
        {
            "-m", "pip", "install", "--disable-pip-version-check", "--no-input", "--no-compile",
            "--target", targetDir, "--implementation", "cp", "--python-version", version, "--only-binary=:all:",
        };
        foreach (var p in Platforms(version)) { args.Add("--platform"); args.Add(p); }
        args.AddRange(requirements);
        return args;
    }

    public string Description => $"aws-lambda manylinux {Arch}";

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
        var platforms = Platforms(version);
        log.Verbose($"pip: {string.Join(", ", wanted)} for {string.Join("/", platforms)}, Python {version}");
        var args = PipArguments(Path.Combine(packageDir, ".python_packages", "lib", "site-packages"), version, wanted);
        var pip = await ProcessRunner.RunAsync(python, args, packageDir, cancellationToken: ct).ConfigureAwait(false);
        // No wheel on the index (or no index): this machine cannot build the package; the regression suite skips it.
        if (pip.ExitCode != 0)
            throw new UnavailableHereException(SebsErrorIds.PackageBuildFailed, SebsErrorKind.ResourceUnavailable, UnavailableReason.Dependency,
                $"pip could not fetch Lambda ({Arch}, Python {version}) wheels for {string.Join(", ", wanted)}:\n{pip.Tail()}");
    }

    private async Task InstallNodeAsync(string packageDir, CancellationToken ct)
    {
        // --os/--cpu/--libc select the optional native packages (sharp's) for Lambda; npm before 10 ignores them silently.
        if (ProcessRunner.Which("npm") is { } npm)
        {
            var version = await ProcessRunner.RunAsync(npm, new[] { "--version" }, packageDir, cancellationToken: ct).ConfigureAwait(false);
            if (int.TryParse(version.StandardOutput.Trim().Split('.')[0], out var major) && major < 10)
                throw Failed($"npm {version.StandardOutput.Trim()} cannot install Node.js dependencies for Lambda's linux/{Cpu}: npm 10 or newer is needed.");
        }
        await HostDependencyInstaller.NpmInstallAsync(packageDir, new[] { "--os=linux", "--cpu=" + Cpu, "--libc=glibc" }, log, ct).ConfigureAwait(false);
    }

    internal static string NameOf(string requirement) =>
        requirement.Split(new[] { '<', '>', '=', '!', '~', ';', '[', ' ' }, 2)[0].Trim();

    private static SebsException Failed(string message) => new(SebsErrorIds.PackageBuildFailed, SebsErrorKind.InvalidOperation, message);
}
