using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Sebs.Core.Results;

/// <summary>
/// Results as CSV with the flat column names of <see cref="ExecutionResult"/> (what Export-Csv writes), so a file
/// from either Export-Csv or <see cref="Write(IEnumerable{ExecutionResult}, TextWriter)"/> reads back.
/// </summary>
/// <remarks>
/// Our writer adds the columns Export-Csv cannot carry (client timestamps with µs, HTTP phases, billed memory, the
/// output as compact JSON). From an Export-Csv file only the flat properties survive: the nested Times/Stats/...
/// columns are display strings and are ignored, and the times come back from the millisecond columns.
/// </remarks>
public static class ResultCsv
{
    private static readonly string[] Columns =
    {
        "Benchmark", "Platform", "Language", "LanguageVersion", "FunctionName", "Region", "Trigger", "Size", "Invocation",
        "RequestId", "ContainerId", "FunctionMemoryMB", "IsCold", "Failed", "ClientMs", "BenchmarkMs", "ProviderMs", "InitMs",
        "MemoryMB", "BilledMs", "BilledMemoryMB", "GBSeconds", "ClientBegin", "ClientEnd", "HttpStartupSeconds",
        "HttpFirstByteReturnSeconds", "ErrorMessage", "Valid", "ValidationMessage", "Output",
    };

    /// <summary>Whether a header row names result columns (used to tell a results CSV from any other CSV).</summary>
    public static bool IsResultHeader(IReadOnlyList<string> header) =>
        header.Contains("ClientMs", StringComparer.OrdinalIgnoreCase) && header.Contains("FunctionName", StringComparer.OrdinalIgnoreCase);

    public static void Write(IEnumerable<ExecutionResult> results, TextWriter writer)
    {
        writer.Write(string.Join(",", Columns.Select(Quote)));
        writer.Write('\n');
        foreach (var r in results) WriteRow(r, writer);
    }

    public static void WriteRow(ExecutionResult r, TextWriter writer)
    {
        string[] values =
        {
            r.Benchmark, r.Platform, r.Language, r.LanguageVersion, r.FunctionName, r.Region, r.Trigger, r.Size, Int(r.Invocation),
            r.RequestId, r.ContainerId, Int(r.FunctionMemoryMB), Bool(r.IsCold), Bool(r.Failed), Num(r.ClientMs), Num(r.BenchmarkMs),
            Num(r.ProviderMs), Num(r.InitMs), Num(r.MemoryMB), Num(r.BilledMs), Int(r.Billing.MemoryMB), Num(r.GBSeconds),
            SebsTimestamp.ToSebs(r.Times.ClientBegin), SebsTimestamp.ToSebs(r.Times.ClientEnd), Num(r.Times.HttpStartupSeconds),
            Num(r.Times.HttpFirstByteReturnSeconds), r.ErrorMessage ?? "", r.Valid is { } v ? Bool(v) : "", r.ValidationMessage ?? "",
            r.GetOutputJson()?.ToJsonString() ?? "",
        };
        writer.Write(string.Join(",", values.Select(Quote)));
        writer.Write('\n');
    }

    /// <summary>Streams the rows of a results CSV.</summary>
    /// <exception cref="SebsException"><c>Sebs.ResultFileInvalid</c> with the file and line.</exception>
    public static IEnumerable<ExecutionResult> Read(string path)
    {
        using var text = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        var reader = new CsvRecordReader(text);
        var header = Next(reader, path) ?? throw ResultFileErrors.Invalid(path, "line 1", "the file is empty");
        if (!IsResultHeader(header))
            throw ResultFileErrors.Invalid(path, $"line {reader.RecordLine}", "the header has no ClientMs/FunctionName columns; not a results CSV");
        var index = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < header.Count; i++) index.TryAdd(header[i], i);

        while (Next(reader, path) is { } row)
        {
            ExecutionResult result;
            try { result = FromRow(new Row(row, index)); }
            catch (FormatException ex) { throw ResultFileErrors.Invalid(path, $"line {reader.RecordLine}", ex.Message, ex); }
            yield return result;
        }
    }

    private static List<string>? Next(CsvRecordReader reader, string path)
    {
        try { return reader.Read(); }
        catch (FormatException ex) { throw ResultFileErrors.Invalid(path, $"line {reader.RecordLine}", ex.Message, ex); }
    }

    private static ExecutionResult FromRow(Row row)
    {
        var r = new ExecutionResult
        {
            Benchmark = row.Text("Benchmark"),
            Platform = row.Text("Platform"),
            Language = row.Text("Language"),
            LanguageVersion = row.Text("LanguageVersion"),
            FunctionName = row.Text("FunctionName"),
            Region = row.Text("Region"),
            Trigger = row.Text("Trigger"),
            Size = row.Text("Size"),
            Invocation = (int)(row.Double("Invocation") ?? 0),
            RequestId = row.Text("RequestId"),
            ContainerId = row.Text("ContainerId"),
            FunctionMemoryMB = (int)(row.Double("FunctionMemoryMB") ?? 0),
            ErrorMessage = row.OptionalText("ErrorMessage"),
            Valid = row.Bool("Valid"),
            ValidationMessage = row.OptionalText("ValidationMessage"),
        };
        r.Stats.ColdStart = row.Bool("IsCold") ?? false;
        r.Stats.Failure = row.Bool("Failed") ?? false;
        r.Stats.MemoryUsedMB = row.Double("MemoryMB");
        r.Times.ClientMicroseconds = Micro(row.Double("ClientMs"));
        r.Times.BenchmarkMicroseconds = Micro(row.Double("BenchmarkMs"));
        r.Times.HttpStartupSeconds = row.Double("HttpStartupSeconds");
        r.Times.HttpFirstByteReturnSeconds = row.Double("HttpFirstByteReturnSeconds");
        r.Times.ClientBegin = row.Timestamp("ClientBegin");
        r.Times.ClientEnd = row.Timestamp("ClientEnd");
        r.ProviderTimes.ExecutionMicroseconds = Micro(row.Double("ProviderMs"));
        r.ProviderTimes.InitializationMicroseconds = Micro(row.Double("InitMs"));
        r.Billing.BilledTimeMilliseconds = row.Double("BilledMs") is { } billed ? (long)Math.Round(billed) : null;
        r.Billing.MemoryMB = row.Double("BilledMemoryMB") is { } mb ? (int)mb : null;
        r.Billing.GBSeconds = row.Double("GBSeconds") ?? 0;
        r.SetOutputJson(row.Json("Output"));
        return r;
    }

    private static long Micro(double? ms) => ms is { } v ? (long)Math.Round(v * 1000) : 0;

    private static string Num(double value) => value.ToString("R", CultureInfo.InvariantCulture);
    private static string Num(double? value) => value is { } v ? Num(v) : "";
    private static string Num(long? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "";
    private static string Int(int? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "";
    private static string Bool(bool value) => value ? "True" : "False";

    private static string Quote(string value) => "\"" + value.Replace("\"", "\"\"") + "\"";

    private readonly struct Row(List<string> fields, Dictionary<string, int> index)
    {
        public string Text(string column) => OptionalText(column) ?? "";

        public string? OptionalText(string column) =>
            index.TryGetValue(column, out var i) && i < fields.Count && fields[i].Length > 0 ? fields[i] : null;

        public double? Double(string column)
        {
            var text = OptionalText(column);
            if (text is null) return null;
            if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v)) return v;
            throw new FormatException($"column {column}: '{text}' is not a number");
        }

        public bool? Bool(string column)
        {
            var text = OptionalText(column);
            if (text is null) return null;
            return bool.TryParse(text, out var v) ? v : throw new FormatException($"column {column}: '{text}' is not True or False");
        }

        public DateTime Timestamp(string column)
        {
            var text = OptionalText(column);
            if (text is null) return default;
            return SebsTimestamp.TryParse(text, out var v) ? v : throw new FormatException($"column {column}: '{text}' is not a timestamp");
        }

        public JsonObject? Json(string column)
        {
            var text = OptionalText(column);
            // Export-Csv renders a JsonObject as a display string, not JSON; only our own writer's JSON is kept.
            if (text is null || !text.StartsWith('{')) return null;
            try { return JsonNode.Parse(text) as JsonObject; }
            catch (JsonException) { return null; }
        }
    }
}
