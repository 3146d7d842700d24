using System.Net;
using System.Net.Sockets;

namespace Sebs.Platforms.Local.Sandboxes;

internal static class Readiness
{
    private static readonly HttpClient Client = new(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(2) };

    /// <summary>A free TCP port on 127.0.0.1, chosen by the OS.</summary>
    public static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    public static async Task<bool> IsAliveAsync(int port, CancellationToken ct)
    {
        try
        {
            using var response = await Client.GetAsync($"http://127.0.0.1:{port}/alive", ct).ConfigureAwait(false);
            return response.IsSuccessStatusCode;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <summary>Polls /alive until it answers, the instance dies, or the deadline passes.</summary>
    public static async Task<bool> WaitAsync(int port, Func<bool> stillRunning, TimeSpan timeout, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + timeout;
        var delay = 20;
        while (DateTime.UtcNow < deadline)
        {
            if (await IsAliveAsync(port, ct).ConfigureAwait(false)) return true;
            if (!stillRunning()) return false;
            await Task.Delay(delay, ct).ConfigureAwait(false);
            delay = Math.Min(delay * 2, 250);
        }
        return false;
    }

    public static string Tail(string path, int lines = 20)
    {
        if (!File.Exists(path)) return "";
        using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(fs);
        var all = reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        return string.Join("\n", all.Skip(Math.Max(0, all.Length - lines)));
    }
}
