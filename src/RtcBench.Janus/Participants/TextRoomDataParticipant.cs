using System.Collections.Concurrent;
using RtcBench.Janus.Api;
using RtcBench.Janus.Client;
using RtcBench.Janus.Plugins;
using RtcBench.Janus.Plugins.TextRoom;
using RtcBench.Rtc.Peer;

namespace RtcBench.Janus.Participants;

/// <summary>
/// A TextRoom participant on our stack (the janus platform's <c>textroom</c> path): Janus offers, we answer as DTLS
/// client with a full ICE agent, and our own <c>JanusDataChannel</c> carries the room's JSON. It talks to one
/// <c>peer</c>: <see cref="Send"/> wraps a payload in a private <c>message</c> to it (no ack), and the <c>text</c> of
/// each message from it reaches <see cref="IJanusDataReceiver"/>, unescaped, without allocating once warm. Text only
/// (the TextRoom drops binary), reliable and ordered only (Janus sends on our channel).
/// </summary>
public sealed class TextRoomDataParticipant : IAsyncDisposable
{
    private readonly JanusDataLink _link;
    private readonly IJanusDataReceiver _receiver;
    private readonly TextRoomEnvelope _envelope;
    private readonly byte[] _peer;
    private readonly ConcurrentDictionary<string, TaskCompletionSource<TextRoomDataMessage>> _pending = new(StringComparer.Ordinal);
    private readonly HashSet<string> _present = [];
    private readonly Lock _sendGate = new();
    private TaskCompletionSource _presenceChanged = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private byte[] _text = new byte[2048];
    private long _dropped;
    private int _disposed;

    private TextRoomDataParticipant(JanusDataLink link, JanusHandle handle, PeerConnection pc, DataChannel channel,
        long room, string username, string peer, IJanusDataReceiver receiver)
    {
        _link = link;
        Connection = pc;
        Channel = channel;
        _receiver = receiver;
        Room = room;
        Username = username;
        Peer = peer;
        _peer = System.Text.Encoding.UTF8.GetBytes(peer);
        _envelope = new TextRoomEnvelope(room, peer);
        Channel.OnMessage = OnMessage;
        link.Watch(handle, pc, "TextRoom");
    }

    public long Room { get; }

    public string Username { get; }

    /// <summary>Who we send to and hear from.</summary>
    public string Peer { get; }

    public PeerConnection Connection { get; }

    public DataChannel Channel { get; }

    public JanusSession Session => _link.Session;

    /// <summary>Room messages that were neither from our peer nor a reply or presence change we track.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    public Task<string> WhenEnded => _link.WhenEnded;

    /// <summary>Connects through the TextRoom plugin and joins <paramref name="room"/> as <paramref name="username"/>.</summary>
    public static Task<TextRoomDataParticipant> JoinAsync(JanusParticipantOptions options, long room, string username, string? pin, string peer,
        IJanusDataReceiver receiver, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(receiver);
        return JanusDataLink.JoinAsync(options, $"joining TextRoom room {room}", async (link, joinCt) =>
        {
            var handle = await link.Session.AttachAsync(JanusPlugins.TextRoom, ct: joinCt).ConfigureAwait(false);
            var offered = await handle.SendAsync(new TextRoomSetup(), ct: joinCt).ConfigureAwait(false);
            if (offered.Jsep is not { IsOffer: true } offer)
            {
                throw new JanusProtocolException("the TextRoom answered 'setup' without an offer.");
            }

            var pc = link.AcceptOffer(offer.Sdp);
            await handle.SendAsync(TextRoomAck.Instance, JanusJsep.Answer(pc.LocalDescription!), joinCt).ConfigureAwait(false);
            await JanusDataLink.ConnectedAsync(pc, handle, "TextRoom", joinCt).ConfigureAwait(false);
            var channel = pc.CreateDataChannel(TextRoomData.Label);
            await JanusDataLink.OpenAsync(channel, "TextRoom", joinCt).ConfigureAwait(false);
            var participant = new TextRoomDataParticipant(link, handle, pc, channel, room, username, peer, receiver);
            var joined = await participant.RequestAsync(tx => TextRoomData.Join(tx, room, username, pin: pin), "join", joinCt).ConfigureAwait(false);
            participant.Present(joined.Participants, []);
            return participant;
        }, ct);
    }

    /// <summary>Waits until <paramref name="username"/> is in the room.</summary>
    public async Task WaitForParticipantAsync(string username, CancellationToken ct)
    {
        while (true)
        {
            Task changed;
            lock (_present)
            {
                if (_present.Contains(username))
                {
                    return;
                }

                changed = _presenceChanged.Task;
            }

            await changed.WaitAsync(ct).ConfigureAwait(false);
        }
    }

    /// <summary>Sends <paramref name="text"/> to our peer as a private message; false when it could not be queued. Does not allocate once warm.</summary>
    public bool Send(ReadOnlySpan<byte> text)
    {
        lock (_sendGate)
        {
            return Volatile.Read(ref _disposed) != 0
                ? throw new InvalidOperationException($"{Username} has left TextRoom room {Room}.")
                : Channel.SendText(_envelope.Write(text));
        }
    }

    /// <summary>Leaves the room (best effort), destroys the session and closes our connection.</summary>
    public async ValueTask DisposeAsync()
    {
        lock (_sendGate)
        {
            if (_disposed != 0)
            {
                return;
            }

            _disposed = 1;
        }

        _link.End("left");
        if (Connection.State == PeerConnectionState.Connected)
        {
            try
            {
                using var leave = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await RequestAsync(tx => TextRoomData.Leave(tx, Room), "leave", leave.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is JanusException or OperationCanceledException or InvalidOperationException)
            {
                // Destroying the session below removes us from the room anyway.
            }
        }

        await _link.DisposeAsync().ConfigureAwait(false);
        lock (_sendGate)
        {
            _envelope.Dispose();
        }
    }

    private async Task<TextRoomDataMessage> RequestAsync(Func<string, byte[]> request, string what, CancellationToken ct)
    {
        string transaction = JanusClient.NewTransaction();
        var reply = new TaskCompletionSource<TextRoomDataMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[transaction] = reply;
        try
        {
            if (Connection.State != PeerConnectionState.Connected || !Channel.SendText(request(transaction)))
            {
                throw new JanusPeerException($"the TextRoom '{what}' could not be sent (our channel is closed or full).");
            }

            var answer = await reply.Task.WaitAsync(ct).ConfigureAwait(false);
            return answer.IsError
                ? throw new JanusPluginException(JanusPlugins.TextRoom, what, answer.ErrorCode ?? 0, answer.Error ?? "(no error text)")
                : answer;
        }
        finally
        {
            _pending.TryRemove(transaction, out _);
        }
    }

    private void OnMessage(DataChannel channel, ReadOnlySpan<byte> message, bool isText, long receivedNs)
    {
        if (TextRoomEnvelope.TryReadMessage(message, _peer, ref _text, out int length))
        {
            _receiver.OnData(_text.AsSpan(0, length), receivedNs);
            return;
        }

        // Not on the hot path: replies, presence, anything else.
        if (!TextRoomDataMessage.TryRead(message, out var m))
        {
            Interlocked.Increment(ref _dropped);
            return;
        }

        if (m!.Transaction is { } tx && _pending.TryGetValue(tx, out var reply))
        {
            reply.TrySetResult(m);
        }
        else if (m.Kind == "join" && m.Username is { } joined)
        {
            Present([joined], []);
        }
        else if (m.Kind is "leave" or "kicked" && m.Username is { } left)
        {
            Present([], [left]);
        }
        else if (m.Kind == "destroyed")
        {
            _link.End($"the TextRoom room {Room} was destroyed");
        }
        else
        {
            Interlocked.Increment(ref _dropped);
        }
    }

    private void Present(IEnumerable<string> joined, IEnumerable<string> left)
    {
        TaskCompletionSource changed;
        lock (_present)
        {
            _present.UnionWith(joined);
            _present.ExceptWith(left);
            changed = _presenceChanged;
            _presenceChanged = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        changed.TrySetResult();
    }
}
