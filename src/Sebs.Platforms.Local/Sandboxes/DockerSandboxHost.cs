using System.Globalization;
using Docker.DotNet;
using Docker.DotNet.Models;
using Sebs.Core;

namespace Sebs.Platforms.Local.Sandboxes;

/// <summary>
/// Runs each function instance in a container of the local run image (<c>sebs/run.local.&lt;language&gt;:&lt;version&gt;</c>),
/// code mounted read-only at /function, the function's memory limit applied, host networking on Linux
/// (the harness picks the port), published on 127.0.0.1 elsewhere.
/// </summary>
public sealed class DockerSandboxHost : ISandboxHost, IDisposable
{
    private readonly DockerClient _client;
    private readonly string _endpoint;

    public DockerSandboxHost(string? endpoint = null)
    {
        _endpoint = endpoint ?? Environment.GetEnvironmentVariable("DOCKER_HOST") ?? DefaultEndpoint();
        _client = new DockerClientConfiguration(new Uri(_endpoint)).CreateClient();
    }

    public SandboxKind Kind => SandboxKind.Docker;
    internal DockerClient Client => _client;
    public string Endpoint => _endpoint;

    internal static string DefaultEndpoint() =>
        OperatingSystem.IsWindows() ? "npipe://./pipe/docker_engine" : "unix:///var/run/docker.sock";

    public static string ImageName(string language, string version) => $"sebs/run.local.{language}:{version}";

    /// <summary>Throws <see cref="SebsErrorIds.DockerUnreachable"/> naming the endpoint when no engine answers.</summary>
    public async Task EnsureReachableAsync(CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(5));
        try
        {
            await _client.System.PingAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            throw new SebsException(SebsErrorIds.DockerUnreachable, SebsErrorKind.ConnectionError,
                $"No Docker engine answered at {_endpoint} ({ex.GetBaseException().Message}). Start Docker, set DOCKER_HOST, or use -Sandbox Process.", ex, _endpoint);
        }
    }

    public async Task<bool> IsReachableAsync(CancellationToken ct)
    {
        try { await EnsureReachableAsync(ct).ConfigureAwait(false); return true; }
        catch (SebsException) { return false; }
    }

    public async Task<bool> ImageExistsAsync(string image, CancellationToken ct)
    {
        try
        {
            await _client.Images.InspectImageAsync(image, ct).ConfigureAwait(false);
            return true;
        }
        catch (DockerImageNotFoundException) { return false; }
        catch (DockerApiException ex) when (ex.StatusCode == System.Net.HttpStatusCode.NotFound) { return false; }
    }

    /// <summary>Runs a one-off container to completion and returns its exit code and output (build steps).</summary>
    public async Task<(long ExitCode, string Output)> RunToCompletionAsync(string image, IList<string> command, IList<string> binds, CancellationToken ct)
    {
        await EnsureReachableAsync(ct).ConfigureAwait(false);
        var created = await _client.Containers.CreateContainerAsync(new CreateContainerParameters
        {
            Image = image,
            Cmd = command,
            WorkingDir = "/function",
            HostConfig = new HostConfig { Binds = binds, NetworkMode = OperatingSystem.IsLinux() ? "host" : "bridge" },
            Labels = new Dictionary<string, string> { ["sebs.build"] = "1" },
        }, ct).ConfigureAwait(false);
        try
        {
            await _client.Containers.StartContainerAsync(created.ID, new ContainerStartParameters(), ct).ConfigureAwait(false);
            var wait = await _client.Containers.WaitContainerAsync(created.ID, ct).ConfigureAwait(false);
            return (wait.StatusCode, await ReadLogsAsync(created.ID, ct).ConfigureAwait(false));
        }
        finally
        {
            await _client.Containers.RemoveContainerAsync(created.ID, new ContainerRemoveParameters { Force = true }, CancellationToken.None).ConfigureAwait(false);
        }
    }

    public Task<ImageInspectResponse> InspectImageAsync(string image, CancellationToken ct) => _client.Images.InspectImageAsync(image, ct);

    public async Task<SandboxInstance> StartAsync(SandboxSpec spec, CancellationToken ct)
    {
        try { return await StartContainerAsync(spec, ct).ConfigureAwait(false); }
        catch (Exception ex) when (IsEngineGone(ex, ct)) { throw Unreachable(ex); }
    }

    private async Task<SandboxInstance> StartContainerAsync(SandboxSpec spec, CancellationToken ct)
    {
        await EnsureReachableAsync(ct).ConfigureAwait(false);
        var package = spec.Package;
        var image = ImageName(package.Language, package.LanguageVersion);
        if (!await ImageExistsAsync(image, ct).ConfigureAwait(false))
            throw new SebsException(SebsErrorIds.FunctionStartFailed, SebsErrorKind.ObjectNotFound,
                $"The run image {image} does not exist. Build it with Build-SebsImage -Language {package.Language} -Version {package.LanguageVersion}.", target: image);

        var hostNetwork = OperatingSystem.IsLinux();
        var port = Readiness.FreePort();
        var containerPort = hostNetwork ? port : 9000;
        var entry = package.Language == "nodejs" ? new[] { "node", "/function/handler.js" } : new[] { "python3", "/function/handler.py" };
        var env = spec.Environment.Select(kv => $"{kv.Key}={kv.Value}").ToList();
        env.Add($"SEBS_PORT={containerPort}");
        env.Add(hostNetwork ? "SEBS_HOST=127.0.0.1" : "SEBS_HOST=0.0.0.0");
        env.Add("PYTHONDONTWRITEBYTECODE=1");
        env.Add("PYTHONUNBUFFERED=1");

        var hostConfig = new HostConfig
        {
            // Host folders the function writes to (the embedded object store) keep their paths inside the container.
            Binds = new[] { $"{package.Path}:/function:ro" }.Concat(spec.WritableFolders.Select(f => $"{f}:{f}:rw")).ToList(),
            Memory = (long)spec.MemoryMB * 1024 * 1024,
            MemorySwap = (long)spec.MemoryMB * 1024 * 1024,
            NetworkMode = hostNetwork ? "host" : "bridge",
        };
        if (!hostNetwork)
            hostConfig.PortBindings = new Dictionary<string, IList<PortBinding>>
            {
                [$"{containerPort}/tcp"] = new List<PortBinding> { new() { HostIP = "127.0.0.1", HostPort = port.ToString(CultureInfo.InvariantCulture) } },
            };

        var created = await _client.Containers.CreateContainerAsync(new CreateContainerParameters
        {
            Image = image,
            Name = $"{spec.FunctionName}-{port}".Replace('.', '-'),
            Cmd = entry,
            Env = env,
            WorkingDir = "/function",
            HostConfig = hostConfig,
            ExposedPorts = hostNetwork ? null : new Dictionary<string, EmptyStruct> { [$"{containerPort}/tcp"] = default },
            Labels = new Dictionary<string, string>
            {
                ["sebs.function"] = spec.FunctionName, ["sebs.port"] = port.ToString(CultureInfo.InvariantCulture),
                // Which cache started it, so clean-up of one cache never stops another cache's function of the same name.
                ["sebs.owner"] = spec.Environment.TryGetValue(SandboxEnvironment.OwnerLabel, out var owner) ? owner : "",
            },
        }, ct).ConfigureAwait(false);

        await _client.Containers.StartContainerAsync(created.ID, new ContainerStartParameters(), ct).ConfigureAwait(false);
        var instance = new SandboxInstance(SandboxKind.Docker, created.ID, port, DateTime.Now);
        var running = true;
        var ready = await Readiness.WaitAsync(port, () => running, TimeSpan.FromSeconds(30), ct).ConfigureAwait(false);
        if (!ready)
        {
            // Keep the logs: they are the only clue why start-up failed.
            var logPath = Path.Combine(spec.LogDirectory, $"{spec.FunctionName}-{port}-container.log");
            PrivateFile.Create(logPath);
            var logs = await ReadLogsAsync(created.ID, ct).ConfigureAwait(false);
            await File.WriteAllTextAsync(logPath, logs, ct).ConfigureAwait(false);
            await StopAsync(instance, CancellationToken.None).ConfigureAwait(false);
            throw new SebsException(SebsErrorIds.FunctionStartFailed, SebsErrorKind.InvalidOperation,
                $"Container for {spec.FunctionName} did not become ready on 127.0.0.1:{port}. Logs kept in {logPath}:\n{Tail(logs)}", target: spec.FunctionName);
        }
        return instance;
    }

    private async Task<string> ReadLogsAsync(string id, CancellationToken ct)
    {
        try
        {
            using var stream = await _client.Containers.GetContainerLogsAsync(id, tty: false,
                new ContainerLogsParameters { ShowStdout = true, ShowStderr = true, Tail = "200" }, ct).ConfigureAwait(false);
            var (stdout, stderr) = await stream.ReadOutputToEndAsync(ct).ConfigureAwait(false);
            return stdout + stderr;
        }
        catch (DockerApiException ex)
        {
            return $"(logs unavailable: {ex.Message})";
        }
    }

    private static string Tail(string text, int lines = 20)
    {
        var all = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        return string.Join("\n", all.Skip(Math.Max(0, all.Length - lines)));
    }

    public async Task StopAsync(SandboxInstance instance, CancellationToken ct)
    {
        try
        {
            await _client.Containers.RemoveContainerAsync(instance.InstanceId, new ContainerRemoveParameters { Force = true }, ct).ConfigureAwait(false);
        }
        catch (DockerContainerNotFoundException) { }
        // Another stop of the same container (a parallel clean-up) got there first.
        catch (DockerApiException ex) when (ex.StatusCode == System.Net.HttpStatusCode.Conflict && ex.ResponseBody.Contains("already in progress", StringComparison.Ordinal)) { }
        catch (Exception ex) when (IsEngineGone(ex, ct))
        {
            throw Unreachable(ex);
        }
    }

    /// <summary>The engine went away during a call (stopped, socket removed): not a bug, and said as such.</summary>
    private static bool IsEngineGone(Exception ex, CancellationToken ct) =>
        !ct.IsCancellationRequested && ex is HttpRequestException or IOException or System.Net.Sockets.SocketException or TimeoutException;

    private SebsException Unreachable(Exception ex) =>
        new(SebsErrorIds.DockerUnreachable, SebsErrorKind.ConnectionError,
            $"The Docker engine at {_endpoint} stopped answering ({ex.GetBaseException().Message}). Results measured so far are kept; start Docker and run again.",
            ex, _endpoint);

    /// <summary>Containers Sebs started for functions (label sebs.function), running or not: what clean-up must find.</summary>
    public async Task<IReadOnlyList<(string Id, string Function, string State)>> ListFunctionContainersAsync(CancellationToken ct) =>
        (await ListLabelledContainersAsync(ct).ConfigureAwait(false)).Select(c => (c.Id, c.Function, c.State)).ToList();

    /// <summary>Function containers with the cache that started them (label sebs.owner; empty for containers of older versions).</summary>
    public async Task<IReadOnlyList<(string Id, string Function, string Owner, string State)>> ListLabelledContainersAsync(CancellationToken ct)
    {
        var list = await _client.Containers.ListContainersAsync(new ContainersListParameters
        {
            All = true,
            Filters = new Dictionary<string, IDictionary<string, bool>> { ["label"] = new Dictionary<string, bool> { ["sebs.function"] = true } },
        }, ct).ConfigureAwait(false);
        return list.Select(c => (c.ID, c.Labels.TryGetValue("sebs.function", out var f) ? f : "",
            c.Labels.TryGetValue("sebs.owner", out var o) ? o : "", c.State ?? "")).ToList();
    }

    public async Task<bool> ExistsAsync(SandboxInstance instance, CancellationToken ct)
    {
        try
        {
            var info = await _client.Containers.InspectContainerAsync(instance.InstanceId, ct).ConfigureAwait(false);
            return info.State?.Running == true;
        }
        catch (DockerContainerNotFoundException) { return false; }
        catch (DockerApiException) { return false; }
        catch (HttpRequestException) { return false; }
    }

    /// <summary>
    /// The container's memory from its cgroup: v2 (memory.current / memory.peak, systemd or cgroupfs layout) or
    /// v1 (memory.usage_in_bytes / memory.max_usage_in_bytes).
    /// </summary>
    public MemorySample? ReadMemory(SandboxInstance instance)
    {
        var id = instance.InstanceId;
        var layouts = new[]
        {
            ($"/sys/fs/cgroup/system.slice/docker-{id}.scope", "memory.current", "memory.peak"),
            ($"/sys/fs/cgroup/docker/{id}", "memory.current", "memory.peak"),
            ($"/sys/fs/cgroup/memory/docker/{id}", "memory.usage_in_bytes", "memory.max_usage_in_bytes"),
            ($"/sys/fs/cgroup/memory/system.slice/docker-{id}.scope", "memory.usage_in_bytes", "memory.max_usage_in_bytes"),
        };
        foreach (var (dir, currentFile, peakFile) in layouts)
        {
            var current = Path.Combine(dir, currentFile);
            if (!File.Exists(current)) continue;
            try
            {
                var cur = ReadMB(current)!.Value;
                return new MemorySample(cur, ReadMB(Path.Combine(dir, peakFile)));
            }
            catch (Exception ex) when (ex is IOException or FormatException) { return null; }
        }
        return null;

        static double? ReadMB(string file) =>
            File.Exists(file) ? long.Parse(File.ReadAllText(file).Trim(), CultureInfo.InvariantCulture) / 1048576.0 : null;
    }

    public void Dispose() => _client.Dispose();
}
