using Sebs.Core;
using Sebs.Core.Diagnostics;
using Sebs.Core.Packaging;

namespace Sebs.Platforms.Local.Sandboxes;

/// <summary>
/// Python dependencies for the Docker sandbox: the requirements are checked against the interpreter of the run image
/// that will execute the function (not the host's), so packages the image provides (Debian's python3-igraph,
/// python3-numpy, ...) are not installed again. Requirements the image lacks are installed with the image's pip into
/// the package's <c>.python_packages</c>; when that is impossible the error names them. Node.js uses the host installer.
/// </summary>
internal sealed class RunImageDependencyInstaller : IDependencyInstaller
{
    private readonly string? _dockerEndpoint;
    private readonly ISebsLog _log;
    private readonly IDependencyInstaller _fallback;

    public RunImageDependencyInstaller(string? dockerEndpoint, ISebsLog log)
    {
        _dockerEndpoint = dockerEndpoint;
        _log = log;
        _fallback = new HostDependencyInstaller(log);
    }

    public string Description => "run image";

    public async Task InstallAsync(string packageDir, string language, string languageVersion, CancellationToken cancellationToken)
    {
        if (language != "python")
        {
            await _fallback.InstallAsync(packageDir, language, languageVersion, cancellationToken).ConfigureAwait(false);
            return;
        }
        var requirements = Path.Combine(packageDir, "requirements.txt");
        if (!File.Exists(requirements) || File.ReadAllText(requirements).Trim().Length == 0) return;
        var image = DockerSandboxHost.ImageName(language, languageVersion);
        var docker = ProcessRunner.Which("docker")
            ?? throw Failed($"the docker CLI is not on PATH; it is needed to check the requirements against {image}");

        var check = await RunInImageAsync(docker, image, packageDir,
            new[] { "python3", "-c", HostDependencyInstaller.MissingRequirementsScript, "/package/requirements.txt" }, cancellationToken).ConfigureAwait(false);
        if (check.ExitCode != 0)
            throw Failed($"checking the Python requirements in {image} failed:\n{check.Tail()}");
        var missing = check.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (missing.Length == 0)
        {
            _log.Verbose($"All Python requirements are provided by {image}; nothing to install.");
            return;
        }
        _log.Verbose($"Installing Python requirements in {image}: {string.Join(", ", missing)}");
        var args = new List<string> { "python3", "-m", "pip", "install", "--disable-pip-version-check", "--no-input",
            "--target", "/package/.python_packages/lib/site-packages" };
        args.AddRange(missing);
        var pip = await RunInImageAsync(docker, image, packageDir, args, cancellationToken).ConfigureAwait(false);
        if (pip.ExitCode != 0)
            throw Failed($"{image} does not provide {string.Join(", ", missing)} and its pip could not install them:\n{pip.Tail(5)}");
    }

    private Task<ProcessOutcome> RunInImageAsync(string docker, string image, string packageDir, IEnumerable<string> command, CancellationToken ct)
    {
        var args = new List<string> { "run", "--rm", "--network", "host", "-v", $"{Path.GetFullPath(packageDir)}:/package", "-w", "/package", image };
        args.AddRange(command);
        var env = _dockerEndpoint is null ? null : new Dictionary<string, string> { ["DOCKER_HOST"] = _dockerEndpoint };
        return ProcessRunner.RunAsync(docker, args, packageDir, env, ct);
    }

    private static SebsException Failed(string message) =>
        new(SebsErrorIds.PackageBuildFailed, SebsErrorKind.InvalidOperation, message);
}
