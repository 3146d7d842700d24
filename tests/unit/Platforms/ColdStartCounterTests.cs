using Sebs.Core.Platforms;
using Xunit;

namespace Sebs.Tests.Platforms;

/// <summary>Forced cold starts set a value the function does not have yet (AWS ForceColdStart, GCP cold_start, Azure's app setting).</summary>
public class ColdStartCounterTests
{
    [Theory]
    [InlineData(41, "42", 43)]              // the function already has the value the counter would give
    [InlineData(41, "100", 101)]            // another session went further
    [InlineData(41, "7", 42)]               // the counter is ahead: SeBS's next value
    [InlineData(0, "100", 101)]             // a cached counter behind the app (saved before the last run changed it)
    [InlineData(41, null, 42)]
    [InlineData(41, "", 42)]
    [InlineData(41, "not-a-number", 42)]
    public void The_value_is_above_the_counter_and_the_functions_own(int counter, string? current, int next) =>
        Assert.Equal(next, ColdStartCounter.After(counter, current));

    [Fact]
    public void A_batch_shares_its_floor_and_the_counter_rises_to_the_highest_value_given()
    {
        var counter = new ColdStartCounter(10);
        var floor = counter.Last;
        Assert.Equal(11, counter.Next(floor, "3"));
        Assert.Equal(51, counter.Next(floor, "50"));
        Assert.Equal(11, counter.Next(floor, null));   // the same batch: its functions get values above the same floor
        Assert.Equal(51, counter.Last);
        Assert.Equal(52, counter.Next(counter.Last, "51"));
    }
}
