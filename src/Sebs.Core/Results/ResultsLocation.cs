namespace Sebs.Core.Results;

/// <summary>
/// Checks that results can be written before anything is deployed or invoked: a results path found unwritable only
/// after the first invocation would drop that measurement.
/// </summary>
public static class ResultsLocation
{
    /// <summary>The file can be appended to (its folder is created when missing).</summary>
    public static void EnsureWritableFile(string path, string parameter)
    {
        Try(path, parameter, () =>
        {
            if (Directory.Exists(path)) throw new IOException("it is a folder");
            Probe(Path.GetDirectoryName(Path.GetFullPath(path))!);
            if (File.Exists(path)) using (new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite)) { }
        });
    }

    /// <summary>The folder exists or can be created, and files can be created in it.</summary>
    public static void EnsureWritableDirectory(string path, string parameter) => Try(path, parameter, () =>
    {
        if (File.Exists(path)) throw new IOException("it is a file");
        Probe(path);
    });

    private static void Probe(string folder)
    {
        Directory.CreateDirectory(folder);
        var probe = Path.Combine(folder, $".sebs-write-test-{Environment.ProcessId}-{Guid.NewGuid():N}");
        using (new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose)) { }
    }

    private static void Try(string path, string parameter, Action check)
    {
        try { check(); }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new SebsException(SebsErrorIds.ResultsNotWritable, SebsErrorKind.WriteError,
                $"{parameter}: results cannot be written to '{path}' ({ex.Message}); nothing was deployed or invoked.", ex, path);
        }
    }
}
