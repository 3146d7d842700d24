using System.Security.Cryptography;

namespace Sebs.Core.Packaging;

/// <summary>
/// Copies of a built code package grown to a chosen size with a file of random bytes, for the invocation-overhead
/// code-package-size sweep. Random bytes do not compress, so a zipped upload grows by as much as the folder.
/// The cached package is never touched; the copies live in a folder the caller owns and deletes.
/// </summary>
public static class CodePackagePadding
{
    /// <summary>The file SeBS adds to the package for the sweep.</summary>
    public const string PaddingFileName = "randomdata.bin";

    /// <summary>
    /// A copy of <paramref name="source"/> under <paramref name="workDirectory"/> whose total size is
    /// <paramref name="targetBytes"/>, or the package's own size plus an empty padding file when it is already larger.
    /// </summary>
    public static CodePackage Pad(CodePackage source, long targetBytes, string workDirectory, CancellationToken ct = default)
    {
        var baseSize = CodePackageBuilder.DirectorySize(source.Path);
        var padding = Math.Max(0, targetBytes - baseSize);
        var dest = Path.Combine(workDirectory, $"package-{targetBytes}");
        if (Directory.Exists(dest)) Directory.Delete(dest, recursive: true);
        // Everything of the built package (its installed dependencies too) but an earlier padding file.
        CodePackageBuilder.CopyDirectory(source.Path, dest, rel => rel != PaddingFileName, ct);
        WriteRandom(Path.Combine(dest, PaddingFileName), padding, ct);
        return new CodePackage
        {
            Benchmark = source.Benchmark, Platform = source.Platform, Language = source.Language, LanguageVersion = source.LanguageVersion,
            Architecture = source.Architecture, Path = dest, SizeBytes = baseSize + padding, Rebuilt = true, Modified = DateTime.Now,
            // A hash of its own, so the platform and the cache see new code and a later normal deploy puts the real package back.
            Hash = $"{source.Hash}-pad{padding}",
        };
    }

    private static void WriteRandom(string path, long bytes, CancellationToken ct)
    {
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
        var buffer = new byte[1 << 20];
        for (var left = bytes; left > 0; left -= buffer.Length)
        {
            ct.ThrowIfCancellationRequested();
            var n = (int)Math.Min(buffer.Length, left);
            RandomNumberGenerator.Fill(buffer.AsSpan(0, n));
            stream.Write(buffer, 0, n);
        }
    }
}
