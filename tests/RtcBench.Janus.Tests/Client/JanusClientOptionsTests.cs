using RtcBench.Janus.Client;
using RtcBench.Janus.Transport;

namespace RtcBench.Janus.Tests.Client;

public sealed class JanusClientOptionsTests
{
    [Theory]
    [InlineData("http://janus:8088/janus", JanusTransportKind.Http)]
    [InlineData("https://janus.example/janus", JanusTransportKind.Http)]
    [InlineData("ws://janus:8188/", JanusTransportKind.WebSocket)]
    [InlineData("wss://janus.example/ws", JanusTransportKind.WebSocket)]
    public void TransportKind_FromTheScheme(string url, JanusTransportKind kind)
    {
        var options = new JanusClientOptions { Url = new Uri(url) };
        Assert.Empty(options.Validate());
        Assert.Equal(kind, options.TransportKind);
    }

    [Fact]
    public void Validate_EveryProblemListed()
    {
        var errors = new JanusClientOptions
        {
            Url = new Uri("ftp://janus/"),
            ApiSecret = "",
            RequestTimeout = TimeSpan.Zero,
            KeepaliveInterval = TimeSpan.FromSeconds(-1),
            LongPollMaxEvents = 0,
        }.Validate();
        Assert.Equal(5, errors.Count);
    }

    [Fact]
    public void Validate_SecretInTheUrlQuery_RefusedWithWhereToPutIt()
    {
        var error = Assert.Single(new JanusClientOptions { Url = new Uri("http://janus:8088/janus?apisecret=x") }.Validate());
        Assert.Contains("ApiSecret", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConnectAsync_InvalidOptions_ArgumentExceptionNamingTheProblem()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => JanusClient.ConnectAsync(new JanusClientOptions { Url = new Uri("udp://x/") }));
        Assert.Contains("http(s)://", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ToString_SaysWhetherCredentialsAreSetNeverWhatTheyAre()
    {
        string text = new JanusClientOptions { Url = new Uri("http://janus:8088/janus"), ApiSecret = "s3cret", Token = "t0ken" }.ToString();
        Assert.Equal("http://janus:8088/janus (api secret set, token set)", text);
    }
}
