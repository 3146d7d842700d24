using System.Buffers.Text;
using System.Diagnostics;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;

namespace Sebs.Core.Invocation;

/// <summary>
/// One kept-alive HTTP/1.1 connection to a function's URL (TCP, or TLS over it) that sends a request and reads its
/// response, either blocking the calling thread or asynchronously, through the same code.
/// </summary>
/// <remarks>
/// Written here rather than taken from HttpClient because measured invocations are the client's hot path (issue 15):
/// HttpClient parks every pooled connection on an asynchronous read and completes each call on the thread pool, and on
/// two cores the pool's hand-offs and spinning cost 130-150 µs of client CPU per call at concurrency 50, taken from
/// the function under test; a blocking socket on a thread of its own costs 20-50 µs (tests/perf/Measure-Throughput.ps1).
/// It speaks only what a function's front end answers a POST with: Content-Length, chunked or close-delimited bodies,
/// interim 1xx responses, keep-alive and Connection: close. TLS is SslStream's, with the system's trust store.
/// Control-plane calls keep using HttpClient (Sebs.Core.Http).
/// </remarks>
internal sealed class Http11Connection : IDisposable
{
    private const int MaxHeaderBytes = 64 * 1024;
    private const int MaxBodyBytes = 256 * 1024 * 1024;
    private static readonly byte[] HeaderEnd = "\r\n\r\n"u8.ToArray();
    private static readonly byte[] Crlf = "\r\n"u8.ToArray();

    private readonly Socket _socket;
    private readonly Stream _stream;
    private byte[] _buffer = new byte[16 * 1024];
    private int _start, _end;   // the received bytes not consumed yet: _buffer[_start.._end]
    private byte[] _body = new byte[4 * 1024];
    private readonly bool _tls;
    private Stopwatch _clock = new();
    private TimeSpan _firstByte;

    private Http11Connection(Socket socket, Stream stream, bool blocking, TimeSpan connectTime, bool tls)
    {
        _socket = socket;
        _stream = stream;
        Blocking = blocking;
        ConnectTime = connectTime;
        _tls = tls;
    }

    /// <summary>Whether this connection does blocking I/O; a socket once used asynchronously stays non-blocking.</summary>
    public bool Blocking { get; }

    /// <summary>The TCP connect time of this connection (SeBS's http_startup); zero once it has served a request.</summary>
    public TimeSpan ConnectTime { get; private set; }

    /// <summary>Whether the connection has served a request before; only a reused one may have been closed by the server meanwhile.</summary>
    public bool Reused { get; private set; }

    /// <summary>Whether any byte of the current exchange's response has arrived: before that, the server may have dropped the request unseen.</summary>
    public bool ResponseStarted { get; private set; }

    /// <summary>False after Connection: close, a close-delimited body or any error: the connection must not be pooled.</summary>
    public bool CanReuse { get; private set; } = true;

    /// <summary>
    /// Connects (and shakes hands for https). A blocking open is cancelled by closing the socket, which ends the wait;
    /// <paramref name="ct"/> carries the invocation's timeout as well as the caller's cancellation.
    /// </summary>
    public static async ValueTask<Http11Connection> OpenAsync(Uri url, bool async, RemoteCertificateValidationCallback? validateCertificate,
        CancellationToken ct)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        using var closeOnCancel = async ? default : ct.Register(static s => ((Socket)s!).Dispose(), socket);
        try
        {
            var sw = Stopwatch.StartNew();
            if (async) await socket.ConnectAsync(url.DnsSafeHost, url.Port, ct).ConfigureAwait(false);
            else socket.Connect(url.DnsSafeHost, url.Port);
            var connectTime = sw.Elapsed;
            Stream stream = new NetworkStream(socket, ownsSocket: true);
            if (url.Scheme == Uri.UriSchemeHttps)
            {
                var ssl = new SslStream(stream, leaveInnerStreamOpen: false, validateCertificate);
                var options = new SslClientAuthenticationOptions
                {
                    TargetHost = url.IdnHost,
                    ApplicationProtocols = new List<SslApplicationProtocol> { SslApplicationProtocol.Http11 },
                };
                if (async) await ssl.AuthenticateAsClientAsync(options, ct).ConfigureAwait(false);
                else ssl.AuthenticateAsClient(options);
                stream = ssl;
            }
            return new Http11Connection(socket, stream, blocking: !async, connectTime, tls: stream is SslStream);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Whether the server has closed this idle connection, checked before reuse: a readable idle socket is at end of
    /// stream, or holds bytes nobody asked for. Over TLS such bytes may be a session ticket, so only the end counts there.
    /// </summary>
    public bool IsClosedByPeer()
    {
        try
        {
            if (_start != _end) return true;
            if (!_socket.Poll(0, SelectMode.SelectRead)) return false;
            return _socket.Available == 0 || !_tls;
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException) { return true; }
    }

    /// <summary>
    /// Sends <paramref name="request"/> (head and body, already serialised) and reads the whole response.
    /// <paramref name="clock"/> runs from the start of the call; the first response byte's arrival is read from it
    /// (SeBS's time to first byte, pycurl's STARTTRANSFER_TIME).
    /// Throws IOException (or SocketException) when the connection fails; the caller then disposes it. A blocking
    /// exchange is cancelled (or timed out) through <paramref name="ct"/> by closing the connection.
    /// </summary>
    public async ValueTask<InvocationResponse> ExchangeAsync(ReadOnlyMemory<byte> request, Stopwatch clock, CancellationToken ct)
    {
        using var closeOnCancel = Blocking ? ct.Register(static c => ((Http11Connection)c!).Dispose(), this) : default;
        ConnectTime = Reused ? TimeSpan.Zero : ConnectTime;
        ResponseStarted = false;
        _clock = clock;
        if (Blocking) _stream.Write(request.Span);
        else await _stream.WriteAsync(request, ct).ConfigureAwait(false);

        int status;
        string reason;
        ResponseHead head;
        while (true)
        {
            var headerLength = await FillUntilAsync(HeaderEnd, ct).ConfigureAwait(false);
            head = ResponseHead.Parse(_buffer.AsSpan(_start, headerLength), out status, out reason);
            _start += headerLength;
            // 100 Continue and 103 Early Hints precede the real response; 101 would switch protocols, which a POST never asks for.
            if (status is >= 100 and < 200 && status != 101) continue;
            break;
        }
        Reused = true;
        if (!head.KeepAlive) CanReuse = false;

        int bodyLength;
        if (status is 204 or 304 or 101) bodyLength = 0;
        else if (head.Chunked) bodyLength = await ReadChunkedAsync(ct).ConfigureAwait(false);
        else if (head.ContentLength is { } length) bodyLength = await ReadExactlyAsync(length, ct).ConfigureAwait(false);
        else
        {
            CanReuse = false;
            bodyLength = await ReadToEndAsync(ct).ConfigureAwait(false);
        }
        return new InvocationResponse(status, reason, _body.AsMemory(0, bodyLength), _firstByte);
    }

    /// <summary>Receives until the unread bytes contain <paramref name="marker"/>; returns the length up to and including it.</summary>
    private async ValueTask<int> FillUntilAsync(byte[] marker, CancellationToken ct)
    {
        var searched = 0;
        while (true)
        {
            var at = _buffer.AsSpan(_start + searched, _end - _start - searched).IndexOf(marker);
            if (at >= 0) return searched + at + marker.Length;
            searched = Math.Max(0, _end - _start - marker.Length + 1);
            if (_end - _start >= MaxHeaderBytes) throw new IOException($"The response head is larger than {MaxHeaderBytes / 1024} KB.");
            if (await ReceiveAsync(ct).ConfigureAwait(false) == 0)
                throw new IOException(_end == _start ? "The server closed the connection without a response." : "The server closed the connection in the middle of the response head.");
        }
    }

    /// <summary>Reads more bytes after the unread ones, compacting or growing the buffer first; 0 at end of stream.</summary>
    private async ValueTask<int> ReceiveAsync(CancellationToken ct)
    {
        if (_start == _end) _start = _end = 0;
        if (_end == _buffer.Length)
        {
            var unread = _end - _start;
            if (_start > 0) Buffer.BlockCopy(_buffer, _start, _buffer, 0, unread);
            else Array.Resize(ref _buffer, _buffer.Length * 2);
            _start = 0;
            _end = unread;
        }
        var n = Blocking
            ? _stream.Read(_buffer, _end, _buffer.Length - _end)
            : await _stream.ReadAsync(_buffer.AsMemory(_end), ct).ConfigureAwait(false);
        _end += n;
        if (n > 0 && !ResponseStarted)
        {
            ResponseStarted = true;
            _firstByte = _clock.Elapsed;
        }
        return n;
    }

    private async ValueTask<int> ReadExactlyAsync(long length, CancellationToken ct)
    {
        if (length > MaxBodyBytes) throw new IOException($"The response body of {length} bytes is larger than {MaxBodyBytes / (1024 * 1024)} MB.");
        await AppendBodyAsync(0, (int)length, ct).ConfigureAwait(false);
        return (int)length;
    }

    /// <summary>Moves <paramref name="count"/> body bytes, received or still to come, to the body buffer at <paramref name="offset"/>.</summary>
    private async ValueTask AppendBodyAsync(int offset, int count, CancellationToken ct)
    {
        EnsureBody(offset + count);
        var copied = 0;
        while (copied < count)
        {
            if (_start == _end && await ReceiveAsync(ct).ConfigureAwait(false) == 0)
                throw new IOException("The server closed the connection in the middle of the response body.");
            var n = Math.Min(count - copied, _end - _start);
            Buffer.BlockCopy(_buffer, _start, _body, offset + copied, n);
            _start += n;
            copied += n;
        }
    }

    private async ValueTask<int> ReadChunkedAsync(CancellationToken ct)
    {
        var length = 0;
        while (true)
        {
            var lineLength = await FillUntilAsync(Crlf, ct).ConfigureAwait(false);
            var line = _buffer.AsSpan(_start, lineLength - 2);
            var semicolon = line.IndexOf((byte)';');   // chunk extensions carry nothing a result needs
            if (semicolon >= 0) line = line[..semicolon];
            if (!Utf8Parser.TryParse(line.Trim(" \t"u8), out int size, out var used, 'x') || used != line.Trim(" \t"u8).Length || size < 0)
                throw new IOException("The response has a malformed chunk size.");
            _start += lineLength;
            if (size == 0) break;
            if ((long)length + size > MaxBodyBytes) throw new IOException($"The response body is larger than {MaxBodyBytes / (1024 * 1024)} MB.");
            await AppendBodyAsync(length, size, ct).ConfigureAwait(false);
            length += size;
            var end = await FillUntilAsync(Crlf, ct).ConfigureAwait(false);
            if (end != 2) throw new IOException("A response chunk is longer than its size says.");
            _start += 2;
        }
        // Trailer fields, if any, end with an empty line; nothing in them is kept.
        while (true)
        {
            var lineLength = await FillUntilAsync(Crlf, ct).ConfigureAwait(false);
            _start += lineLength;
            if (lineLength == 2) return length;
        }
    }

    private async ValueTask<int> ReadToEndAsync(CancellationToken ct)
    {
        var length = 0;
        while (true)
        {
            if (_start == _end && await ReceiveAsync(ct).ConfigureAwait(false) == 0) return length;
            var n = _end - _start;
            if ((long)length + n > MaxBodyBytes) throw new IOException($"The response body is larger than {MaxBodyBytes / (1024 * 1024)} MB.");
            EnsureBody(length + n);
            Buffer.BlockCopy(_buffer, _start, _body, length, n);
            length += n;
            _start = _end;
        }
    }

    private void EnsureBody(int size)
    {
        if (_body.Length < size) Array.Resize(ref _body, Math.Max(size, _body.Length * 2));
    }

    public void Dispose()
    {
        CanReuse = false;
        _stream.Dispose();
        _socket.Dispose();
    }

    /// <summary>What the response head says about framing and reuse.</summary>
    private readonly record struct ResponseHead(long? ContentLength, bool Chunked, bool KeepAlive)
    {
        public static ResponseHead Parse(ReadOnlySpan<byte> head, out int status, out string reason)
        {
            var lineEnd = head.IndexOf("\r\n"u8);
            var statusLine = head[..lineEnd];
            // "HTTP/1.1 200 OK": the version, a three-digit code and an optional reason.
            if (statusLine.Length < 12 || !statusLine.StartsWith("HTTP/1."u8) || statusLine[8] != (byte)' ' ||
                !Utf8Parser.TryParse(statusLine.Slice(9, 3), out status, out var used) || used != 3)
                throw new IOException($"The response does not start with an HTTP/1.x status line: {Printable(statusLine)}");
            var http10 = statusLine[7] == (byte)'0';
            reason = statusLine.Length > 13 ? Encoding.ASCII.GetString(statusLine[13..]) : "";
            long? contentLength = null;
            var chunked = false;
            var keepAlive = !http10;
            var rest = head[(lineEnd + 2)..];
            while (rest.Length > 2)
            {
                var end = rest.IndexOf("\r\n"u8);
                var line = rest[..end];
                rest = rest[(end + 2)..];
                var colon = line.IndexOf((byte)':');
                if (colon <= 0) continue;
                var name = line[..colon];
                var value = line[(colon + 1)..].Trim(" \t"u8);
                if (Ascii.EqualsIgnoreCase(name, "Content-Length"u8))
                {
                    if (!Utf8Parser.TryParse(value, out long n, out var digits) || digits != value.Length || n < 0)
                        throw new IOException($"The response has an invalid Content-Length: {Printable(value)}");
                    contentLength = n;
                }
                else if (Ascii.EqualsIgnoreCase(name, "Transfer-Encoding"u8))
                    chunked = LastToken(value, "chunked"u8);
                else if (Ascii.EqualsIgnoreCase(name, "Connection"u8))
                {
                    if (HasToken(value, "close"u8)) keepAlive = false;
                    else if (HasToken(value, "keep-alive"u8)) keepAlive = true;
                }
            }
            // A chunked body's own framing wins over a Content-Length beside it (RFC 9112 §6.3).
            return new ResponseHead(chunked ? null : contentLength, chunked, keepAlive);
        }

        private static bool HasToken(ReadOnlySpan<byte> value, ReadOnlySpan<byte> token)
        {
            while (true)
            {
                var comma = value.IndexOf((byte)',');
                if (Ascii.EqualsIgnoreCase((comma < 0 ? value : value[..comma]).Trim(" \t"u8), token)) return true;
                if (comma < 0) return false;
                value = value[(comma + 1)..];
            }
        }

        private static bool LastToken(ReadOnlySpan<byte> value, ReadOnlySpan<byte> token)
        {
            var comma = value.LastIndexOf((byte)',');
            return Ascii.EqualsIgnoreCase(value[(comma + 1)..].Trim(" \t"u8), token);
        }

        private static string Printable(ReadOnlySpan<byte> s)
        {
            var text = Encoding.ASCII.GetString(s[..Math.Min(s.Length, 100)]);
            return new string(text.Select(c => char.IsControl(c) ? '?' : c).ToArray());
        }
    }
}
