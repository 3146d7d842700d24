using System.Text;

namespace Sebs.Core;

/// <summary>
/// Reads the text files users give Sebs (configs, benchmark config.json and input.json) as strict UTF-8: a file with
/// invalid bytes is refused, naming the file and the offset, instead of being read with replacement characters.
/// </summary>
public static class TextFile
{
    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static string ReadUtf8(string path, string errorId)
    {
        var bytes = File.ReadAllBytes(path);
        try
        {
            var start = bytes.Length >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? 3 : 0;
            return Strict.GetString(bytes, start, bytes.Length - start);
        }
        catch (DecoderFallbackException ex)
        {
            throw new SebsException(errorId, SebsErrorKind.InvalidData,
                $"'{path}' is not valid UTF-8 (invalid byte at offset {ex.Index}); save it as UTF-8.", ex, path);
        }
    }
}
