using System.Globalization;
using System.Security.Cryptography;
using Docker.DotNet;
using Docker.DotNet.Models;
using Sebs.Core;
using Sebs.Core.Platforms;
using Sebs.Platforms.Local.Sandboxes;

namespace Sebs.Platforms.Local.Storage;

/// <summary>
/// Runs MinIO in a container as SeBS's <c>storage start</c> does, but on 127.0.0.1 (host networking on Linux,
/// a published loopback port elsewhere), with fresh random keys and a data folder on the host.
/// </summary>
internal sealed class MinioService(DockerClient client)
{
    public async Task<StorageInstance> StartAsync(StorageStartOptions options, CancellationToken ct)
    {
        await EnsureImageAsync(options.Image, ct).ConfigureAwait(false);
        var port = options.Port ?? Readiness.FreePort();
        var hostNetwork = OperatingSystem.IsLinux();
        var accessKey = Convert.ToHexString(RandomNumberGenerator.GetBytes(12)).ToLowerInvariant();
        var secretKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(30)).Replace('/', '_').Replace('+', '-');
        Directory.CreateDirectory(options.DataPath);
        var listen = hostNetwork ? $"127.0.0.1:{port}" : ":9000";
        var hostConfig = new HostConfig
        {
            Binds = new List<string> { $"{Path.GetFullPath(options.DataPath)}:/data:rw" },
            NetworkMode = hostNetwork ? "host" : "bridge",
        };
        if (!hostNetwork)
            hostConfig.PortBindings = new Dictionary<string, IList<PortBinding>>
            {
                ["9000/tcp"] = new List<PortBinding> { new() { HostIP = "127.0.0.1", HostPort = port.ToString(CultureInfo.InvariantCulture) } },
            };
        var created = await client.Containers.CreateContainerAsync(new CreateContainerParameters
        {
            Image = options.Image,
            Name = $"sebs-minio-{port}",
            Cmd = new List<string> { "server", "/data", "--address", listen, "--console-address", hostNetwork ? $"127.0.0.1:{Readiness.FreePort()}" : ":9001" },
            Env = new List<string> { $"MINIO_ROOT_USER={accessKey}", $"MINIO_ROOT_PASSWORD={secretKey}" },
            HostConfig = hostConfig,
            Labels = new Dictionary<string, string> { ["sebs.storage"] = "minio" },
        }, ct).ConfigureAwait(false);
        await client.Containers.StartContainerAsync(created.ID, new ContainerStartParameters(), ct).ConfigureAwait(false);

        var instance = new StorageInstance
        {
            Address = $"127.0.0.1:{port}", AccessKey = accessKey, SecretKey = secretKey, InstanceId = created.ID,
            Image = options.Image, DataPath = Path.GetFullPath(options.DataPath), Port = port,
        };
        if (!await WaitLiveAsync(port, ct).ConfigureAwait(false))
        {
            await StopAsync(instance, CancellationToken.None).ConfigureAwait(false);
            throw new SebsException(SebsErrorIds.StorageError, SebsErrorKind.ResourceUnavailable,
                $"MinIO ({options.Image}) did not answer on 127.0.0.1:{port} within 30 s.", target: options.Image);
        }
        return instance;
    }

    private async Task EnsureImageAsync(string image, CancellationToken ct)
    {
        try
        {
            await client.Images.InspectImageAsync(image, ct).ConfigureAwait(false);
            return;
        }
        catch (DockerImageNotFoundException) { }
        var (name, tag) = image.Contains(':') ? (image[..image.LastIndexOf(':')], image[(image.LastIndexOf(':') + 1)..]) : (image, "latest");
        try
        {
            await client.Images.CreateImageAsync(new ImagesCreateParameters { FromImage = name, Tag = tag }, null, new Progress<JSONMessage>(), ct).ConfigureAwait(false);
            await client.Images.InspectImageAsync(image, ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is DockerApiException or HttpRequestException)
        {
            throw new SebsException(SebsErrorIds.StorageError, SebsErrorKind.ResourceUnavailable,
                $"The image {image} is not present and could not be pulled ({ex.GetBaseException().Message}). Load it with 'docker load' or name a local image with -Image.", ex, image);
        }
    }

    private static async Task<bool> WaitLiveAsync(int port, CancellationToken ct)
    {
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(2) };
        try
        {
            return await Sebs.Core.Http.OperationPoller.PollAsync(async t =>
            {
                try
                {
                    using var r = await http.GetAsync($"http://127.0.0.1:{port}/minio/health/live", t).ConfigureAwait(false);
                    if (r.IsSuccessStatusCode) return Sebs.Core.Http.PollStep<bool>.Finished(true);
                    return Sebs.Core.Http.PollStep<bool>.Running($"HTTP {(int)r.StatusCode}");
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !t.IsCancellationRequested)
                {
                    return Sebs.Core.Http.PollStep<bool>.Running(ex.Message);
                }
            }, new Sebs.Core.Http.PollOptions(TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(30), $"MinIO on port {port}"), ct).ConfigureAwait(false);
        }
        catch (SebsException ex) when (ex.Kind == SebsErrorKind.OperationTimeout) { return false; }
    }

    public async Task StopAsync(StorageInstance instance, CancellationToken ct)
    {
        try
        {
            await client.Containers.RemoveContainerAsync(instance.InstanceId, new ContainerRemoveParameters { Force = true }, ct).ConfigureAwait(false);
        }
        catch (DockerContainerNotFoundException) { }
    }
}
