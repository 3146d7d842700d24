using System.Text.Json.Nodes;
using Sebs.Core;
using Sebs.Core.Diagnostics;
using Sebs.Core.Packaging;

namespace Sebs.Platforms.Aws;

/// <summary>
/// Container-image deployment (SeBS's container deployment on AWS; the only way packages over Lambda's 250 MB unzipped
/// limit fit, e.g. 411.image-recognition with torch): the package folder becomes /var/task of an image FROM the
/// Lambda base image of the runtime (public.ecr.aws/lambda/python:&lt;version&gt;, .../nodejs:&lt;major&gt;, or
/// deployment.aws.image-base.&lt;language&gt;), CMD handler.handler, built with the docker CLI and pushed to the resource
/// id's ECR repository with GetAuthorizationToken's credentials in a private DOCKER_CONFIG (never on a command line).
/// </summary>
public sealed class ContainerImageBuilder(EcrClient ecr, ISebsLog log, IReadOnlyDictionary<string, string> baseImages)
{
    public static string DefaultBase(string language, string version) =>
        language == "nodejs" ? $"public.ecr.aws/lambda/nodejs:{version.Split('.')[0]}" : $"public.ecr.aws/lambda/python:{version}";

    /// <summary>Builds and pushes the package; returns the image URI with its tag (the package hash).</summary>
    public async Task<string> BuildAndPushAsync(string repositoryName, CodePackage package, string language, string version, string architecture, CancellationToken ct)
    {
        var docker = ProcessRunner.Which("docker") ?? throw new SebsException(SebsErrorIds.PackageBuildFailed, SebsErrorKind.ResourceUnavailable,
            "Container-image deployment (PackageType Image) needs the docker CLI and an engine; none is on PATH.", target: "docker");
        var repo = await ecr.EnsureRepositoryAsync(repositoryName, ct).ConfigureAwait(false);
        var tag = $"{repo.Uri}:{package.Benchmark.Replace('.', '-')}-{language}-{version.Replace('.', '-')}-{architecture}-{package.Hash[..Math.Min(16, package.Hash.Length)]}".ToLowerInvariant();
        var baseImage = baseImages.TryGetValue(language, out var b) ? b : DefaultBase(language, version);
        var context = Path.Combine(Path.GetTempPath(), "sebs-image-" + Guid.NewGuid().ToString("N")[..8]);
        var dockerConfig = context + "-docker";
        try
        {
            CopyFolder(package.Path, context);
            File.WriteAllText(Path.Combine(context, "Dockerfile"),
                $"FROM {baseImage}\nCOPY . /var/task/\nWORKDIR /var/task\nCMD [\"handler.handler\"]\n");
            var build = new List<string> { "build", "-q", "-t", tag };
            if (architecture == "arm64") build.AddRange(new[] { "--platform", "linux/arm64" });
            build.Add(context);
            log.Verbose($"docker build {tag} FROM {baseImage}");
            Check(await ProcessRunner.RunAsync(docker, build, context, cancellationToken: ct).ConfigureAwait(false), "build", tag);

            var login = await ecr.LoginAsync(ct).ConfigureAwait(false);
            Directory.CreateDirectory(dockerConfig);
            var host = new Uri(login.Endpoint).Authority;
            var configFile = Path.Combine(dockerConfig, "config.json");
            File.WriteAllText(configFile, new JsonObject { ["auths"] = new JsonObject { [host] = new JsonObject { ["auth"] = login.AuthorizationToken } } }.ToJsonString());
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(configFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            log.Verbose($"docker push {tag}");
            Check(await ProcessRunner.RunAsync(docker, new[] { "push", "-q", tag }, context,
                new Dictionary<string, string> { ["DOCKER_CONFIG"] = dockerConfig }, ct).ConfigureAwait(false), "push", tag);
            return tag;
        }
        finally
        {
            try { Directory.Delete(context, true); } catch (IOException) { }
            try { if (Directory.Exists(dockerConfig)) Directory.Delete(dockerConfig, true); } catch (IOException) { }
        }
    }

    private static void Check(ProcessOutcome outcome, string step, string tag)
    {
        if (outcome.ExitCode != 0)
            throw new SebsException(SebsErrorIds.PackageBuildFailed, SebsErrorKind.InvalidOperation, $"docker {step} of {tag} failed:\n{outcome.Tail()}", target: tag);
    }

    private static void CopyFolder(string from, string to)
    {
        foreach (var dir in Directory.EnumerateDirectories(from, "*", SearchOption.AllDirectories))
            Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, dir)));
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
            File.Copy(file, Path.Combine(to, Path.GetRelativePath(from, file)), overwrite: true);
    }
}
