using Sebs.Core.Configuration;

namespace Sebs.Core.Http;

/// <summary>URLs as they may be logged: query values that grant access (SAS signatures, function keys, tokens) are masked.</summary>
public static class Redaction
{
    private static readonly HashSet<string> AccessParameters = new(StringComparer.OrdinalIgnoreCase)
    {
        "sig", "signature", "code", "key", "x-amz-signature", "x-amz-credential", "x-amz-security-token", "access_token", "upload_id",
    };

    public static string Url(Uri? uri)
    {
        if (uri is null) return "";
        if (string.IsNullOrEmpty(uri.Query)) return uri.ToString();
        var parts = uri.Query.TrimStart('?').Split('&').Select(p =>
        {
            var eq = p.IndexOf('=');
            var name = eq < 0 ? p : p[..eq];
            var decoded = Uri.UnescapeDataString(name);
            return eq >= 0 && (AccessParameters.Contains(decoded) || SecretRedactor.IsSecretKey(decoded)) ? name + "=***" : p;
        });
        return uri.GetLeftPart(UriPartial.Path) + "?" + string.Join('&', parts);
    }
}
