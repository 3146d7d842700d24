using System.Text.Json;

namespace Sebs.Core.Results;

/// <summary>Builds the <c>Sebs.ResultFileInvalid</c> error with the file and the position that broke it.</summary>
internal static class ResultFileErrors
{
    public static SebsException Invalid(string path, string where, string reason, Exception? inner = null) =>
        new(SebsErrorIds.ResultFileInvalid, SebsErrorKind.InvalidData,
            $"Results file '{path}' is not valid at {where}: {reason}", inner, path);

    /// <summary>"line L, byte B" from a JsonException (both 1-based), offset by the line the parsed text started at.</summary>
    public static string Position(JsonException ex, long firstLine = 1) =>
        ex.LineNumber is { } line ? $"line {firstLine + line}, byte {(ex.BytePositionInLine ?? 0) + 1}" : $"line {firstLine}";

    /// <summary>The message without System.Text.Json's own "Path: ... LineNumber: ..." tail, which is 0-based and confusing next to ours.</summary>
    public static string Reason(Exception ex)
    {
        var message = ex.Message;
        foreach (var marker in new[] { " Path: ", " LineNumber: " })
        {
            var tail = message.IndexOf(marker, StringComparison.Ordinal);
            if (tail > 0) message = message[..tail];
        }
        return message;
    }
}
