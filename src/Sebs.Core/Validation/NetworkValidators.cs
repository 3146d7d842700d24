using System.Globalization;
using System.Text.Json.Nodes;

namespace Sebs.Core.Validation;

/// <summary>Shared by 020 and 030: downloads the uploaded <c>id,client_send,client_rcv</c> CSV and checks its rows.</summary>
public abstract class UdpRecordValidatorBase : IOutputValidator
{
    public abstract string Benchmark { get; }

    protected abstract string? Key(JsonNode? result);

    /// <summary>Null when the row count is right for the repetitions.</summary>
    protected abstract string? CheckCount(int rows, int repetitions);

    protected virtual string? CheckResult(JsonNode? result) => null;

    public async Task<string?> ValidateAsync(ValidationContext context, CancellationToken cancellationToken)
    {
        if (context.Storage is null) return "no object storage to download the record from";
        var result = context.Output?["result"];
        var key = Key(result);
        if (string.IsNullOrEmpty(key)) return $"the result {result?.ToJsonString() ?? "null"} names no uploaded key";
        var bucket = context.Payload["bucket"]?["bucket"]?.GetValue<string>();
        var output = context.Payload["bucket"]?["output"]?.GetValue<string>();
        if (bucket is null || output is null) return "the payload has no bucket.bucket / bucket.output";
        if (!key.StartsWith(output + "/", StringComparison.Ordinal)) return $"{key} is not under the output prefix {output}";
        var repetitions = int.Parse(context.Payload["repetitions"]?.ToString() ?? "0", CultureInfo.InvariantCulture);
        if (CheckResult(result) is { } bad) return bad;

        var path = Path.Combine(context.WorkDirectory, "record.csv");
        await context.Storage.DownloadAsync(bucket, key, path, cancellationToken).ConfigureAwait(false);
        var lines = File.ReadAllLines(path).Where(l => l.Trim().Length > 0).ToList();
        if (lines.Count == 0 || lines[0].Trim() != "id,client_send,client_rcv")
            return $"{key} does not start with the header id,client_send,client_rcv";
        foreach (var line in lines.Skip(1))
        {
            var cells = line.Split(',');
            if (cells.Length != 3 || !double.TryParse(cells[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var send)
                || !double.TryParse(cells[2], NumberStyles.Float, CultureInfo.InvariantCulture, out var receive))
                return $"{key}: malformed row '{line}'";
            if (receive < send) return $"{key}: row '{line}' receives before it sends";
        }
        return CheckCount(lines.Count - 1, repetitions);
    }
}

/// <summary>020.network-benchmark: one row per repetition (the warm-up exchange is not recorded).</summary>
public sealed class NetworkBenchmarkValidator : UdpRecordValidatorBase
{
    public override string Benchmark => "020.network-benchmark";

    protected override string? Key(JsonNode? result) => result is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    protected override string? CheckCount(int rows, int repetitions) =>
        rows == repetitions ? null : $"the record has {rows} rows, expected {repetitions}";
}

/// <summary>030.clock-synchronization: at least <c>repetitions</c> exchanges, and the invocation's timestamp.</summary>
public sealed class ClockSynchronizationValidator : UdpRecordValidatorBase
{
    public override string Benchmark => "030.clock-synchronization";

    protected override string? Key(JsonNode? result) =>
        result?["bucket-key"] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    protected override string? CheckResult(JsonNode? result) =>
        result?["timestamp"] is JsonValue t && t.TryGetValue<double>(out var ts) && ts > 0 ? null : "the result has no numeric timestamp";

    protected override string? CheckCount(int rows, int repetitions) =>
        rows >= repetitions ? null : $"the record has {rows} exchanges, expected at least {repetitions}";
}
