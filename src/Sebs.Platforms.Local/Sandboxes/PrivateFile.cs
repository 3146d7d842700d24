namespace Sebs.Platforms.Local.Sandboxes;

/// <summary>Log files of function servers may hold anything a benchmark prints: created readable by the user only.</summary>
internal static class PrivateFile
{
    public static void Create(string path)
    {
        var dir = Path.GetDirectoryName(path)!;
        Directory.CreateDirectory(dir);
        if (OperatingSystem.IsWindows()) { File.AppendAllText(path, ""); return; }
        File.SetUnixFileMode(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        using (new FileStream(path, new FileStreamOptions
               {
                   Mode = FileMode.Append, Access = FileAccess.Write,
                   UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
               })) { }
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }
}
