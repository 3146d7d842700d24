using System.Net;

namespace Sebs.Core.Http;

/// <summary>
/// A control-plane call the service refused: which service and operation, the HTTP status and the error code and
/// message the service gave (ARM's error.code, Google's error.status, AWS's __type), so the ErrorRecord says what it said.
/// </summary>
public class CloudRequestException(string service, string operation, HttpStatusCode status, string code, string message)
    : SebsException(SebsErrorIds.CloudRequestFailed, KindOf(status), $"{service} {operation} failed: {code} (HTTP {(int)status}): {message}", target: operation)
{
    public string Service { get; } = service;
    public string Operation { get; } = operation;
    public HttpStatusCode Status { get; } = status;
    public string Code { get; } = code;
    public string ServiceMessage { get; } = message;

    private static SebsErrorKind KindOf(HttpStatusCode status) => (int)status switch
    {
        401 or 403 => SebsErrorKind.AuthenticationError,
        404 => SebsErrorKind.ObjectNotFound,
        409 or 429 => SebsErrorKind.ResourceUnavailable,
        >= 500 => SebsErrorKind.ConnectionError,
        _ => SebsErrorKind.InvalidOperation,
    };
}
