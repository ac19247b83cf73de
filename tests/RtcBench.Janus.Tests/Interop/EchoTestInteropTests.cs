using System.Text;
using RtcBench.Janus.Admin;
using RtcBench.Janus.Api;
using RtcBench.Janus.Client;
using RtcBench.Janus.Plugins;
using RtcBench.Janus.Plugins.EchoTest;
using RtcBench.Janus.Tests.Support;
using RtcBench.Janus.Transport;
using RtcBench.Rtc.Dtls;
using RtcBench.Rtc.Peer;

namespace RtcBench.Janus.Tests.Interop;

/// <summary>
/// Our WebRTC stack against Janus's EchoTest plugin (PROTOCOLS.md §2 B3), signalled by our Janus client over HTTP
/// and over WebSocket: we offer data only (Janus answers <c>a=setup:active</c>, so we are the DTLS server and the
/// controlling full ICE agent), open one channel, and every message comes back through Janus — binary unchanged,
/// text with Janus's prefix — in order on a reliable channel, all of them on an unordered maxRetransmits-0 one.
/// Hanging up surfaces Janus's <c>hangup</c> event and ends our connection; nothing is left in Janus (Admin API).
/// Each test is one cell of the interop matrix (artifacts/interop/janus.jsonl) and runs the round trip twice,
/// signalled over Janus's HTTP transport and over its WebSocket transport.
/// </summary>
[Collection(JanusCollection.Name)]
public sealed class EchoTestInteropTests(JanusFixture fixture)
{
    private const int Messages = 20;
    private readonly JanusServer _janus = fixture.Server;

    [Theory]
    [InlineData(InteropCell.Reliable)]
    [InlineData(InteropCell.UnorderedRexmit0)]
    public Task EchoTest_WeOfferDataOnlyOverHttpAndWebSocket_BinaryComesBackUnchangedAndTextPrefixed(string channelKind) =>
        InteropCellRun.RunAsync(_janus, InteropCell.Us, "full", channelKind, async cell =>
        {
            var details = new List<string>();
            foreach (var transport in new[] { JanusTransportKind.Http, JanusTransportKind.WebSocket })
            {
                string name = TransportName(transport);
                details.Add(name + ": " + await InteropCellRun.StepAsync($"signalled over {name}", () => RoundTripAsync(cell, transport, channelKind)));
            }

            return string.Join("; ", details);
        });

    internal static string TransportName(JanusTransportKind kind) => kind == JanusTransportKind.Http ? "http" : "ws";

    private async Task<string> RoundTripAsync(InteropCellRun cell, JanusTransportKind transport, string channelKind)
    {
        await using var client = await JanusClient.ConnectAsync(_janus.ClientOptions(transport));
        var session = await client.CreateSessionAsync();
        var handle = await session.AttachAsync(JanusPlugins.EchoTest);

        bool reliable = channelKind == InteropCell.Reliable;
        await using var pc = cell.Track(PeerConnection.CreateOfferer(new PeerConnectionOptions { LocalAddress = _janus.ClientAddress }));
        var channel = pc.CreateDataChannel($"echo-{channelKind}", ordered: reliable, maxRetransmits: reliable ? null : 0);
        var inbox = new MessageInbox(channel);
        var reply = await handle.SendAsync(EchoTestRequest.DataOnly, JanusJsep.Offer(pc.CreateOffer()));
        Assert.Equal("ok", reply.GetString("result"));
        Assert.True(reply.Jsep is { IsAnswer: true }, "EchoTest answered without a JSEP answer");
        pc.SetRemoteAnswer(reply.Jsep!.Sdp);
        Assert.Equal(DtlsRole.Server, pc.DtlsRole); // Janus answers a=setup:active to our actpass.

        await JanusPeerConnect.ConnectedAsync(pc, handle, _janus);
        Assert.True(await channel.WhenOpen.WaitAsync(TimeSpan.FromSeconds(30)), "Janus did not acknowledge our channel (DCEP)");
        await handle.WhenWebRtcUp.WaitAsync(TimeSpan.FromSeconds(30));

        var expected = new List<string>();
        for (int i = 0; i < Messages; i++)
        {
            byte[] binary = Payload(i);
            Assert.True(channel.Send(binary));
            expected.Add("binary " + Convert.ToHexString(binary));
            string text = $"hello {i} from rtcbench ✓";
            Assert.True(channel.SendText(Encoding.UTF8.GetBytes(text)));
            expected.Add("text " + EchoTestRequest.TextPrefix + text);
        }

        var received = new List<string>();
        for (int i = 0; i < expected.Count; i++)
        {
            var message = await inbox.NextAsync();
            received.Add(message.IsText ? "text " + message.Text : "binary " + Convert.ToHexString(message.Data));
        }

        if (reliable)
        {
            Assert.Equal(expected, received); // Everything, unchanged apart from the text prefix, in order.
        }
        else
        {
            Assert.Equal(expected.Order(StringComparer.Ordinal), received.Order(StringComparer.Ordinal));
        }

        await handle.HangupAsync();
        var hangup = await handle.WhenHungUp.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.False(string.IsNullOrEmpty(hangup.Reason));
        var ended = await pc.WhenEnded.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.False(ended.Connected);

        await handle.DetachAsync();
        await session.DestroyAsync();
        using var admin = new JanusAdminClient(_janus.AdminUrl, _janus.Secrets.AdminSecret);
        Assert.DoesNotContain(session.Id, await admin.ListSessionsAsync());

        return $"{Messages} binary (1 B - 8 KiB) + {Messages} text echoed{(reliable ? " in order" : "")}, " +
            $"pair {pc.SelectedPair}, Janus hung up with '{hangup.Reason}', our end: {ended}";
    }

    /// <summary>Sizes from 1 B to 8 KiB (several SCTP fragments), content from the index.</summary>
    private static byte[] Payload(int i)
    {
        int size = i == Messages - 1 ? 8192 : 1 + (i * 97 % 1200);
        var bytes = new byte[size];
        for (int k = 0; k < size; k++)
        {
            bytes[k] = (byte)(i * 31 + k);
        }

        return bytes;
    }
}
