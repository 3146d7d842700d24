using Sebs.Core.Diagnostics;

namespace Sebs.Core.Packaging;

/// <summary>
/// Installs dependencies with the host's python3/pip and npm. Python requirements that the interpreter already
/// provides are not installed again, so a build works where PyPI is unreachable but the packages are present.
/// </summary>
public sealed class HostDependencyInstaller : IDependencyInstaller
{
    private readonly ISebsLog _log;
    private readonly string _python;

    public HostDependencyInstaller(ISebsLog? log = null, string? python = null)
    {
        _log = log ?? NullSebsLog.Instance;
        _python = python ?? "python3";
    }

    public string Description => "host";

    /// <summary>Prints the requirement lines whose distribution is not installed (version pins are not enforced).</summary>
    public const string MissingRequirementsScript = """
import re, sys
import importlib.metadata as md
for raw in open(sys.argv[1], encoding="utf-8"):
    line = raw.split("#", 1)[0].strip()
    if not line or line.startswith("-"):
        continue
    name = re.split(r"[<>=!~;\[\s]", line, maxsplit=1)[0]
    try:
        md.version(name)
    except md.PackageNotFoundError:
        print(line)
""";

    public async Task InstallAsync(string packageDir, string language, string languageVersion, CancellationToken cancellationToken)
    {
        if (language == "nodejs") await InstallNodeAsync(packageDir, cancellationToken).ConfigureAwait(false);
        else await InstallPythonAsync(packageDir, cancellationToken).ConfigureAwait(false);
    }

    private async Task InstallPythonAsync(string packageDir, CancellationToken ct)
    {
        var requirements = Path.Combine(packageDir, "requirements.txt");
        if (!File.Exists(requirements) || File.ReadAllText(requirements).Trim().Length == 0) return;
        var check = await ProcessRunner.RunAsync(_python, new[] { "-c", MissingRequirementsScript, requirements }, packageDir, cancellationToken: ct).ConfigureAwait(false);
        if (check.ExitCode != 0)
            throw Failed($"checking Python requirements failed:\n{check.Tail()}");
        var missing = check.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (missing.Length == 0)
        {
            _log.Verbose("All Python requirements are provided by the runtime; nothing to install.");
            return;
        }
        _log.Verbose($"Installing Python requirements: {string.Join(", ", missing)}");
        var target = Path.Combine(packageDir, ".python_packages", "lib", "site-packages");
        var args = new List<string> { "-m", "pip", "install", "--disable-pip-version-check", "--no-input", "--target", target };
        args.AddRange(missing);
        var pip = await ProcessRunner.RunAsync(_python, args, packageDir, cancellationToken: ct).ConfigureAwait(false);
        if (pip.ExitCode != 0)
            throw Failed($"pip could not install {string.Join(", ", missing)}:\n{pip.Tail()}");
    }

    private Task InstallNodeAsync(string packageDir, CancellationToken ct) => NpmInstallAsync(packageDir, Array.Empty<string>(), _log, ct);

    /// <summary>npm install of the package's dependencies (none: nothing to do); <paramref name="extraArgs"/> pick e.g. the target os/cpu.</summary>
    public static async Task NpmInstallAsync(string packageDir, IEnumerable<string> extraArgs, ISebsLog log, CancellationToken ct)
    {
        var manifest = Path.Combine(packageDir, "package.json");
        if (!File.Exists(manifest)) return;
        var json = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(manifest));
        if (json?["dependencies"] is not System.Text.Json.Nodes.JsonObject deps || deps.Count == 0) return;
        var npm = ProcessRunner.Which("npm") ?? throw Failed("npm is not on PATH; it is needed to install Node.js dependencies");
        var args = new List<string> { "install", "--omit=dev", "--no-audit", "--no-fund", "--no-package-lock", "--loglevel=error" };
        args.AddRange(extraArgs);
        log.Verbose($"npm {string.Join(' ', args)} in {packageDir}");
        var result = await ProcessRunner.RunAsync(npm, args, packageDir, cancellationToken: ct).ConfigureAwait(false);
        if (result.ExitCode != 0)
            throw Failed($"npm install failed:\n{result.Tail()}");
    }

    private static SebsException Failed(string message) =>
        new(SebsErrorIds.PackageBuildFailed, SebsErrorKind.InvalidOperation, message);
}
