using System.Text.Json;
using System.Text.Json.Nodes;

namespace Sebs.Core.Results;

/// <summary>
/// JSON as plain .NET values: objects become <see cref="Dictionary{TKey,TValue}"/> (keys case-insensitive, in document
/// order), arrays <c>object?[]</c>, numbers <see cref="long"/> or <see cref="double"/>, plus strings, booleans and null.
/// PowerShell prints these, dots into them (<c>$r.Result.key</c>) and ConvertTo-Json writes them back as the JSON they
/// came from, none of which it does for System.Text.Json nodes (their Options/Parent/Root properties).
/// </summary>
public static class PlainJson
{
    public static object? From(JsonNode? node) => node switch
    {
        null => null,
        JsonObject o => FromObject(o),
        JsonArray a => a.Select(From).ToArray(),
        JsonValue v => FromValue(v),
        _ => node.ToJsonString(),
    };

    /// <summary>A property as text: a string's value, any other value's JSON; null when absent or JSON null.</summary>
    internal static string? Text(JsonElement o, string name) =>
        !o.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null ? null
        : v.ValueKind == JsonValueKind.String ? v.GetString() : v.GetRawText();

    public static Dictionary<string, object?> FromObject(JsonObject o)
    {
        var map = new Dictionary<string, object?>(o.Count, StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in o) map[key] = From(value);
        return map;
    }

    private static object? FromValue(JsonValue v)
    {
        switch (v.GetValueKind())
        {
            case JsonValueKind.String: return v.GetValue<string>();
            case JsonValueKind.True: return true;
            case JsonValueKind.False: return false;
            case JsonValueKind.Null: return null;
            case JsonValueKind.Number:
                if (v.TryGetValue<long>(out var l)) return l;
                if (v.TryGetValue<double>(out var d)) return d;
                // A number held as JsonElement: integral when it has no fraction or exponent.
                var text = v.ToJsonString();
                return long.TryParse(text, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out l)
                    ? l : double.Parse(text, System.Globalization.CultureInfo.InvariantCulture);
            default: return v.ToJsonString();
        }
    }
}
