using System.Text.RegularExpressions;

namespace Sebs.Core.Validation;

/// <summary>010.sleep: the function returns the number of seconds it slept.</summary>
public sealed class SleepValidator : IOutputValidator
{
    public string Benchmark => "010.sleep";

    public Task<string?> ValidateAsync(ValidationContext context, CancellationToken cancellationToken)
    {
        var expected = context.Payload["sleep"]?.GetValue<double>() ?? 0;
        var actual = context.Output?["result"];
        if (actual is null) return Task.FromResult<string?>("the output has no 'result'");
        var value = double.TryParse(actual.ToString(), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var v) ? v : double.NaN;
        return Task.FromResult(Math.Abs(value - expected) < 1e-9 ? null : $"result is {actual.ToJsonString()}, expected {expected}");
    }
}

/// <summary>110.dynamic-html: non-empty HTML greeting the user, with the timestamp line and random_len list items.</summary>
public sealed partial class DynamicHtmlValidator : IOutputValidator
{
    public string Benchmark => "110.dynamic-html";

    [GeneratedRegex("<li>")]
    private static partial Regex ListItem();

    public Task<string?> ValidateAsync(ValidationContext context, CancellationToken cancellationToken)
    {
        var html = context.Output?["result"]?.GetValue<string>();
        var user = context.Payload["username"]?.GetValue<string>() ?? "";
        var count = context.Payload["random_len"]?.GetValue<int>() ?? 0;
        string? problem = html switch
        {
            null or "" => "the HTML is empty",
            _ when !html.Contains($"Welcome {user}!", StringComparison.Ordinal) => $"the HTML does not greet '{user}'",
            _ when !html.Contains("Data generated at:", StringComparison.Ordinal) => "the HTML lacks 'Data generated at:'",
            _ when ListItem().Count(html) != count => $"the HTML has {ListItem().Count(html)} <li> items, expected {count}",
            _ => null,
        };
        return Task.FromResult(problem);
    }
}
