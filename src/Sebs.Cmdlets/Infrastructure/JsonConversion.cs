using System.Collections;
using System.Management.Automation;
using System.Text.Json.Nodes;

namespace Sebs.Cmdlets.Infrastructure;

/// <summary>Turns what users type in PowerShell (hashtables, PSCustomObjects, arrays, JSON strings) into JSON.</summary>
internal static class JsonConversion
{
    public static JsonObject ToJsonObject(object? value)
    {
        value = value is PSObject pso ? pso.BaseObject : value;
        if (value is string s)
            return JsonNode.Parse(s) as JsonObject ?? throw new ArgumentException("The payload JSON must be an object.");
        return ToJson(value) as JsonObject ?? throw new ArgumentException("The payload must be a hashtable, an object or a JSON object string.");
    }

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
