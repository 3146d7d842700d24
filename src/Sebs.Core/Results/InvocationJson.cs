using System.Text.Json;
using System.Text.Json.Nodes;

namespace Sebs.Core.Results;

/// <summary>
/// One <see cref="ExecutionResult"/> in SeBS's invocation JSON (§7.6 of the reference): keys sorted as SeBS's
/// <c>sort_keys=True</c> writes them, SeBS's units, plus a <c>sebs_context</c> object with what SeBS does not
/// record, so our files stay readable by SeBS and re-import without loss.
/// </summary>
public static class InvocationJson
{
    public const string ContextKey = "sebs_context";

    public static void Write(Utf8JsonWriter w, ExecutionResult r)
    {
        w.WriteStartObject();

        w.WriteStartObject("billing");
        WriteNullable(w, "_billed_time", r.Billing.BilledTimeMilliseconds);
        w.WriteNumber("_gb_seconds", r.Billing.GBSeconds);
        WriteNullable(w, "_memory", r.Billing.MemoryMB);
        w.WriteEndObject();

        w.WritePropertyName("output");
        if (r.UnparsedOutputUtf8 is { } raw) w.WriteRawValue(raw, skipInputValidation: true);   // parsed once on arrival, one line
        else if (r.GetOutputJson() is not { } outputJson) w.WriteNullValue();
        else outputJson.WriteTo(w);

        w.WriteStartObject("provider_times");
        w.WriteNumber("execution", r.ProviderTimes.ExecutionMicroseconds);
        w.WriteNumber("initialization", r.ProviderTimes.InitializationMicroseconds);
        w.WriteEndObject();

        w.WriteString("request_id", r.RequestId);
        WriteContext(w, r);

        w.WriteStartObject("stats");
        w.WriteBoolean("cold_start", r.Stats.ColdStart);
        w.WriteBoolean("failure", r.Stats.Failure);
        WriteNullable(w, "memory_used", r.Stats.MemoryUsedMB);
        w.WriteEndObject();

        var t = r.Times;
        w.WriteStartObject("times");
        w.WriteNumber("benchmark", t.BenchmarkMicroseconds);
        w.WriteNumber("client", t.ClientMicroseconds);
        w.WriteString("client_begin", SebsTimestamp.ToSebs(t.ClientBegin));
        w.WriteString("client_end", SebsTimestamp.ToSebs(t.ClientEnd));
        // SeBS leaves the HTTP phases out for library triggers rather than writing null.
        if (t.HttpFirstByteReturnSeconds is { } firstByte) w.WriteNumber("http_first_byte_return", firstByte);
        if (t.HttpStartupSeconds is { } startup) w.WriteNumber("http_startup", startup);
        w.WriteNumber("initialization", t.InitializationMicroseconds);
        w.WriteEndObject();

        w.WriteEndObject();
    }

    private static void WriteContext(Utf8JsonWriter w, ExecutionResult r)
    {
        w.WriteStartObject(ContextKey);
        w.WriteString("benchmark", r.Benchmark);
        if (r.ClientHost.Length > 0) w.WriteString("client_host", r.ClientHost);
        if (r.ClockOffsetMs is { } offset) w.WriteNumber("clock_offset_ms", offset);
        if (r.ClockUncertaintyMs is { } uncertainty) w.WriteNumber("clock_uncertainty_ms", uncertainty);
        w.WriteString("container_id", r.ContainerId);
        if (r.ErrorMessage is not null) w.WriteString("error_message", r.ErrorMessage);
        if (r.Experiment.Length > 0) w.WriteString("experiment", r.Experiment);
        if (r.ExperimentType.Length > 0) w.WriteString("experiment_type", r.ExperimentType);
        w.WriteNumber("function_memory", r.FunctionMemoryMB);
        w.WriteString("function_name", r.FunctionName);
        w.WriteNumber("invocation", r.Invocation);
        w.WriteString("language", r.Language);
        w.WriteString("language_version", r.LanguageVersion);
        w.WriteString("platform", r.Platform);
        w.WriteString("region", r.Region);
        w.WriteString("size", r.Size);
        w.WriteString("trigger", r.Trigger);
        if (r.Valid is { } valid) w.WriteBoolean("valid", valid);
        if (r.ValidationMessage is not null) w.WriteString("validation_message", r.ValidationMessage);
        if (r.MemoryLimitEnforced is { } enforced) w.WriteBoolean("memory_limit_enforced", enforced);
        w.WriteEndObject();
    }

    private static void WriteNullable(Utf8JsonWriter w, string name, long? value)
    {
        if (value is { } v) w.WriteNumber(name, v); else w.WriteNull(name);
    }

    private static void WriteNullable(Utf8JsonWriter w, string name, double? value)
    {
        if (value is { } v) w.WriteNumber(name, v); else w.WriteNull(name);
    }

    /// <summary>
    /// Reads one invocation. <paramref name="functionKey"/> is the <c>_invocations</c> key it sat under, used when the
    /// file has no <c>sebs_context</c> (a plain SeBS file) to fill the function name, benchmark and language.
    /// </summary>
    /// <exception cref="FormatException">A field has the wrong type; callers add the file and position.</exception>
    public static ExecutionResult Read(JsonElement e, string? functionKey = null)
    {
        if (e.ValueKind != JsonValueKind.Object) throw new FormatException($"an invocation must be a JSON object, not {e.ValueKind}");
        if (!e.TryGetProperty("request_id", out _) && !e.TryGetProperty("times", out _))
            throw new FormatException("not an invocation: it has neither 'request_id' nor 'times'");
        var r = new ExecutionResult { RequestId = PlainJson.Text(e, "request_id") ?? "" };

        if (TryGetObject(e, "billing", out var billing))
        {
            r.Billing.BilledTimeMilliseconds = GetLong(billing, "_billed_time");
            r.Billing.MemoryMB = (int?)GetLong(billing, "_memory");
            r.Billing.GBSeconds = GetDouble(billing, "_gb_seconds") ?? 0;
        }
        if (e.TryGetProperty("output", out var output) && output.ValueKind == JsonValueKind.Object)
            r.SetOutputJson(JsonObject.Create(output.Clone()));
        if (TryGetObject(e, "provider_times", out var provider))
        {
            r.ProviderTimes.ExecutionMicroseconds = GetLong(provider, "execution") ?? 0;
            r.ProviderTimes.InitializationMicroseconds = GetLong(provider, "initialization") ?? 0;
        }
        if (TryGetObject(e, "stats", out var stats))
        {
            r.Stats.ColdStart = GetBool(stats, "cold_start") ?? false;
            r.Stats.Failure = GetBool(stats, "failure") ?? false;
            r.Stats.MemoryUsedMB = GetDouble(stats, "memory_used");
        }
        if (TryGetObject(e, "times", out var times))
        {
            var t = r.Times;
            t.BenchmarkMicroseconds = GetLong(times, "benchmark") ?? 0;
            t.ClientMicroseconds = GetLong(times, "client") ?? 0;
            t.InitializationMicroseconds = GetLong(times, "initialization") ?? 0;
            t.HttpStartupSeconds = GetDouble(times, "http_startup");
            t.HttpFirstByteReturnSeconds = GetDouble(times, "http_first_byte_return");
            t.ClientBegin = GetTimestamp(times, "client_begin");
            t.ClientEnd = GetTimestamp(times, "client_end");
        }

        if (TryGetObject(e, ContextKey, out var context)) ReadContext(context, r);
        else FillFromFunctionName(r, functionKey);
        if (string.IsNullOrEmpty(r.FunctionName) && functionKey is not null) r.FunctionName = functionKey;
        if (string.IsNullOrEmpty(r.ContainerId) && r.GetOutputJson()?["container_id"] is JsonValue id && id.TryGetValue<string>(out var cid))
            r.ContainerId = cid;
        return r;
    }

    private static void ReadContext(JsonElement c, ExecutionResult r)
    {
        r.Benchmark = PlainJson.Text(c, "benchmark") ?? "";
        r.ClientHost = PlainJson.Text(c, "client_host") ?? "";
        r.ClockOffsetMs = GetDouble(c, "clock_offset_ms");
        r.ClockUncertaintyMs = GetDouble(c, "clock_uncertainty_ms");
        r.ContainerId = PlainJson.Text(c, "container_id") ?? "";
        r.ErrorMessage = PlainJson.Text(c, "error_message");
        r.Experiment = PlainJson.Text(c, "experiment") ?? "";
        r.ExperimentType = PlainJson.Text(c, "experiment_type") ?? "";
        r.FunctionMemoryMB = (int)(GetLong(c, "function_memory") ?? 0);
        r.FunctionName = PlainJson.Text(c, "function_name") ?? "";
        r.Invocation = (int)(GetLong(c, "invocation") ?? 0);
        r.Language = PlainJson.Text(c, "language") ?? "";
        r.LanguageVersion = PlainJson.Text(c, "language_version") ?? "";
        r.Platform = PlainJson.Text(c, "platform") ?? "";
        r.Region = PlainJson.Text(c, "region") ?? "";
        r.Size = PlainJson.Text(c, "size") ?? "";
        r.Trigger = PlainJson.Text(c, "trigger") ?? "";
        r.Valid = GetBool(c, "valid");
        r.ValidationMessage = PlainJson.Text(c, "validation_message");
        r.MemoryLimitEnforced = GetBool(c, "memory_limit_enforced");
    }

    private static void FillFromFunctionName(ExecutionResult r, string? functionKey)
    {
        if (functionKey is null) return;
        r.FunctionName = functionKey;
        if (SebsFunctionName.TryParse(functionKey) is { } parsed)
        {
            r.Benchmark = parsed.Benchmark;
            r.Language = parsed.Language;
            r.LanguageVersion = parsed.LanguageVersion;
        }
        if (r.Billing.MemoryMB is { } mb) r.FunctionMemoryMB = mb;
    }

    private static bool TryGetObject(JsonElement e, string name, out JsonElement value) =>
        e.TryGetProperty(name, out value) && value.ValueKind == JsonValueKind.Object;

    private static long? GetLong(JsonElement e, string name)
    {
        if (!e.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        if (v.ValueKind != JsonValueKind.Number) throw new FormatException($"'{name}' must be a number, not {v.ValueKind}");
        // Python writes ints, but hand-edited or other tools' files may carry 1234.0.
        return v.TryGetInt64(out var l) ? l : (long)Math.Round(v.GetDouble());
    }

    private static double? GetDouble(JsonElement e, string name)
    {
        if (!e.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        if (v.ValueKind != JsonValueKind.Number) throw new FormatException($"'{name}' must be a number, not {v.ValueKind}");
        return v.GetDouble();
    }

    private static bool? GetBool(JsonElement e, string name)
    {
        if (!e.TryGetProperty(name, out var v)) return null;
        return v.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.Null => null,
            _ => throw new FormatException($"'{name}' must be true or false, not {v.ValueKind}"),
        };
    }

    private static DateTime GetTimestamp(JsonElement e, string name)
    {
        var text = PlainJson.Text(e, name);
        if (text is null) return default;
        return SebsTimestamp.TryParse(text, out var value) ? value : throw new FormatException($"'{name}' is not a timestamp: '{text}'");
    }
}
