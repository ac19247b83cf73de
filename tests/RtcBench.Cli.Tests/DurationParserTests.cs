using RtcBench.Cli.Parsing;

namespace RtcBench.Cli.Tests;

public sealed class DurationParserTests
{
    [Theory]
    [InlineData("250us", 2_500)]
    [InlineData("100ms", 1_000_000)]
    [InlineData("1.5s", 15_000_000)]
    [InlineData("2m", 1_200_000_000)]
    [InlineData("1h", 36_000_000_000)]
    [InlineData(" 5s ", 50_000_000)]
    public void TryParse_NumberWithUnit_ReturnsTicks(string text, long ticks)
    {
        Assert.True(DurationParser.TryParse(text, out var value, out _));
        Assert.Equal(ticks, value.Ticks);
    }

    [Theory]
    [InlineData("")]
    [InlineData("ms")]
    [InlineData("10")]
    [InlineData("-5s")]
    [InlineData("1e3ms")]
    [InlineData("10 parsecs")]
    [InlineData("99999999999999999999h")]
    public void TryParse_Malformed_FailsWithMessage(string text)
    {
        Assert.False(DurationParser.TryParse(text, out _, out string error));
        Assert.False(string.IsNullOrEmpty(error));
    }

    [Theory]
    [InlineData("0", "'0' has no unit; give a duration from 1ms to 10m, e.g. 100ms")]
    [InlineData("100", "'100' has no unit; write e.g. 100ms (from 1ms to 10m)")]
    [InlineData("0.5", "'0.5' has no unit; write e.g. 0.5s (from 1ms to 10m)")]
    [InlineData("0ms", "'0ms' is out of range; give a duration from 1ms to 10m")]
    [InlineData("500us", "'500us' is out of range; give a duration from 1ms to 10m")]
    [InlineData("11m", "'11m' is out of range; give a duration from 1ms to 10m")]
    [InlineData("99999999999999999999h", "'99999999999999999999h' is out of range; give a duration from 1ms to 10m")]
    [InlineData("fast", "'fast' is not a duration; give a number and a unit (us, ms, s, m or h) from 1ms to 10m, e.g. 100ms")]
    [InlineData("5parsecs", "'5parsecs' has an unknown unit 'parsecs'; use us, ms, s, m or h (from 1ms to 10m, e.g. 100ms)")]
    [InlineData("", "a duration is required, from 1ms to 10m, e.g. 100ms")]
    public void TryParse_WithRange_FailureStatesTheRangeAndNeverSuggestsAnInvalidValue(string text, string expected)
    {
        Assert.False(DurationParser.TryParse(text, TimeSpan.FromMilliseconds(1), TimeSpan.FromMinutes(10), "100ms", out _, out string error));
        Assert.Equal(expected, error);
    }

    [Theory]
    [InlineData("1ms", 10_000)]
    [InlineData("10m", 6_000_000_000)]
    [InlineData("2.5s", 25_000_000)]
    public void TryParse_WithRange_ValueInsideOrOnTheEdge_Accepted(string text, long ticks)
    {
        Assert.True(DurationParser.TryParse(text, TimeSpan.FromMilliseconds(1), TimeSpan.FromMinutes(10), "100ms", out var value, out string error), error);
        Assert.Equal(ticks, value.Ticks);
    }

    [Theory]
    [InlineData(10_000, "1ms")]
    [InlineData(6_000_000_000, "10m")]
    [InlineData(864_000_000_000, "24h")]
    [InlineData(15_000_000, "1500ms")]
    [InlineData(2_500, "250us")]
    [InlineData(10_000_000, "1s")]
    public void Format_Duration_LargestUnitThatDividesIt(long ticks, string expected)
    {
        Assert.Equal(expected, DurationParser.Format(TimeSpan.FromTicks(ticks)));
    }
}
