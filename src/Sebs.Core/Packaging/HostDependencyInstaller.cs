using Sebs.Core.Diagnostics;

namespace Sebs.Core.Packaging;

/// <summary>
/// Installs dependencies with the host's python3/pip and npm. Python requirements that the interpreter already
/// provides are not installed again, so a build works where PyPI is unreachable but the packages are present.
/// With <see cref="VirtualEnvironment"/> (for sandboxes that run functions as host processes) the package gets its own
/// virtual environment, <c>.venv</c>, made with <c>--system-site-packages</c> from the host interpreter that provides most
/// of the requirements, and the missing ones are installed into it: the counterpart of a container sandbox, whose run
/// image supplies its distribution packages and pip adds the rest. Without it they go to <c>.python_packages</c>.
/// </summary>
public sealed class HostDependencyInstaller : IDependencyInstaller
{
    /// <summary>The per-package virtual environment folder; a sandbox runs <c>.venv/bin/python3</c> when it exists.</summary>
    public const string VirtualEnvironmentFolder = ".venv";

    private readonly ISebsLog _log;
    private readonly string _python;
    private readonly IReadOnlyList<string> _candidates;

    /// <param name="python">The interpreter; default <c>python3</c> on PATH.</param>
    /// <param name="virtualEnvironment">Build a per-package virtual environment (see the class summary).</param>
    /// <param name="candidates">
    /// The interpreters a virtual environment may be based on, in order of preference; default <paramref name="python"/> and
    /// the system's <c>/usr/bin/python3</c>, which sees the distribution's packages (Debian python3-*) when PATH leads to
    /// another one (pyenv).
    /// </param>
    public HostDependencyInstaller(ISebsLog? log = null, string? python = null, bool virtualEnvironment = false, IReadOnlyList<string>? candidates = null)
    {
        _log = log ?? NullSebsLog.Instance;
        _python = python ?? "python3";
        VirtualEnvironment = virtualEnvironment;
        _candidates = candidates ?? new[] { _python, "/usr/bin/python3" };
    }

    public bool VirtualEnvironment { get; }

    public string Description => VirtualEnvironment ? "host-venv" : "host";

    /// <summary>
    /// Prints the interpreter's <c>major.minor</c>, then the requirement lines whose distribution is not installed (version
    /// pins are not enforced).
    /// </summary>
    public const string MissingRequirementsScript = """
import re, sys
import importlib.metadata as md
print("# %d.%d" % sys.version_info[:2])
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

    /// <summary>The requirement lines of <see cref="MissingRequirementsScript"/>'s output, without its version line.</summary>
    public static string[] MissingFrom(string output) => output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
        .Where(l => !l.StartsWith('#')).ToArray();

    public async Task InstallAsync(string packageDir, string language, string languageVersion, CancellationToken cancellationToken)
    {
        if (language == "nodejs") await InstallNodeAsync(packageDir, cancellationToken).ConfigureAwait(false);
        else if (VirtualEnvironment) await InstallVirtualEnvironmentAsync(packageDir, languageVersion, cancellationToken).ConfigureAwait(false);
        else await InstallPythonAsync(packageDir, cancellationToken).ConfigureAwait(false);
    }

    private async Task InstallPythonAsync(string packageDir, CancellationToken ct)
    {
        var requirements = Path.Combine(packageDir, "requirements.txt");
        if (!File.Exists(requirements) || File.ReadAllText(requirements).Trim().Length == 0) return;
        var check = await ProcessRunner.RunAsync(_python, new[] { "-c", MissingRequirementsScript, requirements }, packageDir, cancellationToken: ct).ConfigureAwait(false);
        if (check.ExitCode != 0)
            throw Failed($"checking Python requirements failed:\n{check.Tail()}");
        var missing = MissingFrom(check.StandardOutput);
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
            throw PipFailed(missing, _python, pip.Tail());
    }

    /// <summary>
    /// A requirements.txt with entries gets <c>.venv</c>; an empty one needs none (the function runs on plain python3).
    /// When no virtual environment can be made (no venv module), the requirements go to <c>.python_packages</c> as without one.
    /// </summary>
    private async Task InstallVirtualEnvironmentAsync(string packageDir, string languageVersion, CancellationToken ct)
    {
        var requirements = Path.Combine(packageDir, "requirements.txt");
        if (!File.Exists(requirements) || File.ReadAllText(requirements).Trim().Length == 0) return;
        var (python, missing) = await ChooseInterpreterAsync(requirements, languageVersion, packageDir, ct).ConfigureAwait(false);
        var venv = Path.Combine(packageDir, VirtualEnvironmentFolder);
        // --without-pip: ensurepip takes seconds and may be absent (Debian splits it off); the base's pip is visible anyway.
        var made = await ProcessRunner.RunAsync(python, new[] { "-m", "venv", "--system-site-packages", "--without-pip", venv }, packageDir, cancellationToken: ct).ConfigureAwait(false);
        if (made.ExitCode != 0)
        {
            _log.Warning($"{python} cannot make a virtual environment ({made.Tail().Split('\n')[^1]}); installing into .python_packages instead.");
            if (Directory.Exists(venv)) Directory.Delete(venv, recursive: true);
            // Without .venv the sandbox runs python3 on PATH, so that is the interpreter to install for.
            await InstallPythonAsync(packageDir, ct).ConfigureAwait(false);
            return;
        }
        if (missing.Length == 0)
        {
            _log.Verbose($"All Python requirements are provided by {python}; its virtual environment {venv} installs nothing.");
            return;
        }
        _log.Verbose($"Installing Python requirements into {venv} (based on {python}): {string.Join(", ", missing)}");
        var venvPython = Path.Combine(venv, "bin", "python3");
        var args = new List<string> { "-m", "pip", "install", "--disable-pip-version-check", "--no-input" };
        args.AddRange(missing);
        var pip = await ProcessRunner.RunAsync(venvPython, args, packageDir, cancellationToken: ct).ConfigureAwait(false);
        if (pip.ExitCode != 0)
            throw PipFailed(missing, python, pip.Tail());
    }

    /// <summary>
    /// The candidate that runs <paramref name="languageVersion"/> and lacks the fewest requirements (earlier candidates win
    /// ties), with what it lacks. Candidates that are missing or cannot run the check are passed over.
    /// </summary>
    private async Task<(string Python, string[] Missing)> ChooseInterpreterAsync(string requirements, string languageVersion, string dir, CancellationToken ct)
    {
        (string Python, string[] Missing, bool VersionMatches)? best = null;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var candidate in _candidates)
        {
            var path = Path.IsPathRooted(candidate) ? (File.Exists(candidate) ? candidate : null) : ProcessRunner.Which(candidate);
            if (path is null || !seen.Add(RealPath(path))) continue;
            ProcessOutcome check;
            try { check = await ProcessRunner.RunAsync(path, new[] { "-c", MissingRequirementsScript, requirements }, dir, cancellationToken: ct).ConfigureAwait(false); }
            catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or IOException) { continue; }
            if (check.ExitCode != 0) continue;
            var missing = MissingFrom(check.StandardOutput);
            var matches = check.StandardOutput.StartsWith("# " + languageVersion + "\n", StringComparison.Ordinal);
            if (best is null || (matches && !best.Value.VersionMatches) || (matches == best.Value.VersionMatches && missing.Length < best.Value.Missing.Length))
                best = (path, missing, matches);
        }
        if (best is null)
            throw new UnavailableHereException(SebsErrorIds.PackageBuildFailed, SebsErrorKind.ResourceUnavailable, UnavailableReason.Language,
                $"No Python interpreter here can check the requirements (tried {string.Join(", ", _candidates)}).");
        if (!best.Value.VersionMatches)
            _log.Warning($"No host interpreter runs Python {languageVersion}; the function's virtual environment uses {best.Value.Python}.");
        return (best.Value.Python, best.Value.Missing);
    }

    private static string LastLine(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? "no output";

    private static string RealPath(string path)
    {
        try { return new FileInfo(path).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? Path.GetFullPath(path); }
        catch (IOException) { return Path.GetFullPath(path); }
    }

    /// <summary>pip's failure: the machine cannot get the packages (no index, no matching wheel); the first line says which and pip's reason.</summary>
    private static UnavailableHereException PipFailed(IReadOnlyList<string> missing, string python, string tail)
    {
        var reason = tail.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .LastOrDefault(l => l.StartsWith("ERROR:", StringComparison.Ordinal)) ?? LastLine(tail);
        return new UnavailableHereException(SebsErrorIds.PackageBuildFailed, SebsErrorKind.ResourceUnavailable, UnavailableReason.Dependency,
            $"pip could not install {string.Join(", ", missing)} for {python}; neither the interpreter nor pip's index provides it here ({reason}).\n{tail}");
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
