using System.Management.Automation;
using System.Management.Automation.Runspaces;
using Sebs.Core;
using Sebs.Core.Diagnostics;
using Sebs.Core.Remoting;

namespace Sebs.Cmdlets.Remoting;

/// <summary>
/// The connected, checked load hosts of one run. Sessions it opened itself (from -ComputerName) are closed when it is
/// disposed; sessions the user passed stay open. Opening uses PowerShell's own New-PSSession over SSH in a private runspace.
/// </summary>
internal sealed class LoadHostPool : IDisposable
{
    private readonly List<PowerShell> _openers = new();

    private LoadHostPool(IReadOnlyList<PowerShellLoadHost> hosts) => Hosts = hosts;

    public IReadOnlyList<PowerShellLoadHost> Hosts { get; private set; }

    /// <summary>Connects to every host at once and checks each runs the caller's Sebs version; the first failure names its host.</summary>
    public static async Task<LoadHostPool> OpenAsync(LoadHostOptions options, ISebsLog log, CancellationToken ct)
    {
        var pool = new LoadHostPool(Array.Empty<PowerShellLoadHost>());
        try
        {
            var hosts = options.Sessions.Count > 0
                ? options.Sessions.Select(s => new PowerShellLoadHost(SessionName(s), s)).ToList()
                : (await Task.WhenAll(options.ComputerNames.Select(n => Task.Run(() => pool.Open(n, options), ct))).ConfigureAwait(false)).ToList();
            pool.Hosts = hosts;
            var duplicate = hosts.GroupBy(h => h.Name).FirstOrDefault(g => g.Count() > 1);
            if (duplicate is not null)
                throw new SebsException(SebsErrorIds.InvalidConfig, SebsErrorKind.InvalidArgument, $"Load host {duplicate.Key} is given more than once.", target: duplicate.Key);
            await Task.WhenAll(hosts.Select(h => h.HandshakeAsync(options.ModulePath, options.ModuleVersion, ct))).ConfigureAwait(false);
            foreach (var h in hosts) log.Verbose($"Load host {h.Name}: Sebs {h.ModuleVersion} from {h.ModulePath} (process {h.ProcessId}).");
            return pool;
        }
        catch
        {
            pool.Dispose();
            throw;
        }
    }

    private PowerShellLoadHost Open(string text, LoadHostOptions options)
    {
        var (user, host, port) = LoadHostOptions.ParseHost(text);
        Probe(text, host, port ?? 22);
        var ps = PowerShell.Create();
        lock (_openers) _openers.Add(ps);
        ps.AddCommand("New-PSSession").AddParameter("HostName", host).AddParameter("ErrorAction", "Stop");
        if (port is { } p) ps.AddParameter("Port", p);
        if ((user ?? options.UserName) is { } u) ps.AddParameter("UserName", u);
        if (options.KeyFilePath is { } key) ps.AddParameter("KeyFilePath", key);
        // New-PSSession -Options reaches ssh as -o; Invoke-Command -SSHConnection drops Options (pwsh 7.6).
        if (options.SshOptions is { Count: > 0 } sshOptions) ps.AddParameter("Options", sshOptions);
        try
        {
            var session = ps.Invoke().Select(o => o.BaseObject).OfType<PSSession>().SingleOrDefault();
            if (session is null || ps.HadErrors)
                throw new InvalidOperationException(string.Join("; ", ps.Streams.Error.Select(e => e.ToString())));
            return new PowerShellLoadHost(text, session);
        }
        catch (Exception ex) when (ex is RuntimeException or InvalidOperationException)
        {
            throw new SebsException(SebsErrorIds.RemoteHostUnreachable, SebsErrorKind.ConnectionError,
                $"Could not open a PowerShell session to load host {text} over SSH: {ex.Message}", ex, target: text);
        }
    }

    /// <summary>
    /// A plain TCP connect first: in pwsh 7.6.9 a New-PSSession to a port that refuses the connection can take the whole
    /// process down (an unhandled IOException in the SSH transport's error thread, seen on this machine), so an
    /// unreachable host is reported here instead, by name.
    /// </summary>
    private static void Probe(string text, string host, int port)
    {
        using var client = new System.Net.Sockets.TcpClient();
        try
        {
            if (!client.ConnectAsync(host, port).Wait(TimeSpan.FromSeconds(10)))
                throw new TimeoutException("no answer within 10 s");
        }
        catch (Exception ex) when (ex is AggregateException or System.Net.Sockets.SocketException or TimeoutException)
        {
            var reason = (ex as AggregateException)?.InnerException?.Message ?? ex.Message;
            throw new SebsException(SebsErrorIds.RemoteHostUnreachable, SebsErrorKind.ConnectionError,
                $"Load host {text} does not accept connections on port {port}: {reason}", ex, target: text);
        }
    }

    /// <summary>A session's host as results name it: the computer name, with the port when it is not SSH's 22.</summary>
    private static string SessionName(PSSession session)
    {
        var port = PSObject.AsPSObject(session.Runspace.ConnectionInfo).Properties["Port"]?.Value;
        return port is int p && p != 0 && p != 22 ? $"{session.ComputerName}:{p}" : session.ComputerName;
    }

    public void Dispose()
    {
        lock (_openers)
        {
            // Only sessions opened here (one opener each) are closed; the user's own sessions stay open for them.
            if (_openers.Count > 0)
                foreach (var h in Hosts)
                {
                    try { h.Session.Runspace.Dispose(); } catch (Exception ex) when (ex is InvalidOperationException or System.Management.Automation.Remoting.PSRemotingTransportException) { }
                }
            foreach (var ps in _openers) ps.Dispose();
            _openers.Clear();
        }
    }
}
