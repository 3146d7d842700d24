using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Amazon.Runtime;
using Sebs.Core.Http;

namespace Sebs.Platforms.Aws;

/// <summary>
/// Signature Version 4 of an HttpRequestMessage, per AWS's public specification ("Create a signed AWS API request"):
/// canonical request -> string to sign (AWS4-HMAC-SHA256, time, scope, hash) -> HMAC-SHA256 key chain
/// (AWS4+secret, date, region, service, aws4_request) -> Authorization header. Checked against AWS's SigV4 test-suite
/// vectors in tests/unit/Aws. The one SigV4 implementation of the hand-made control-plane calls; the SDK clients
/// (S3, DynamoDB, STS) sign their own requests.
/// </summary>
public static class SigV4Signer
{
    public const string Algorithm = "AWS4-HMAC-SHA256";

    public static async Task SignAsync(HttpRequestMessage request, ImmutableCredentials credentials, string region, string service,
        DateTime utcNow, CancellationToken ct = default)
    {
        var body = request.Content is null ? Array.Empty<byte>() : await request.Content.ReadAsByteArrayAsync(ct).ConfigureAwait(false);
        var payloadHash = Hex(SHA256.HashData(body));
        var uri = request.RequestUri!;
        var amzDate = utcNow.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        request.Headers.Host = uri.IsDefaultPort ? uri.Host : $"{uri.Host}:{uri.Port}";
        request.Headers.Remove("X-Amz-Date");
        request.Headers.TryAddWithoutValidation("X-Amz-Date", amzDate);
        request.Headers.Remove("X-Amz-Security-Token");
        if (credentials.UseToken) request.Headers.TryAddWithoutValidation("X-Amz-Security-Token", credentials.Token);
        if (service == "s3")
        {
            request.Headers.Remove("X-Amz-Content-SHA256");
            request.Headers.TryAddWithoutValidation("X-Amz-Content-SHA256", payloadHash);
        }

        var headers = CanonicalHeaders(request);
        var signedHeaders = string.Join(';', headers.Keys);
        var canonical = string.Join('\n',
            request.Method.Method,
            CanonicalPath(uri, service),
            CanonicalQuery(uri),
            string.Concat(headers.Select(h => $"{h.Key}:{h.Value}\n")),
            signedHeaders,
            payloadHash);
        var date = amzDate[..8];
        var scope = $"{date}/{region}/{service}/aws4_request";
        var signature = Signature(credentials.SecretKey, date, region, service, StringToSign(amzDate, scope, canonical));
        // The value is not an RFC 7235 token68/parameter list, so it is added without .NET's parsing.
        request.Headers.Remove("Authorization");
        request.Headers.TryAddWithoutValidation("Authorization",
            $"{Algorithm} Credential={credentials.AccessKey}/{scope}, SignedHeaders={signedHeaders}, Signature={signature}");
    }

    /// <summary>AWS4-HMAC-SHA256 \n time \n scope \n hex(SHA-256(canonical request)).</summary>
    internal static string StringToSign(string amzDate, string scope, string canonicalRequest) =>
        string.Join('\n', Algorithm, amzDate, scope, Hex(SHA256.HashData(Encoding.UTF8.GetBytes(canonicalRequest))));

    /// <summary>The signing key chain and the final HMAC, lower-case hex.</summary>
    internal static string Signature(string secretKey, string date, string region, string service, string stringToSign)
    {
        var key = Encoding.UTF8.GetBytes("AWS4" + secretKey);
        foreach (var part in new[] { date, region, service, "aws4_request" }) key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(part));
        return Hex(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(stringToSign)));
    }

    private static string Hex(byte[] bytes) => Convert.ToHexString(bytes).ToLowerInvariant();

    /// <summary>Lower-cased names, sorted, values trimmed with inner runs of spaces folded.</summary>
    internal static SortedDictionary<string, string> CanonicalHeaders(HttpRequestMessage request)
    {
        var all = new SortedDictionary<string, string>(StringComparer.Ordinal);
        void Add(string name, IEnumerable<string> values)
        {
            var key = name.ToLowerInvariant();
            if (key is "authorization" or "user-agent" or "expect" or "content-length") return;
            var value = string.Join(',', values.Select(v => string.Join(' ', v.Split(' ', StringSplitOptions.RemoveEmptyEntries))));
            all[key] = all.TryGetValue(key, out var existing) ? existing + "," + value : value;
        }
        foreach (var h in request.Headers) Add(h.Key, h.Value);
        if (request.Content is not null)
            foreach (var h in request.Content.Headers) Add(h.Key, h.Value);
        return all;
    }

    /// <summary>Each segment URI-encoded (RFC 3986 unreserved kept); S3 encodes once, every other service twice.</summary>
    internal static string CanonicalPath(Uri uri, string service)
    {
        var path = uri.AbsolutePath;
        if (string.IsNullOrEmpty(path)) return "/";
        var segments = path.Split('/').Select(s => Encode(Uri.UnescapeDataString(s)));
        var once = string.Join('/', segments);
        return service == "s3" ? once : string.Join('/', once.Split('/').Select(Encode));
    }

    internal static string CanonicalQuery(Uri uri)
    {
        var query = uri.Query.TrimStart('?');
        if (query.Length == 0) return "";
        return string.Join('&', query.Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => { var i = p.IndexOf('='); return i < 0 ? (K: p, V: "") : (K: p[..i], V: p[(i + 1)..]); })
            .Select(p => (K: Encode(Uri.UnescapeDataString(p.K)), V: Encode(Uri.UnescapeDataString(p.V))))
            .OrderBy(p => p.K, StringComparer.Ordinal).ThenBy(p => p.V, StringComparer.Ordinal)
            .Select(p => $"{p.K}={p.V}"));
    }

    internal static string Encode(string s)
    {
        var sb = new StringBuilder();
        foreach (var b in Encoding.UTF8.GetBytes(s))
        {
            var c = (char)b;
            if (c is >= 'A' and <= 'Z' or >= 'a' and <= 'z' or >= '0' and <= '9' or '-' or '_' or '.' or '~') sb.Append(c);
            else sb.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
        }
        return sb.ToString();
    }
}

/// <summary>
/// Signs every attempt of a control-plane request (a retried request gets a fresh time and signature) with the current
/// credentials: the SDK's credential objects refresh expiring ones (SSO, assumed roles, web identity, instance roles).
/// </summary>
public sealed class SigV4Authenticator(AWSCredentials credentials, string region, string service) : IRequestAuthenticator
{
    /// <summary>The clock requests are signed with (tests pin it).</summary>
    public Func<DateTime> UtcNow { get; init; } = () => DateTime.UtcNow;

    public async ValueTask AuthenticateAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var current = await credentials.GetCredentialsAsync().ConfigureAwait(false);
        await SigV4Signer.SignAsync(request, current, region, service, UtcNow(), cancellationToken).ConfigureAwait(false);
    }
}
