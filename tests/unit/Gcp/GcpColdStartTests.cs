using Sebs.Platforms.Gcp;
using Xunit;

namespace Sebs.Tests.Gcp;

/// <summary>Forced cold starts set a cold_start value the function does not have yet, so Cloud Run makes a new revision.</summary>
public class GcpColdStartTests
{
    [Theory]
    [InlineData(41, "42", 43)]              // the function already has the value the counter would give
    [InlineData(41, "100", 101)]            // another session went further
    [InlineData(41, "7", 42)]               // the counter is ahead: SeBS's next value
    [InlineData(41, null, 42)]
    [InlineData(41, "", 42)]
    [InlineData(41, "not-a-number", 42)]
    public void The_next_cold_start_value_is_above_the_counter_and_the_functions_own(int counter, string? current, int next) =>
        Assert.Equal(next, GcpPlatform.NextColdStartValue(counter, current));
}
