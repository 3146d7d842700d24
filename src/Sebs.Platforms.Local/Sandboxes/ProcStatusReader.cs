using System.Buffers.Text;
using System.Collections.Concurrent;

namespace Sebs.Platforms.Local.Sandboxes;

/// <summary>
/// Reads VmRSS and VmHWM of processes from /proc/&lt;pid&gt;/status with one positioned read into a reused buffer: memory
/// is read after every invocation, and line-by-line reading of the file was a tenth of the client's CPU at high rates.
/// procfs regenerates the file for each read from offset 0, so one open handle per process serves every reading.
/// </summary>
internal static class ProcStatusReader
{
    private static readonly ConcurrentDictionary<string, Microsoft.Win32.SafeHandles.SafeFileHandle> Handles = new();
    [ThreadStatic] private static byte[]? _buffer;

    public static MemorySample? Read(string pid)
    {
        var buffer = _buffer ??= new byte[4096];
        int n;
        try
        {
            var handle = Handles.GetOrAdd(pid, p => File.OpenHandle($"/proc/{p}/status", FileMode.Open, FileAccess.Read, FileShare.ReadWrite));
            n = RandomAccess.Read(handle, buffer, 0);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Forget(pid);
            return null;
        }
        if (n == 0) { Forget(pid); return null; }   // the process is gone: its status reads empty
        var text = buffer.AsSpan(0, n);
        var rss = Field(text, "VmRSS:"u8);
        return rss is null ? null : new MemorySample(rss.Value / 1024.0, Field(text, "VmHWM:"u8) / 1024.0);
    }

    /// <summary>Closes the handle of a process that was stopped.</summary>
    public static void Forget(string pid)
    {
        if (Handles.TryRemove(pid, out var handle)) handle.Dispose();
    }

    /// <summary>The kB value of a "Name:   1234 kB" line.</summary>
    private static double? Field(ReadOnlySpan<byte> text, ReadOnlySpan<byte> name)
    {
        var at = text.IndexOf(name);
        if (at < 0) return null;
        var rest = text[(at + name.Length)..].TrimStart(" \t"u8);
        return Utf8Parser.TryParse(rest, out long kib, out _) ? kib : null;
    }
}
