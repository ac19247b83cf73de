using RtcBench.Janus.Api;
using RtcBench.Janus.Client;
using RtcBench.Janus.Plugins;
using RtcBench.Janus.Plugins.TextRoom;
using RtcBench.Rtc.Peer;
using RtcBench.Rtc.Sdp;

namespace RtcBench.Janus.Tests.Support;

/// <summary>
/// One of our participants in a Janus TextRoom (PROTOCOLS.md §2 B4): attach, <c>setup</c> → Janus's offer, our
/// stack answers (DTLS role and ICE mode as the cell asks), <c>ack</c> with the answer, then our own
/// <c>JanusDataChannel</c> (Janus reuses a channel with that label) carries the TextRoom's JSON: join, message, leave.
/// </summary>
internal sealed class TextRoomParticipant
{
    private TextRoomParticipant(string username, JanusHandle handle, PeerConnection pc, DataChannel channel, MessageInbox inbox)
    {
        Username = username;
        Handle = handle;
        Peer = pc;
        Channel = channel;
        Inbox = inbox;
    }

    public string Username { get; }

    public JanusHandle Handle { get; }

    public PeerConnection Peer { get; }

    public DataChannel Channel { get; }

    public MessageInbox Inbox { get; }

    /// <summary>Connects through the TextRoom plugin (our peer is registered with <paramref name="cell"/>) and joins <paramref name="room"/>.</summary>
    public static async Task<TextRoomParticipant> JoinAsync(JanusSession session, JanusServer janus, InteropCellRun cell, long room, string username, SdpSetup setup, AnswererIceMode ice)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(cell);
        var handle = await session.AttachAsync(JanusPlugins.TextRoom);
        var offered = await handle.SendAsync(new TextRoomSetup());
        Assert.Equal("ok", offered.GetString("result"));
        Assert.True(offered.Jsep is { IsOffer: true }, "the TextRoom's setup came without Janus's offer");
        var pc = cell.Track(PeerConnection.AcceptOffer(offered.Jsep!.Sdp, new PeerConnectionOptions
        {
            LocalAddress = janus.ClientAddress,
            AnswerSetup = setup,
            AnswererIceMode = ice,
        }));
        await handle.SendAsync(TextRoomAck.Instance, JanusJsep.Answer(pc.LocalDescription!));
        await JanusPeerConnect.ConnectedAsync(pc, handle, janus);

        var channel = pc.CreateDataChannel(TextRoomData.Label);
        var inbox = new MessageInbox(channel);
        Assert.True(await channel.WhenOpen.WaitAsync(TimeSpan.FromSeconds(30)), "Janus did not acknowledge our JanusDataChannel (DCEP)");
        var participant = new TextRoomParticipant(username, handle, pc, channel, inbox);
        await participant.RequestAsync(tx => TextRoomData.Join(tx, room, username, display: username.ToUpperInvariant()), "join");
        return participant;
    }

    /// <summary>Sends a TextRoom request with a fresh transaction and returns Janus's <c>success</c> for it (an <c>error</c> fails).</summary>
    public async Task<TextRoomDataMessage> RequestAsync(Func<string, byte[]> request, string what)
    {
        ArgumentNullException.ThrowIfNull(request);
        string transaction = JanusClient.NewTransaction();
        Assert.True(Channel.SendText(request(transaction)), $"{Username}: {what} could not be sent");
        var reply = await NextAsync(m => m.Transaction == transaction, $"the reply to {Username}'s {what}");
        Assert.True(reply.IsSuccess, $"{Username}'s {what} was refused: {reply.ErrorCode} {reply.Error}");
        return reply;
    }

    /// <summary>The next TextRoom JSON message that matches (anything that is not TextRoom JSON fails the test).</summary>
    public async Task<TextRoomDataMessage> NextAsync(Func<TextRoomDataMessage, bool> match, string what)
    {
        var received = await Inbox.WaitForAsync(r => r.IsText && TextRoomDataMessage.TryRead(r.Data, out var m) && match(m!), what);
        TextRoomDataMessage.TryRead(received.Data, out var message);
        return message!;
    }
}
