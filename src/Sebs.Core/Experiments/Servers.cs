using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Sebs.Core.Experiments;

/// <summary>One datagram the echo server received and answered: its position, the message text and both times, epoch seconds.</summary>
public sealed record EchoRecord(int Index, string Message, double ServerReceive, double ServerSend);

/// <summary>
/// The client side of network-ping-pong and invocation-overhead: a UDP server on this machine that echoes every
/// datagram back and records when it arrived and when the echo left. Runs until stopped, or until it receives
/// <c>stop</c> (030.clock-synchronization's last message).
/// </summary>
public sealed class UdpEchoServer : IDisposable
{
    private readonly UdpClient _client;
    private readonly List<EchoRecord> _records = new();

    /// <param name="port">0 = any free port.</param>
    public UdpEchoServer(IPAddress bind, int port)
    {
        _client = new UdpClient(new IPEndPoint(bind, port));
        Port = ((IPEndPoint)_client.Client.LocalEndPoint!).Port;
    }

    public int Port { get; }

    public IReadOnlyList<EchoRecord> Records { get { lock (_records) return _records.ToList(); } }

    /// <summary>Epoch seconds with the system clock's full resolution (the functions use Python's time.time()).</summary>
    public static double EpochNow() => (DateTime.UtcNow - DateTime.UnixEpoch).Ticks / (double)TimeSpan.TicksPerSecond;

    /// <summary>Echoes until cancelled or a <c>stop</c> datagram arrives.</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            UdpReceiveResult received;
            try { received = await _client.ReceiveAsync(ct).ConfigureAwait(false); }
            catch (OperationCanceledException) { return; }
            catch (ObjectDisposedException) { return; }
            catch (SocketException) { continue; } // ICMP port unreachable from a previous peer, etc.
            var receivedAt = EpochNow();
            var message = Encoding.UTF8.GetString(received.Buffer);
            // Stamped just before the (synchronous, non-blocking for UDP) send: a timestamp taken after an awaited send
            // can land after the function already has the echo, which would make the round trip negative.
            var sentAt = EpochNow();
            _client.Send(received.Buffer, received.Buffer.Length, received.RemoteEndPoint);
            lock (_records) _records.Add(new EchoRecord(_records.Count, message, receivedAt, sentAt));
            if (message == "stop") return;
        }
    }

    /// <summary>
    /// Writes SeBS's <c>server-&lt;request id&gt;.csv</c>: <c>id,server_rcv,server_send</c>. The id is the number the
    /// datagram carries (030 numbers them, gaps included), else its position (020's last datagram carries the request id
    /// instead of its number); <c>stop</c> is not an exchange.
    /// </summary>
    public void WriteCsv(string path)
    {
        using var w = new StreamWriter(path);
        w.WriteLine("id,server_rcv,server_send");
        foreach (var r in Records)
        {
            if (r.Message == "stop") continue;
            var id = int.TryParse(r.Message, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : r.Index;
            w.WriteLine(CsvText.Join(id, r.ServerReceive, r.ServerSend));
        }
    }

    public void Dispose() => _client.Dispose();
}

/// <summary>The client side of eviction-model: a TCP server that sends <c>accepted</c> to every connection.</summary>
public sealed class TcpReplyServer : IDisposable
{
    private readonly TcpListener _listener;
    private int _accepted;

    public TcpReplyServer(IPAddress bind, int port)
    {
        _listener = new TcpListener(bind, port);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
    }

    public int Port { get; }
    public int Accepted => _accepted;
    public string Message { get; init; } = "accepted";

    public async Task RunAsync(CancellationToken ct)
    {
        var reply = Encoding.UTF8.GetBytes(Message);
        while (!ct.IsCancellationRequested)
        {
            TcpClient client;
            try { client = await _listener.AcceptTcpClientAsync(ct).ConfigureAwait(false); }
            catch (OperationCanceledException) { return; }
            catch (ObjectDisposedException) { return; }
            catch (SocketException) { return; }
            Interlocked.Increment(ref _accepted);
            _ = Task.Run(async () =>
            {
                using (client)
                {
                    try { await client.GetStream().WriteAsync(reply, ct).ConfigureAwait(false); }
                    catch (Exception) { /* the function went away; its invocation reports the error */ }
                }
            }, CancellationToken.None);
        }
    }

    public void Dispose() => _listener.Stop();
}
