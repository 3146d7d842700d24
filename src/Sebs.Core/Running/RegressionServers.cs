using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Sebs.Core.Benchmarks;
using Sebs.Core.Diagnostics;
using Sebs.Core.Experiments;
using Sebs.Core.Platforms;

namespace Sebs.Core.Running;

/// <summary>
/// The client-side server a microbenchmark talks to, started for one regression case: the UDP echo server of
/// network-ping-pong and invocation-overhead for 020/030 (SeBS §9.2, §9.3) and the TCP reply server of eviction-model
/// for 040 (§9.4). SeBS's regression suite lists none of them, so it never runs these benchmarks; here they run as the
/// experiments run them. The address the function is told comes from the settings <c>server-address</c> (or
/// <c>address-url</c>), else 127.0.0.1 on the local platform; <c>bind-address</c> and <c>server-port</c> as for the experiments.
/// </summary>
public sealed class RegressionServers : IAsyncDisposable
{
    private enum Kind { UdpEcho, TcpReply }

    // The benchmarks the experiments run against these servers (the experiments name them the same way).
    private static readonly Dictionary<string, Kind> Needs = new(StringComparer.OrdinalIgnoreCase)
    {
        ["020.network-benchmark"] = Kind.UdpEcho,
        ["030.clock-synchronization"] = Kind.UdpEcho,
        ["040.server-reply"] = Kind.TcpReply,
    };

    private readonly IDisposable _server;
    private readonly Task _running;
    private readonly CancellationTokenSource _stop;

    private RegressionServers(IDisposable server, Task running, CancellationTokenSource stop, string address, int port, Kind kind)
    {
        _server = server;
        _running = running;
        _stop = stop;
        Address = address;
        Port = port;
        // 020/030 read the server from input.json placeholders and the payload; 040 only from the payload (SeBS's names).
        Settings = kind == Kind.UdpEcho
            ? new Dictionary<string, string> { ["server-address"] = address, ["server-port"] = port.ToString(CultureInfo.InvariantCulture) }
            : new Dictionary<string, string>();
        Payload = kind == Kind.UdpEcho
            ? new JsonObject { ["server-address"] = address, ["server-port"] = port }
            : new JsonObject { ["ip-address"] = address, ["port"] = port };
    }

    /// <summary>The address the function is told to reach.</summary>
    public string Address { get; }
    public int Port { get; }
    /// <summary>Input settings to generate the payload with (they win over the caller's for the same names).</summary>
    public IReadOnlyDictionary<string, string> Settings { get; }
    /// <summary>Payload fields set after generation.</summary>
    public JsonObject Payload { get; }

    public static bool IsNeededBy(Benchmark benchmark) => Needs.ContainsKey(benchmark.Name);

    /// <summary>
    /// Starts the server <paramref name="benchmark"/> needs, or returns null when it needs none. <paramref name="port"/>
    /// 0 takes any free port. Without an address for a cloud function the case cannot run here:
    /// <see cref="UnavailableHereException"/> names the setting to give.
    /// </summary>
    public static async Task<RegressionServers?> StartAsync(Benchmark benchmark, IPlatform platform, IReadOnlyDictionary<string, string> settings,
        int port, ISebsLog log, CancellationToken ct)
    {
        if (!Needs.TryGetValue(benchmark.Name, out var kind)) return null;
        var server = ServerSettingsFrom(settings);
        string address;
        try { address = await ClientAddress.ResolveAsync(server, platform, log, ct).ConfigureAwait(false); }
        catch (SebsException ex) when (ex.ErrorId == SebsErrorIds.InvalidConfig && ex.Kind == SebsErrorKind.InvalidArgument)
        {
            throw new UnavailableHereException(ex.ErrorId, ex.Kind, UnavailableReason.Setting,
                $"{benchmark.Name} needs a server on this machine that the function on {platform.Name} can reach: " +
                "give its public address with -Setting @{'server-address' = ...} (or 'address-url').", ex, benchmark.Name);
        }
        var bind = PingPongInvocation.BindAddress(server, address);
        var stop = new CancellationTokenSource();
        if (kind == Kind.UdpEcho)
        {
            var udp = new UdpEchoServer(bind, port);
            log.Verbose($"Regression: UDP echo server for {benchmark.Name} on {bind}:{udp.Port}, told as {address}.");
            return new RegressionServers(udp, Task.Run(() => udp.RunAsync(stop.Token), CancellationToken.None), stop, address, udp.Port, kind);
        }
        var tcp = new TcpReplyServer(bind, port);
        log.Verbose($"Regression: TCP reply server for {benchmark.Name} on {bind}:{tcp.Port}, told as {address}.");
        return new RegressionServers(tcp, Task.Run(() => tcp.RunAsync(stop.Token), CancellationToken.None), stop, address, tcp.Port, kind);
    }

    /// <summary>The experiments' server settings read from the suite's -Setting; the port is chosen per case by the caller.</summary>
    private static ServerSettings ServerSettingsFrom(IReadOnlyDictionary<string, string> settings)
    {
        string? Get(string name) => settings.TryGetValue(name, out var v) && !string.IsNullOrWhiteSpace(v) ? v : null;
        return new SuiteServerSettings { ServerAddress = Get("server-address"), BindAddress = Get("bind-address"), AddressUrl = Get("address-url") };
    }

    /// <summary>The first port of a fixed range from the setting <c>server-port</c>; 0 (any free port) when it is not given.</summary>
    public static int FirstPort(IReadOnlyDictionary<string, string> settings) =>
        settings.TryGetValue("server-port", out var v) && int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out var p) && p is >= 0 and <= 65535 ? p
        : settings.ContainsKey("server-port")
            ? throw new SebsException(SebsErrorIds.InvalidConfig, SebsErrorKind.InvalidArgument, $"The setting 'server-port' must be a port number, not '{v}'.")
            : 0;

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _server.Dispose();
        try { await _running.ConfigureAwait(false); }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException) { }
        _stop.Dispose();
    }

    private sealed class SuiteServerSettings : ServerSettings { }
}
