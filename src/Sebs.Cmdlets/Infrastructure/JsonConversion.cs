using System.Collections;
using System.Management.Automation;
using System.Text.Json.Nodes;

namespace Sebs.Cmdlets.Infrastructure;

/// <summary>Turns what users type in PowerShell (hashtables, PSCustomObjects, arrays, JSON strings) into JSON.</summary>
internal static class JsonConversion
{
    /// <summary>
    /// The payload as the function will receive it: built, written as JSON text and read back, so numbers are what a
    /// payload file would give (a hashtable's Int32 and Int64 read alike by validators) and text that cannot be sent as
    /// UTF-8 (a lone surrogate) is refused here, naming the key, instead of failing at the first invocation.
    /// </summary>
    public static JsonObject ToJsonObject(object? value)
    {
        value = value is PSObject pso ? pso.BaseObject : value;
        JsonNode? node = value is string s
            ? JsonNode.Parse(s) as JsonObject ?? throw new ArgumentException("The payload JSON must be an object.")
            : ToJson(value) as JsonObject ?? throw new ArgumentException("The payload must be a hashtable, an object or a JSON object string.");
        CheckText(node, "payload");
        return (JsonObject)JsonNode.Parse(node.ToJsonString())!;
    }

    private static void CheckText(JsonNode? node, string path)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (k, v) in o)
                {
                    if (!IsValidUtf16(k)) throw new ArgumentException($"{path}: a key is not valid Unicode text (a lone surrogate); it cannot be sent as UTF-8.");
                    CheckText(v, $"{path}.{k}");
                }
                break;
            case JsonArray a:
                for (var i = 0; i < a.Count; i++) CheckText(a[i], $"{path}[{i}]");
                break;
            case JsonValue v when !IsValidText(v):
                throw new ArgumentException($"{path} is not valid Unicode text (a lone surrogate); it cannot be sent as UTF-8.");
        }
    }

    private static bool IsValidText(JsonValue v)
    {
        // A parsed "\ud800" escape cannot even be read back as a string.
        try { return !v.TryGetValue<string>(out var text) || IsValidUtf16(text); }
        catch (InvalidOperationException) { return false; }
    }

    private static bool IsValidUtf16(string s) => System.Text.Unicode.Utf8.FromUtf16(s, new byte[s.Length * 3 + 4], out _, out _, replaceInvalidSequences: false) == System.Buffers.OperationStatus.Done;

    public static JsonNode? ToJson(object? value)
    {
        switch (value)
        {
            case null: return null;
            case PSObject { BaseObject: PSCustomObject } pso:
                var o = new JsonObject();
                foreach (var p in pso.Properties) o[p.Name] = ToJson(p.Value);
                return o;
            case PSObject pso: return ToJson(pso.BaseObject);
            case JsonNode node: return node.DeepClone();
            case string str: return JsonValue.Create(str);
            case bool b: return JsonValue.Create(b);
            case int or long or short or byte or sbyte or uint or ushort or ulong: return JsonValue.Create(Convert.ToInt64(value));
            case float or double or decimal: return JsonValue.Create(Convert.ToDouble(value));
            case IDictionary dict:
                var obj = new JsonObject();
                foreach (DictionaryEntry e in dict) obj[e.Key.ToString()!] = ToJson(e.Value);
                return obj;
            case IEnumerable list:
                return new JsonArray(list.Cast<object?>().Select(ToJson).ToArray());
            default:
                return JsonValue.Create(value.ToString());
        }
    }
}
