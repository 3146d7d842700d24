using System.Net;
using System.Text.Json.Nodes;

namespace Sebs.Core.Http;

/// <summary>A control-plane call's answer, read whole (control-plane bodies are small).</summary>
public sealed record ControlPlaneResponse(HttpStatusCode Status, string Body, IReadOnlyDictionary<string, string> Headers)
{
    public bool Ok => (int)Status is >= 200 and < 300;

    /// <summary>A header by name without case (repeated headers joined with commas).</summary>
    public string? Header(string name) => Headers.TryGetValue(name.ToLowerInvariant(), out var v) ? v : null;

    /// <summary>The body as a JSON object; an empty body is an empty object.</summary>
    public JsonObject Json()
    {
        if (Body.Length == 0) return new JsonObject();
        try { return JsonNode.Parse(Body) as JsonObject ?? new JsonObject(); }
        catch (System.Text.Json.JsonException) { return new JsonObject(); }
    }

    /// <summary>How long the service asked to wait (Retry-After in seconds or as a date, or x-ms-retry-after-ms).</summary>
    public TimeSpan? RetryAfter
    {
        get
        {
            if (Header("x-ms-retry-after-ms") is { } ms && double.TryParse(ms, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var m))
                return TimeSpan.FromMilliseconds(m);
            if (Header("retry-after") is not { } value) return null;
            if (double.TryParse(value, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var seconds))
                return TimeSpan.FromSeconds(Math.Max(0, seconds));
            if (DateTimeOffset.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var at))
            {
                var wait = at - DateTimeOffset.UtcNow;
                return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
            }
            return null;
        }
    }
}
