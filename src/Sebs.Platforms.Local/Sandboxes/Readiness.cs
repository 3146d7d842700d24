using System.Net;
using System.Net.Sockets;
using Sebs.Core;
using Sebs.Core.Http;

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
        try
        {
            return await OperationPoller.PollAsync(async t =>
                    await IsAliveAsync(port, t).ConfigureAwait(false) ? PollStep<bool>.Finished(true)
                    : !stillRunning() ? PollStep<bool>.Finished(false, "exited")
                    : PollStep<bool>.Running("not answering yet"),
                new PollOptions(TimeSpan.FromMilliseconds(20), timeout, $"The sandbox on port {port}") { BackOff = true, MaxInterval = TimeSpan.FromMilliseconds(250) },
                ct).ConfigureAwait(false);
        }
        catch (SebsException ex) when (ex.Kind == SebsErrorKind.OperationTimeout) { return false; }
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
