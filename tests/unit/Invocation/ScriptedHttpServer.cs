using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Sebs.Tests.Invocation;

/// <summary>
/// A server on 127.0.0.1 that answers each request with what the test scripts for it, as raw bytes, so the client's
/// handling of framing, interim responses, closed connections and TLS can be driven exactly.
/// </summary>
internal sealed class ScriptedHttpServer : IDisposable
{
    /// <summary>What to do with request number n (0-based, across connections): the bytes to send, then whether to close.</summary>
    public delegate (byte[][] Writes, bool Close) Script(int n, string head, string body);

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Script _script;
    private readonly X509Certificate2? _certificate;
    private readonly CancellationTokenSource _stop = new();
    private int _requests;
    private int _connections;
    private readonly List<string> _heads = new();

    public ScriptedHttpServer(Script script, X509Certificate2? certificate = null)
    {
        _script = script;
        _certificate = certificate;
        _listener.Start();
        _ = AcceptLoopAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;
    public string Url => $"{(_certificate is null ? "http" : "https")}://127.0.0.1:{Port}/fn";
    public int Connections => Volatile.Read(ref _connections);
    public int Requests => Volatile.Read(ref _requests);
    public IReadOnlyList<string> Heads { get { lock (_heads) return _heads.ToList(); } }

    public static byte[] Bytes(string s) => Encoding.UTF8.GetBytes(s);

    /// <summary>A complete 200 response with Content-Length and a wrapper body.</summary>
    public static byte[] Ok(string body, string extraHeaders = "") =>
        Bytes($"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n{extraHeaders}Content-Length: {Encoding.UTF8.GetByteCount(body)}\r\n\r\n{body}");

    public const string WrapperBody = "{\"begin\":\"1700000000.000100\",\"end\":\"1700000000.000350\",\"is_cold\":false,\"request_id\":\"r1\",\"container_id\":\"c1\",\"result\":{\"output\":7}}";

    public static X509Certificate2 SelfSigned()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        return X509CertificateLoader.LoadPkcs12(cert.Export(X509ContentType.Pfx), null);
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket socket;
            try { socket = await _listener.AcceptSocketAsync(_stop.Token); }
            catch { return; }
            Interlocked.Increment(ref _connections);
            _ = ServeAsync(socket);
        }
    }

    private async Task ServeAsync(Socket socket)
    {
        using var _ = socket;
        Stream stream = new NetworkStream(socket, ownsSocket: false);
        try
        {
            if (_certificate is not null)
            {
                var ssl = new SslStream(stream);
                await ssl.AuthenticateAsServerAsync(_certificate);
                stream = ssl;
            }
            var buffer = new List<byte>();
            var chunk = new byte[8192];
            while (true)
            {
                // Reads one request: a head, then as many body bytes as its Content-Length says.
                int headEnd;
                while ((headEnd = IndexOf(buffer, "\r\n\r\n"u8.ToArray())) < 0)
                {
                    var n = await stream.ReadAsync(chunk, _stop.Token);
                    if (n == 0) return;
                    buffer.AddRange(chunk.AsSpan(0, n).ToArray());
                }
                var head = Encoding.ASCII.GetString(buffer.GetRange(0, headEnd).ToArray());
                var length = head.Split("\r\n").Where(l => l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))
                    .Select(l => int.Parse(l[15..].Trim())).FirstOrDefault();
                while (buffer.Count < headEnd + 4 + length)
                {
                    var n = await stream.ReadAsync(chunk, _stop.Token);
                    if (n == 0) return;
                    buffer.AddRange(chunk.AsSpan(0, n).ToArray());
                }
                var body = Encoding.UTF8.GetString(buffer.GetRange(headEnd + 4, length).ToArray());
                buffer.RemoveRange(0, headEnd + 4 + length);
                lock (_heads) _heads.Add(head);
                var (writes, close) = _script(Interlocked.Increment(ref _requests) - 1, head, body);
                foreach (var w in writes)
                {
                    await stream.WriteAsync(w, _stop.Token);
                    await stream.FlushAsync(_stop.Token);
                    if (writes.Length > 1) await Task.Delay(5);
                }
                if (close) return;
            }
        }
        catch { /* the client went away */ }
        finally { stream.Dispose(); }
    }

    private static int IndexOf(List<byte> buffer, byte[] marker)
    {
        for (var i = 0; i + marker.Length <= buffer.Count; i++)
        {
            var match = true;
            for (var j = 0; j < marker.Length && match; j++) match = buffer[i + j] == marker[j];
            if (match) return i;
        }
        return -1;
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
    }
}
