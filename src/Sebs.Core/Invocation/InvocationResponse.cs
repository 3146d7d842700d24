using System.Text;

namespace Sebs.Core.Invocation;

/// <summary>A function's HTTP response as a measured invocation reads it: status, body, and when its first byte came.</summary>
/// <param name="Body">The body bytes; valid until the connection that read them sends its next request.</param>
internal readonly record struct InvocationResponse(int StatusCode, string ReasonPhrase, ReadOnlyMemory<byte> Body, TimeSpan FirstByte)
{
    public bool IsSuccessStatusCode => StatusCode is >= 200 and <= 299;

    public string BodyText() => Encoding.UTF8.GetString(Body.Span);
}
