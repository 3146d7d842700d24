namespace Sebs.Core;

/// <summary>Why something cannot run on this machine even though nothing about it is wrong.</summary>
public enum UnavailableReason
{
    /// <summary>The benchmark's input data is not under the data path.</summary>
    InputData,
    /// <summary>A dependency cannot be installed here (no package index, no matching wheel).</summary>
    Dependency,
    /// <summary>The platform (or this machine's sandbox) has no runtime for the language.</summary>
    Language,
    /// <summary>A setting the benchmark needs has no usable value here (an unreachable default URL, no public address).</summary>
    Setting,
}

/// <summary>
/// A <see cref="SebsException"/> (same stable id as before) that blames the machine, not the benchmark: the regression
/// suite reports such a case as Skipped with the message, where any other error makes it Failed.
/// </summary>
public sealed class UnavailableHereException : SebsException
{
    public UnavailableHereException(string errorId, SebsErrorKind kind, UnavailableReason reason, string message,
        Exception? inner = null, object? target = null)
        : base(errorId, kind, message, inner, target) => Reason = reason;

    public UnavailableReason Reason { get; }
}
