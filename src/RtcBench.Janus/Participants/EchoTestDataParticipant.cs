using RtcBench.Janus.Api;
using RtcBench.Janus.Client;
using RtcBench.Janus.Plugins;
using RtcBench.Janus.Plugins.EchoTest;
using RtcBench.Rtc.Peer;

namespace RtcBench.Janus.Participants;

/// <summary>
/// Our stack against Janus's EchoTest plugin (the janus platform's <c>echo</c> path, PROTOCOLS.md §2 B3): one
/// data-only connection (we offer, Janus answers <c>a=setup:active</c>) with two channels of our own, a reliable
/// ordered one and an unordered maxRetransmits-0 one. Janus returns each binary message unchanged on the channel it
/// came on, with the channel's own reliability — so unlike the VideoRoom and the TextRoom this path has a real lossy
/// variant. There is no second participant and no room: the server's own floor, one hop and back. What comes back
/// reaches the receiver of its channel with the socket receive time of the datagram that completed it.
/// </summary>
public sealed class EchoTestDataParticipant : IAsyncDisposable
{
    public const string ReliableLabel = "rtcbench-reliable";
    public const string LossyLabel = "rtcbench-lossy";

    private readonly JanusDataLink _link;
    private readonly DataChannel _reliable;
    private readonly DataChannel _lossy;

    private EchoTestDataParticipant(JanusDataLink link, JanusHandle handle, PeerConnection pc, DataChannel reliable, DataChannel lossy)
    {
        _link = link;
        Connection = pc;
        _reliable = reliable;
        _lossy = lossy;
        link.Watch(handle, pc, "EchoTest");
    }

    public PeerConnection Connection { get; }

    public JanusSession Session => _link.Session;

    /// <summary>Completes once, with why the participant can no longer send or receive.</summary>
    public Task<string> WhenEnded => _link.WhenEnded;

    /// <summary>Attaches the EchoTest, connects and opens both channels; what comes back goes to <paramref name="reliable"/> / <paramref name="lossy"/>.</summary>
    public static Task<EchoTestDataParticipant> ConnectAsync(JanusParticipantOptions options, IJanusDataReceiver reliable, IJanusDataReceiver lossy, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(reliable);
        ArgumentNullException.ThrowIfNull(lossy);
        return JanusDataLink.JoinAsync(options, "connecting to the EchoTest", async (link, joinCt) =>
        {
            var handle = await link.Session.AttachAsync(JanusPlugins.EchoTest, ct: joinCt).ConfigureAwait(false);
            var pc = link.CreateOfferer();
            var reliableChannel = pc.CreateDataChannel(ReliableLabel);
            var lossyChannel = pc.CreateDataChannel(LossyLabel, ordered: false, maxRetransmits: 0);
            reliableChannel.OnMessage = (_, message, _, receivedNs) => reliable.OnData(message, receivedNs);
            lossyChannel.OnMessage = (_, message, _, receivedNs) => lossy.OnData(message, receivedNs);
            var reply = await handle.SendAsync(EchoTestRequest.DataOnly, JanusJsep.Offer(pc.CreateOffer()), joinCt).ConfigureAwait(false);
            if (reply.Jsep is not { IsAnswer: true } answer)
            {
                throw new JanusProtocolException("the EchoTest answered without a JSEP answer.");
            }

            pc.SetRemoteAnswer(answer.Sdp);
            await JanusDataLink.ConnectedAsync(pc, handle, "EchoTest", joinCt).ConfigureAwait(false);
            await JanusDataLink.OpenAsync(reliableChannel, "reliable", joinCt).ConfigureAwait(false);
            await JanusDataLink.OpenAsync(lossyChannel, "lossy", joinCt).ConfigureAwait(false);
            return new EchoTestDataParticipant(link, handle, pc, reliableChannel, lossyChannel);
        }, ct);
    }

    /// <summary>Sends one binary message on the reliable channel; false when it could not be queued. Does not allocate.</summary>
    public bool SendReliable(ReadOnlySpan<byte> message) => _reliable.Send(message);

    /// <summary>Sends one binary message on the lossy channel; false when it could not be queued. Does not allocate.</summary>
    public bool SendLossy(ReadOnlySpan<byte> message) => _lossy.Send(message);

    /// <summary>Leaves: destroys the session (Janus hangs up and detaches the handle) and closes our connection.</summary>
    public ValueTask DisposeAsync() => _link.DisposeAsync();
}
