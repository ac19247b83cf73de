using RtcBench.LiveKit.Auth;

namespace RtcBench.LiveKit.Tests.Auth;

public sealed class LiveKitCredentialsTests
{
    [Fact]
    public void ToString_Always_HidesTheSecret()
    {
        var credentials = new LiveKitCredentials("APIkey123", "very-secret-value");

        Assert.Contains("APIkey123", credentials.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("very-secret-value", credentials.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("very-secret-value", $"{new { credentials }}", StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_EmptySecret_ThrowsArgumentException()
    {
        Assert.Throws<ArgumentException>(() => new LiveKitCredentials("key", " "));
        Assert.ThrowsAny<ArgumentException>(() => new LiveKitCredentials("", "secret"));
    }

    [Theory]
    [InlineData(null, "s")]
    [InlineData("k", null)]
    [InlineData("", "s")]
    [InlineData("k", "  ")]
    public void FromValues_EitherMissing_ReturnsNull(string? key, string? secret)
    {
        Assert.Null(LiveKitCredentials.FromValues(key, secret));
    }

    [Fact]
    public void FromValues_Both_TrimsAndKeepsThem()
    {
        Assert.Equal(new LiveKitCredentials("k", "s"), LiveKitCredentials.FromValues(" k ", "s\n"));
    }

    [Fact]
    public void FromEnvironment_ReadsLiveKitVariables()
    {
        // The only test that touches these variables; it restores them.
        string? key = Environment.GetEnvironmentVariable(LiveKitCredentials.ApiKeyVariable);
        string? secret = Environment.GetEnvironmentVariable(LiveKitCredentials.ApiSecretVariable);
        try
        {
            Environment.SetEnvironmentVariable(LiveKitCredentials.ApiKeyVariable, "envkey");
            Environment.SetEnvironmentVariable(LiveKitCredentials.ApiSecretVariable, "envsecret");
            Assert.Equal(new LiveKitCredentials("envkey", "envsecret"), LiveKitCredentials.FromEnvironment());

            Environment.SetEnvironmentVariable(LiveKitCredentials.ApiSecretVariable, null);
            Assert.Null(LiveKitCredentials.FromEnvironment());
        }
        finally
        {
            Environment.SetEnvironmentVariable(LiveKitCredentials.ApiKeyVariable, key);
            Environment.SetEnvironmentVariable(LiveKitCredentials.ApiSecretVariable, secret);
        }
    }
}
