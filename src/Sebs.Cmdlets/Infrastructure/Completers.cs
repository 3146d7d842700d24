using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace Sebs.Cmdlets.Infrastructure;

/// <summary>Completes benchmark names from the catalog: <c>Invoke-SebsBenchmark 11&lt;Tab&gt;</c>.</summary>
public sealed class BenchmarkNameCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var word = (wordToComplete ?? "").Trim('\'', '"');
        var pattern = new WildcardPattern(word + "*", WildcardOptions.IgnoreCase);
        // A number alone ("11") matches the id of NNN.name as well as the start of the name.
        var catalog = CatalogLocator.Load();
        foreach (var b in catalog.Benchmarks)
        {
            var shortName = b.Name.Length > 4 ? b.Name[4..] : b.Name;
            if (pattern.IsMatch(b.Name) || pattern.IsMatch(shortName))
                yield return new CompletionResult(b.Name, b.Name, CompletionResultType.ParameterValue,
                    string.IsNullOrEmpty(b.Description) ? b.Name : b.Description);
        }
    }
}
