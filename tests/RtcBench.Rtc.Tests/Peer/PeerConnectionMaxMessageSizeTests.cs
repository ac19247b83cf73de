using System.Text.RegularExpressions;
using RtcBench.Rtc.Peer;
using static RtcBench.Rtc.Tests.Peer.PeerTestKit;

namespace RtcBench.Rtc.Tests.Peer;

/// <summary>
/// <c>a=max-message-size</c> (RFC 8841): we advertise what we can receive, and never send the peer more than it
/// advertised (65536 when it says nothing). A larger send is refused at once with a clear <see cref="ArgumentException"/>;
/// before, it reached the event loop and ended the connection.
/// </summary>
public sealed partial class PeerConnectionMaxMessageSizeTests
{
    [Fact]
    public async Task PeerAdvertisesSmallLimit_LargerSendRefusedClearly_LimitExactlyEchoesAndTheConnectionLives()
    {
        await using var offerer = PeerConnection.CreateOfferer(Options());
        var channel = offerer.CreateDataChannel("reliable");
        await using var answerer = PeerConnection.AcceptOffer(offerer.CreateOffer(), Options(o => o with { MaxMessageSize = 1000 }));
        Assert.Contains("a=max-message-size:1000\r\n", answerer.LocalDescription, StringComparison.Ordinal);
        EchoEverything(answerer);
        offerer.SetRemoteAnswer(answerer.LocalDescription!);
        Assert.True(await WithTimeout(channel.WhenOpen));
        Assert.Equal(1000, offerer.RemoteMaxMessageSize);
        Assert.Equal(PeerConnectionOptions.DefaultMaxMessageSize, answerer.RemoteMaxMessageSize);

        var error = Assert.Throws<ArgumentException>(() => channel.Send(new byte[1001]));
        Assert.StartsWith("The message is 1001 bytes; the peer accepts at most 1000 in one message (its a=max-message-size", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => channel.SendText(new byte[1001]));
        Assert.Equal(1000, await EchoAsync(channel, 1000));
        Assert.Equal(PeerConnectionState.Connected, offerer.State);
    }

    [Fact]
    public async Task PeerSaysNothing_Rfc8841Default65536Applies_And64KiBEchoes()
    {
        await using var offerer = PeerConnection.CreateOfferer(Options());
        var channel = offerer.CreateDataChannel("reliable");
        await using var answerer = PeerConnection.AcceptOffer(offerer.CreateOffer(), Options());
        EchoEverything(answerer);
        string answer = MaxMessageSizeLine().Replace(answerer.LocalDescription!, "");
        Assert.DoesNotContain("max-message-size", answer, StringComparison.Ordinal);
        offerer.SetRemoteAnswer(answer);
        Assert.True(await WithTimeout(channel.WhenOpen));

        Assert.Equal(65536, offerer.RemoteMaxMessageSize);
        Assert.Throws<ArgumentException>(() => channel.Send(new byte[65537]));
        Assert.Equal(65536, await EchoAsync(channel, 65536));
    }

    [Fact]
    public async Task DefaultAdvertised256KiB_ReceivedWholeAndEchoed()
    {
        await using var offerer = PeerConnection.CreateOfferer(Options());
        var channel = offerer.CreateDataChannel("reliable");
        await using var answerer = PeerConnection.AcceptOffer(offerer.CreateOffer(), Options());
        Assert.Contains("a=max-message-size:262144\r\n", answerer.LocalDescription, StringComparison.Ordinal);
        EchoEverything(answerer);
        offerer.SetRemoteAnswer(answerer.LocalDescription!);
        Assert.True(await WithTimeout(channel.WhenOpen));

        Assert.Equal(262144, await EchoAsync(channel, 262144));
    }

    [Fact]
    public void Options_MaxMessageSizeOutOfRange_Refused() =>
        Assert.Contains("MaxMessageSize must be 1..1048576", Assert.Throws<ArgumentException>(
            () => PeerConnection.CreateOfferer(Options(o => o with { MaxMessageSize = 0 }))).Message, StringComparison.Ordinal);

    private static async Task<int> EchoAsync(DataChannel channel, int size)
    {
        var body = new byte[size];
        new Random(size).NextBytes(body);
        var echoed = new TaskCompletionSource<byte[]>(TaskCreationOptions.RunContinuationsAsynchronously);
        channel.OnMessage = (_, m, _, _) => echoed.TrySetResult(m.ToArray());
        Assert.True(channel.Send(body));
        var back = await WithTimeout(echoed.Task);
        Assert.Equal(body, back);
        return back.Length;
    }

    [GeneratedRegex("a=max-message-size:[0-9]+\r\n")]
    private static partial Regex MaxMessageSizeLine();
}
