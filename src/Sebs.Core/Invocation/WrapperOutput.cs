using System.Globalization;
using System.Text.Json.Nodes;
using Sebs.Core.Results;

namespace Sebs.Core.Invocation;

/// <summary>Reads a function wrapper's response (SeBS §4.1) into an <see cref="ExecutionResult"/>.</summary>
public static class WrapperOutput
{
    /// <summary>
    /// Fills output, request id, cold start, container id and benchmark time. Returns false (and sets the
    /// failure and message) when the response is not a successful wrapper response.
    /// </summary>
    public static bool Apply(ExecutionResult result, JsonNode? body)
    {
        // Platforms wrap the wrapper's JSON in {"body": ...} (AWS); it may be an object or a JSON string.
        if (body is JsonObject outer && outer["body"] is { } inner)
            body = inner is JsonValue v && v.TryGetValue<string>(out var s) ? TryParse(s) : inner;

        if (body is not JsonObject output)
            return Fail(result, "The function returned something that is not a JSON object.");
        result.SetOutputJson(output);
        result.RequestId = output["request_id"]?.ToString() ?? result.RequestId;
        result.ContainerId = output["container_id"]?.ToString() ?? "";
        if (output["begin"] is { } begin && output["end"] is { } end &&
            TryEpochMicroseconds(begin, out var b) && TryEpochMicroseconds(end, out var e))
            result.Times.BenchmarkMicroseconds = e - b;
        // Even a failed invocation says whether it ran in a fresh sandbox: keep that, so IsCold matches the output.
        if (output["is_cold"] is JsonValue coldValue && coldValue.TryGetValue<bool>(out var wasCold))
            result.Stats.ColdStart = wasCold;
        if (output["error"] is JsonObject error)
            return Fail(result, $"{error["type"]}: {error["message"]}".Trim(' ', ':'));
        if (output["is_cold"] is not JsonValue cold || !cold.TryGetValue<bool>(out var isCold))
            return Fail(result, $"Invocation failed! Reason: {output["result"]?.ToJsonString() ?? "the response has no is_cold field"}");
        result.Stats.ColdStart = isCold;
        return true;
    }

    /// <summary>SeBS writes times as "epoch.micro" strings (Python) or float seconds (Node); both become µs.</summary>
    public static bool TryEpochMicroseconds(JsonNode node, out long micros)
    {
        micros = 0;
        decimal seconds;
        if (node is JsonValue v && v.TryGetValue<string>(out var s))
        {
            if (!decimal.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out seconds)) return false;
        }
        else if (node is JsonValue n && n.TryGetValue<decimal>(out var d)) seconds = d;
        else if (node is JsonValue f && f.TryGetValue<double>(out var dbl)) seconds = (decimal)dbl;
        else return false;
        micros = (long)Math.Round(seconds * 1_000_000m);
        return true;
    }

    private static JsonNode? TryParse(string s)
    {
        try { return JsonNode.Parse(s); }
        catch (System.Text.Json.JsonException) { return null; }
    }

    private static bool Fail(ExecutionResult result, string message)
    {
        result.Stats.Failure = true;
        result.ErrorMessage = message;
        return false;
    }
}
