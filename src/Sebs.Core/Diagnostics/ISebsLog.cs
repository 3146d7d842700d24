namespace Sebs.Core.Diagnostics;

/// <summary>
/// Core reports through this instead of a console; the cmdlet layer turns it into
/// Write-Verbose / Write-Warning / Write-Debug on the pipeline thread.
/// </summary>
public interface ISebsLog
{
    void Verbose(string message);
    void Warning(string message);
    void Debug(string message);
}

/// <summary>A log that drops everything; the default for library callers that do not care.</summary>
public sealed class NullSebsLog : ISebsLog
{
    public static readonly NullSebsLog Instance = new();
    public void Verbose(string message) { }
    public void Warning(string message) { }
    public void Debug(string message) { }
}

/// <summary>One progress report; cmdlets render it with Write-Progress.</summary>
public sealed record SebsProgress(string Activity, string Status, int Completed = 0, int Total = 0, TimeSpan? Remaining = null)
{
    public int PercentComplete => Total > 0 ? (int)Math.Clamp(100.0 * Completed / Total, 0, 100) : -1;
}
