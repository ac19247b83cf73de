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
}
