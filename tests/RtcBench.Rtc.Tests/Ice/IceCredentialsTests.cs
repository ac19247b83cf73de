using RtcBench.Rtc.Ice;

namespace RtcBench.Rtc.Tests.Ice;

public sealed class IceCredentialsTests
{
    [Fact]
    public void Generate_Always_LongEnoughIceCharsAndDistinct()
    {
        var seen = new HashSet<string>();
        for (int i = 0; i < 200; i++)
        {
            var c = IceCredentials.Generate();
            Assert.True(c.Ufrag.Length >= IceCredentials.MinUfragLength);
            Assert.True(c.Password.Length >= IceCredentials.MinPasswordLength);
            Assert.All(c.Ufrag + c.Password, ch => Assert.True(IceCredentials.IsIceChar(ch)));
            Assert.True(seen.Add(c.Password));
        }
    }

    [Theory]
    [InlineData("abc", "0123456789012345678901")]
    [InlineData("abcd", "012345678901234567890")]
    [InlineData("ab:d", "0123456789012345678901")]
    [InlineData("abcd", "01234567890123456789=1")]
    public void Constructor_InvalidValues_Throws(string ufrag, string password) =>
        Assert.Throws<ArgumentException>(() => new IceCredentials(ufrag, password));

    [Fact]
    public void ToString_Always_RedactsPassword()
    {
        var c = new IceCredentials("abcd", "0123456789+/0123456789");
        Assert.DoesNotContain(c.Password, c.ToString(), StringComparison.Ordinal);
        Assert.Contains("abcd", c.ToString(), StringComparison.Ordinal);
    }
}
