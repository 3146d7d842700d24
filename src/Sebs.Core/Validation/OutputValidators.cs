using System.Reflection;
using Sebs.Core.Results;

namespace Sebs.Core.Validation;

/// <summary>Finds a benchmark's validator and applies it to results (sets <c>Valid</c> and <c>ValidationMessage</c>).</summary>
public static class OutputValidators
{
    private static readonly Lazy<Dictionary<string, IOutputValidator>> All = new(() =>
        typeof(IOutputValidator).Assembly.GetTypes()
            .Where(t => typeof(IOutputValidator).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false } && t.GetConstructor(Type.EmptyTypes) is not null)
            .Select(t => (IOutputValidator)Activator.CreateInstance(t)!)
            .ToDictionary(v => v.Benchmark, StringComparer.OrdinalIgnoreCase));

    public static IOutputValidator? For(string benchmark) => All.Value.GetValueOrDefault(benchmark);

    public static IReadOnlyCollection<string> Benchmarks => All.Value.Keys;

    /// <summary>Validates one result in place. A failed invocation is invalid; a benchmark without a validator gets a message saying so.</summary>
    public static async Task ValidateAsync(ExecutionResult result, ValidationContext context, IOutputValidator? validator, CancellationToken ct)
    {
        if (result.Failed)
        {
            result.Valid = false;
            result.ValidationMessage = "The invocation failed: " + result.ErrorMessage;
            return;
        }
        if (validator is null)
        {
            result.Valid = null;
            result.ValidationMessage = $"{result.Benchmark} has no output validator.";
            return;
        }
        Directory.CreateDirectory(context.WorkDirectory);
        try
        {
            var message = await validator.ValidateAsync(context, ct).ConfigureAwait(false);
            result.Valid = message is null;
            result.ValidationMessage = message;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            result.Valid = false;
            result.ValidationMessage = $"Validation failed with {ex.GetType().Name}: {ex.Message}";
        }
        finally
        {
            try { Directory.Delete(context.WorkDirectory, recursive: true); } catch (IOException) { }
        }
    }
}
