using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Sebs.Core.Results;

/// <summary>Reads and writes <see cref="ExperimentResult"/> as SeBS's experiments.json (sorted keys, indent 2).</summary>
public static class ExperimentResultJson
{
    /// <summary>Relaxed escaping keeps HTML in outputs (110.dynamic-html) readable; the file is data, never embedded in a page.</summary>
    internal static readonly JsonWriterOptions IndentedOptions = new() { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    internal static readonly JsonWriterOptions CompactOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static void Write(ExperimentResult experiment, Stream stream)
    {
        using var w = new Utf8JsonWriter(stream, IndentedOptions);
        w.WriteStartObject();
        w.WriteStartObject("_invocations");
        foreach (var (function, invocations) in experiment.Invocations)
        {
            w.WriteStartObject(function);
            foreach (var (key, result) in invocations)
            {
                w.WritePropertyName(key);
                InvocationJson.Write(w, result);
            }
            w.WriteEndObject();
        }
        w.WriteEndObject();
        w.WritePropertyName("_metrics");
        experiment.Metrics.WriteTo(w);
        WriteNullable(w, "begin_time", experiment.BeginTime);
        w.WritePropertyName("config");
        experiment.Config.WriteTo(w);
        WriteNullable(w, "end_time", experiment.EndTime);
        if (experiment.ResultBucket is null) w.WriteNull("result_bucket"); else w.WriteString("result_bucket", experiment.ResultBucket);
        if (experiment.Statistics is not null)
        {
            w.WritePropertyName("statistics");
            experiment.Statistics.WriteTo(w);
        }
        w.WriteEndObject();
        w.Flush();
        stream.WriteByte((byte)'\n');
    }

    public static void Write(ExperimentResult experiment, string path)
    {
        using var stream = SecureFile.Create(path);
        Write(experiment, stream);
    }

    /// <summary>Loads a whole file.</summary>
    /// <exception cref="SebsException"><c>Sebs.ResultFileInvalid</c> with the file and position.</exception>
    public static ExperimentResult Read(string path)
    {
        using var document = Parse(path);
        var experiment = ReadHeader(document.RootElement, path);
        foreach (var result in ReadInvocations(document.RootElement, path, experiment.Config))
            experiment.Add(result);
        return experiment;
    }

    /// <summary>Yields the invocations one at a time (the JSON itself is parsed up front, as one document).</summary>
    public static IEnumerable<ExecutionResult> ReadResults(string path)
    {
        using var document = Parse(path);
        var config = ReadHeader(document.RootElement, path).Config;
        foreach (var result in ReadInvocations(document.RootElement, path, config))
            yield return result;
    }

    private static JsonDocument Parse(string path)
    {
        using var stream = File.OpenRead(path);
        try
        {
            var document = JsonDocument.Parse(stream);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                throw ResultFileErrors.Invalid(path, "line 1", $"expected a JSON object, found {document.RootElement.ValueKind}");
            return document;
        }
        catch (JsonException ex)
        {
            throw ResultFileErrors.Invalid(path, ResultFileErrors.Position(ex), ResultFileErrors.Reason(ex), ex);
        }
    }

    private static ExperimentResult ReadHeader(JsonElement root, string path)
    {
        var experiment = new ExperimentResult();
        try
        {
            // SeBS writes "_metrics" but its own reader looks for "metrics" (reference §13.6); accept both.
            if (root.TryGetProperty("_metrics", out var metrics) || root.TryGetProperty("metrics", out metrics))
                experiment.Metrics = metrics.ValueKind == JsonValueKind.Object ? JsonObject.Create(metrics.Clone())! : new JsonObject();
            experiment.BeginTime = GetEpoch(root, "begin_time");
            experiment.EndTime = GetEpoch(root, "end_time");
            if (root.TryGetProperty("config", out var config) && config.ValueKind == JsonValueKind.Object)
                experiment.Config = JsonObject.Create(config.Clone())!;
            if (root.TryGetProperty("result_bucket", out var bucket) && bucket.ValueKind == JsonValueKind.String)
                experiment.ResultBucket = bucket.GetString();
            if (root.TryGetProperty("statistics", out var statistics) && statistics.ValueKind == JsonValueKind.Object)
                experiment.Statistics = JsonObject.Create(statistics.Clone());
        }
        catch (FormatException ex)
        {
            throw ResultFileErrors.Invalid(path, "the top-level fields", ex.Message, ex);
        }
        return experiment;
    }

    private static IEnumerable<ExecutionResult> ReadInvocations(JsonElement root, string path, JsonObject config)
    {
        if (!root.TryGetProperty("_invocations", out var all) || all.ValueKind != JsonValueKind.Object)
            throw ResultFileErrors.Invalid(path, "the top level", "no '_invocations' object; not a SeBS experiments/results file");
        var deployment = config["deployment"] as JsonObject;
        var platform = deployment?["name"] is JsonValue p && p.TryGetValue<string>(out var ps) ? ps : "";
        var region = deployment?["region"] is JsonValue g && g.TryGetValue<string>(out var rs) ? rs : "";
        foreach (var function in all.EnumerateObject())
        {
            if (function.Value.ValueKind != JsonValueKind.Object)
                throw ResultFileErrors.Invalid(path, $"_invocations.{function.Name}", "expected an object of invocations");
            foreach (var invocation in function.Value.EnumerateObject())
            {
                ExecutionResult result;
                try { result = InvocationJson.Read(invocation.Value, function.Name); }
                catch (FormatException ex)
                {
                    throw ResultFileErrors.Invalid(path, $"_invocations.{function.Name}.{invocation.Name}", ex.Message, ex);
                }
                if (result.Platform.Length == 0) result.Platform = platform;
                if (result.Region.Length == 0) result.Region = region;
                yield return result;
            }
        }
    }

    private static double? GetEpoch(JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        if (v.ValueKind != JsonValueKind.Number) throw new FormatException($"'{name}' must be epoch seconds, not {v.ValueKind}");
        return v.GetDouble();
    }

    private static void WriteNullable(Utf8JsonWriter w, string name, double? value)
    {
        if (value is { } v) w.WriteNumber(name, v); else w.WriteNull(name);
    }
}
