using System.Globalization;
using Sebs.Core.Results;
using Xunit;

namespace Sebs.Tests.Results;

/// <summary>The journal's timestamps: SeBS's text, digit for digit, and read back to the tick SeBS keeps (a microsecond).</summary>
public class SebsTimestampTests
{
    public static IEnumerable<object[]> Instants()
    {
        yield return new object[] { new DateTime(2026, 12, 2, 3, 4, 5).AddTicks(60) };   // a microsecond with a digit of zero
        yield return new object[] { new DateTime(2026, 1, 1) };                          // midnight, no fraction
        yield return new object[] { new DateTime(1, 1, 1) };
        yield return new object[] { DateTime.MaxValue };
        var random = new Random(15);
        for (var i = 0; i < 50; i++)
            yield return new object[] { new DateTime(random.NextInt64(DateTime.MinValue.Ticks, DateTime.MaxValue.Ticks)) };
    }

    [Theory]
    [MemberData(nameof(Instants))]
    public void Writes_what_the_format_string_writes_and_reads_it_back(DateTime instant)
    {
        var text = SebsTimestamp.ToSebs(instant);
        Assert.Equal(instant.ToString("yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture), text);
        Assert.True(SebsTimestamp.TryParse(text, out var back));
        Assert.Equal(instant.Ticks / 10, back.Ticks / 10);
    }
}
