using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Amazon.Runtime;
using Amazon.Runtime.Internal.Auth;

namespace Sebs.Platforms.Aws;

/// <summary>
/// Signs an HttpRequestMessage with Signature Version 4. This class builds the canonical request (the part that
/// depends on how the request is sent); the key derivation and signature come from AWSSDK.Core's AWS4Signer.
/// </summary>
public static class SigV4Signer
{
    public static async Task SignAsync(HttpRequestMessage request, ImmutableCredentials credentials, string region, string service,
        DateTime utcNow, CancellationToken ct = default)
    {
        var body = request.Content is null ? Array.Empty<byte>() : await request.Content.ReadAsByteArrayAsync(ct).ConfigureAwait(false);
        var payloadHash = Convert.ToHexString(SHA256.HashData(body)).ToLowerInvariant();
        var uri = request.RequestUri!;
        request.Headers.Host = uri.IsDefaultPort ? uri.Host : $"{uri.Host}:{uri.Port}";
        request.Headers.Remove("X-Amz-Date");
        request.Headers.TryAddWithoutValidation("X-Amz-Date", utcNow.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture));
        if (credentials.UseToken)
        {
            request.Headers.Remove("X-Amz-Security-Token");
            request.Headers.TryAddWithoutValidation("X-Amz-Security-Token", credentials.Token);
        }
        if (service == "s3")
            request.Headers.TryAddWithoutValidation("X-Amz-Content-SHA256", payloadHash);

        var headers = CanonicalHeaders(request);
        var signedHeaders = string.Join(';', headers.Keys);
        var canonical = string.Join('\n',
            request.Method.Method,
            CanonicalPath(uri, service),
            CanonicalQuery(uri),
            string.Concat(headers.Select(h => $"{h.Key}:{h.Value}\n")),
            signedHeaders,
            payloadHash);
        var result = AWS4Signer.ComputeSignature(credentials, region, utcNow, service, signedHeaders, canonical);
        // The value is not an RFC 7235 token68/parameter list, so it is added without .NET's parsing.
        request.Headers.Remove("Authorization");
        request.Headers.TryAddWithoutValidation("Authorization", result.ForAuthorizationHeader);
    }

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
