using System.Text.RegularExpressions;

namespace Sebs.Core;

/// <summary>
/// Names that reach the file system (log files, cache folders) and container names: letters, digits, '.', '_' and
/// '-', starting with a letter or digit, never a path separator or "..", so no name can point outside its folder.
/// </summary>
public static partial class SafeName
{
    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")]
    private static partial Regex Allowed();

    public static bool IsValid(string? name) => name is not null && Allowed().IsMatch(name) && !name.Contains("..", StringComparison.Ordinal);

    /// <summary>Throws <see cref="SebsErrorIds.InvalidName"/> naming <paramref name="what"/> (a parameter or key) when the name is not allowed.</summary>
    public static string Check(string name, string what)
    {
        if (!IsValid(name))
            throw new SebsException(SebsErrorIds.InvalidName, SebsErrorKind.InvalidArgument,
                $"{what} '{name}' is not a valid name: use letters, digits, '.', '_' and '-' (at most 128, starting with a letter or digit, no '..').", target: name);
        return name;
    }
}
