namespace Sebs.Core.Platforms;

/// <summary>
/// A platform's name as its factory registers it ("Local", "Aws", ...). Core knows no platform by name: this is just
/// the key platforms register under. It compares without case, so SeBS's lowercase names ("aws") match.
/// </summary>
public readonly struct PlatformName : IEquatable<PlatformName>
{
    private readonly string? _value;

    public PlatformName(string value)
    {
        if (string.IsNullOrWhiteSpace(value) || !value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
            throw new ArgumentException($"A platform name is letters, digits, '-' and '_', not '{value}'.", nameof(value));
        _value = value;
    }

    public string Value => _value ?? "";
    public bool IsEmpty => string.IsNullOrEmpty(_value);

    /// <summary>The name SeBS writes into its JSON files and cache ("aws", "local", ...).</summary>
    public string ToSebsName() => Value.ToLowerInvariant();

    public bool Equals(PlatformName other) => string.Equals(Value, other.Value, StringComparison.OrdinalIgnoreCase);
    public override bool Equals(object? obj) => obj is PlatformName other && Equals(other);
    public override int GetHashCode() => StringComparer.OrdinalIgnoreCase.GetHashCode(Value);
    public override string ToString() => Value;
    public static bool operator ==(PlatformName a, PlatformName b) => a.Equals(b);
    public static bool operator !=(PlatformName a, PlatformName b) => !a.Equals(b);
}
