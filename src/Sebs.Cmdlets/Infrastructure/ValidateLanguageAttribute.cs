using System.Management.Automation;

namespace Sebs.Cmdlets.Infrastructure;

/// <summary>
/// -Language must be python or nodejs. A ValidateSet would do the same, but PowerShell then completes from the set and
/// never asks <see cref="LanguageCompleter"/>, which offers only the languages the chosen benchmark has.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class ValidateLanguageAttribute : ValidateEnumeratedArgumentsAttribute
{
    public static readonly string[] Languages = { "python", "nodejs" };

    protected override void ValidateElement(object element)
    {
        var value = element is PSObject pso ? pso.BaseObject : element;
        if (value is string s && Languages.Contains(s, StringComparer.OrdinalIgnoreCase)) return;
        throw new ValidationMetadataException($"The language '{value}' is not one of {string.Join(", ", Languages)}.");
    }
}
