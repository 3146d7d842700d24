using System.Security.Cryptography;
using System.Text;

namespace Sebs.Core.Packaging;

/// <summary>
/// Hashes every input that changes a code package: the whole language folder (templates and versioned manifests
/// included, unlike SeBS), benchmark-level init.sh and input generator, the platform wrappers, and extra strings such
/// as the platform's added dependency pins. Paths are hashed with the content, so renames count too.
/// </summary>
public static class PackageHasher
{
    public static string Hash(IEnumerable<(string Root, string Label)> folders, IEnumerable<string> files, IEnumerable<string> extra)
    {
        using var md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        foreach (var (root, label) in folders)
        {
            if (!Directory.Exists(root)) continue;
            foreach (var file in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
                         .Where(f => !IsIgnored(Path.GetRelativePath(root, f)))
                         .OrderBy(f => Path.GetRelativePath(root, f).Replace('\\', '/'), StringComparer.Ordinal))
            {
                AddFile(md5, label + "/" + Path.GetRelativePath(root, file).Replace('\\', '/'), file);
            }
        }
        foreach (var file in files.Where(File.Exists).OrderBy(f => f, StringComparer.Ordinal))
            AddFile(md5, "file:" + Path.GetFileName(file), file);
        foreach (var s in extra)
            md5.AppendData(Encoding.UTF8.GetBytes("extra:" + s + "\n"));
        return Convert.ToHexString(md5.GetHashAndReset()).ToLowerInvariant();
    }

    private static void AddFile(IncrementalHash hash, string name, string path)
    {
        hash.AppendData(Encoding.UTF8.GetBytes(name + "\n"));
        hash.AppendData(File.ReadAllBytes(path));
    }

    /// <summary>Build leftovers never change what the package is.</summary>
    private static bool IsIgnored(string relative)
    {
        var parts = relative.Replace('\\', '/').Split('/');
        return parts.Any(p => p is "node_modules" or "__pycache__" or ".python_packages" or ".git") || relative.EndsWith(".pyc", StringComparison.Ordinal);
    }
}
