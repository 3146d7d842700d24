using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Sebs.Core.Results;

namespace Sebs.Core.Invocation;

/// <summary>Reads a function wrapper's response (SeBS §4.1) into an <see cref="ExecutionResult"/>.</summary>
public static class WrapperOutput
{
    /// <summary>
    /// Fills output, request id, cold start, container id and benchmark time from the response's JSON text. Returns false
    /// (and sets the failure and message) when the response is not a successful wrapper response.
    /// </summary>
    /// <remarks>
    /// Reads the fields from a <see cref="JsonDocument"/> and keeps the output as its text, parsed again only when asked
    /// for (<see cref="ExecutionResult.GetOutputJson"/>): building the node tree of every answer was a third of what an
    /// invocation thread did outside its system calls, and kept results held it (issue 15).
    /// </remarks>
    /// <exception cref="JsonException">The body is not JSON.</exception>
    public static bool Apply(ExecutionResult result, ReadOnlySpan<byte> body)
    {
        var text = body.ToArray();
        using var document = JsonDocument.Parse(text);
        var root = document.RootElement;
        // Platforms wrap the wrapper's JSON in {"body": ...} (AWS); it may be an object or a JSON string.
        if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("body", out var inner) && inner.ValueKind != JsonValueKind.Null)
        {
            if (inner.ValueKind != JsonValueKind.String) return ApplyOutput(result, inner, Encoding.UTF8.GetBytes(inner.GetRawText()));
            var innerText = Encoding.UTF8.GetBytes(inner.GetString()!);
            JsonDocument innerDocument;
            try { innerDocument = JsonDocument.Parse(innerText); }
            catch (JsonException) { return Fail(result, "The function returned something that is not a JSON object."); }
            using (innerDocument) return ApplyOutput(result, innerDocument.RootElement, innerText);
        }
        return ApplyOutput(result, root, text);
    }

    /// <summary>The same for a response already parsed into nodes (an SDK invoke's payload).</summary>
    public static bool Apply(ExecutionResult result, JsonNode? body) =>
        body is null ? Fail(result, "The function returned something that is not a JSON object.") : Apply(result, Encoding.UTF8.GetBytes(body.ToJsonString()));

    private static bool ApplyOutput(ExecutionResult result, JsonElement output, byte[] text)
    {
        if (output.ValueKind != JsonValueKind.Object)
            return Fail(result, "The function returned something that is not a JSON object.");
        KeepOutput(result, output, text);
        if (PlainJson.Text(output, "request_id") is { } requestId) result.RequestId = requestId;
        result.ContainerId = PlainJson.Text(output, "container_id") ?? "";
        if (output.TryGetProperty("begin", out var begin) && output.TryGetProperty("end", out var end) &&
            TryEpochMicroseconds(begin, out var b) && TryEpochMicroseconds(end, out var e))
            result.Times.BenchmarkMicroseconds = e - b;
        var hasCold = output.TryGetProperty("is_cold", out var cold) && cold.ValueKind is JsonValueKind.True or JsonValueKind.False;
        // Even a failed invocation says whether it ran in a fresh sandbox: keep that, so IsCold matches the output.
        if (hasCold) result.Stats.ColdStart = cold.GetBoolean();
        if (output.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object)
            return Fail(result, $"{PlainJson.Text(error, "type")}: {PlainJson.Text(error, "message")}".Trim(' ', ':'));
        if (!hasCold)
        {
            var reason = output.TryGetProperty("result", out var value) && value.ValueKind != JsonValueKind.Null
                ? JsonNode.Parse(value.GetRawText())!.ToJsonString() : "the response has no is_cold field";
            return Fail(result, $"Invocation failed! Reason: {reason}");
        }
        return true;
    }

    /// <summary>
    /// The output as its text when that is one line (a JSON string cannot hold a raw line break), so a journal line can
    /// carry it as it came; otherwise as nodes.
    /// </summary>
    private static void KeepOutput(ExecutionResult result, JsonElement output, byte[] text)
    {
        var trimmed = text.AsSpan().Trim(" \t\r\n"u8);
        if (trimmed.Length > 1 && trimmed[0] == (byte)'{' && trimmed.IndexOfAny((byte)'\n', (byte)'\r') < 0)
            result.SetOutputUtf8(trimmed.Length == text.Length ? text : trimmed.ToArray());
        else
            result.SetOutputJson(JsonObject.Create(output.Clone()));
    }

    /// <summary>SeBS writes times as "epoch.micro" strings (Python) or float seconds (Node); both become µs.</summary>
    public static bool TryEpochMicroseconds(JsonElement value, out long micros)
    {
        micros = 0;
        decimal seconds;
        if (value.ValueKind == JsonValueKind.String)
        {
            if (!decimal.TryParse(value.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out seconds)) return false;
        }
        else if (value.ValueKind != JsonValueKind.Number) return false;
        else if (value.TryGetDecimal(out var d)) seconds = d;
        else seconds = (decimal)value.GetDouble();
        micros = (long)Math.Round(seconds * 1_000_000m);
        return true;
    }

    private static bool Fail(ExecutionResult result, string message)
    {
        result.Stats.Failure = true;
        result.ErrorMessage = message;
        return false;
    }
}
