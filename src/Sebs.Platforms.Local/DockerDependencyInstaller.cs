using Sebs.Core;
using Sebs.Core.Diagnostics;
using Sebs.Core.Packaging;
using Sebs.Platforms.Local.Sandboxes;

namespace Sebs.Platforms.Local;

/// <summary>
/// Installs Python requirements inside the run image the function will run in, so compiled wheels match its
/// interpreter; requirements the image already provides (Debian packages in the offline images) are skipped.
/// Node.js dependencies are plain npm packages and are installed on the host.
/// </summary>
internal sealed class DockerDependencyInstaller(DockerSandboxHost docker, string image, ISebsLog log) : IDependencyInstaller
{
    private readonly HostDependencyInstaller _host = new(log);

    public string Description => "docker:" + image;

    public async Task InstallAsync(string packageDir, string language, string languageVersion, CancellationToken ct)
    {
        if (language != "python")
        {
            await _host.InstallAsync(packageDir, language, languageVersion, ct).ConfigureAwait(false);
            return;
        }
        var requirements = Path.Combine(packageDir, "requirements.txt");
        if (!File.Exists(requirements) || File.ReadAllText(requirements).Trim().Length == 0) return;
        var binds = new List<string> { $"{packageDir}:/function:rw" };
        var (code, output) = await docker.RunToCompletionAsync(image,
            new List<string> { "python3", "-c", HostDependencyInstaller.MissingRequirementsScript, "/function/requirements.txt" }, binds, ct).ConfigureAwait(false);
        if (code != 0)
            throw Failed($"checking Python requirements in {image} failed:\n{output}");
        var missing = HostDependencyInstaller.MissingFrom(output);
        if (missing.Length == 0)
        {
            log.Verbose($"All Python requirements are provided by {image}; nothing to install.");
            return;
        }
        log.Verbose($"Installing Python requirements in {image}: {string.Join(", ", missing)}");
        var pip = new List<string> { "python3", "-m", "pip", "install", "--disable-pip-version-check", "--no-input", "--target", "/function/.python_packages/lib/site-packages" };
        pip.AddRange(missing);
        (code, output) = await docker.RunToCompletionAsync(image, pip, binds, ct).ConfigureAwait(false);
        if (code != 0)
        {
            // The image and pip's index lack it: this machine cannot run the benchmark, nothing about it is wrong.
            var reason = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .LastOrDefault(l => l.StartsWith("ERROR:", StringComparison.Ordinal)) ?? LastLine(output);
            throw new UnavailableHereException(SebsErrorIds.PackageBuildFailed, SebsErrorKind.ResourceUnavailable, UnavailableReason.Dependency,
                $"pip in {image} could not install {string.Join(", ", missing)}; neither the image nor pip's index provides it here ({reason}).\n{Tail(output)}");
        }
    }

    private static string LastLine(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? "no output";

    private static string Tail(string text) => string.Join("\n", text.Split('\n').TakeLast(15));

    private static SebsException Failed(string message) => new(SebsErrorIds.PackageBuildFailed, SebsErrorKind.InvalidOperation, message);
}
