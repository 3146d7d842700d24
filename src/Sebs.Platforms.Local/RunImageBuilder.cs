using Sebs.Core;
using Sebs.Core.Packaging;
using Sebs.Core.Platforms;
using Sebs.Platforms.Local.Sandboxes;

namespace Sebs.Platforms.Local;

/// <summary>
/// Builds the local run images with the docker CLI: from docker/local/&lt;language&gt;/Dockerfile on official base images,
/// or offline with docker/offline/build-run-images.sh (Debian packages only; Debian's versions: python 3.11, nodejs 18).
/// </summary>
internal sealed class RunImageBuilder(string moduleRoot, DockerSandboxHost docker)
{
    private static readonly Dictionary<string, string> OfflineVersions = new() { ["python"] = "3.11", ["nodejs"] = "18" };

    public async Task<RunImage> BuildAsync(string language, string version, bool offline, bool force, CancellationToken ct)
    {
        await docker.EnsureReachableAsync(ct).ConfigureAwait(false);
        var image = DockerSandboxHost.ImageName(language, version);
        if (!force && await docker.ImageExistsAsync(image, ct).ConfigureAwait(false))
            return await DescribeAsync(image, language, version, built: false, ct).ConfigureAwait(false);

        ProcessOutcome outcome;
        if (offline)
        {
            if (OfflineVersions[language] != version)
                throw new SebsException(SebsErrorIds.PlatformNotSupported, SebsErrorKind.InvalidArgument,
                    $"The offline recipe builds {language} {OfflineVersions[language]} (Debian's); {version} needs -Offline:$false and a registry.");
            var script = Path.Combine(moduleRoot, "docker", "offline", "build-run-images.sh");
            var args = new List<string> { script };
            if (force) args.Add("--force");
            args.Add(language);
            outcome = await ProcessRunner.RunAsync("bash", args, cancellationToken: ct).ConfigureAwait(false);
        }
        else
        {
            var context = Path.Combine(moduleRoot, "docker", "local", language);
            var docker = ProcessRunner.Which("docker") ?? throw new SebsException(SebsErrorIds.DockerUnreachable, SebsErrorKind.ResourceUnavailable,
                "The docker CLI is not on PATH; it is needed to build images.");
            outcome = await ProcessRunner.RunAsync(docker, new[] { "build", "-t", image, "--build-arg", $"VERSION={version}", context }, cancellationToken: ct).ConfigureAwait(false);
        }
        if (outcome.ExitCode != 0)
            throw new SebsException(SebsErrorIds.PackageBuildFailed, SebsErrorKind.InvalidOperation,
                $"Building {image} failed (exit {outcome.ExitCode}):\n{outcome.Tail()}", target: image);
        return await DescribeAsync(image, language, version, built: true, ct).ConfigureAwait(false);
    }

    private async Task<RunImage> DescribeAsync(string image, string language, string version, bool built, CancellationToken ct)
    {
        var info = await docker.InspectImageAsync(image, ct).ConfigureAwait(false);
        return new RunImage
        {
            Name = image, Language = language, Version = version, Id = info.ID, SizeMB = Math.Round(info.Size / 1048576.0, 1),
            Created = info.Created, Built = built,
        };
    }
}
