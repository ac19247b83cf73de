using System.Collections.Concurrent;
using RtcBench.Janus.Api;
using RtcBench.Janus.Client;
using RtcBench.Janus.Plugins;
using RtcBench.Janus.Plugins.TextRoom;
using RtcBench.Rtc.Peer;
using RtcBench.Rtc.Sdp;

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
    private readonly JanusClient _client;
    private readonly JanusSession _session;
    private readonly JanusHandle _handle;
    private readonly PeerConnection _pc;
    private readonly DataChannel _channel;
    private readonly IJanusDataReceiver _receiver;
    private readonly TextRoomEnvelope _envelope;
    private readonly byte[] _peer;
    private readonly ConcurrentDictionary<string, TaskCompletionSource<TextRoomDataMessage>> _pending = new(StringComparer.Ordinal);
    private readonly HashSet<string> _present = [];
    private readonly Lock _sendGate = new();
    private readonly TaskCompletionSource<string> _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource _presenceChanged = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private byte[] _text = new byte[2048];
    private long _dropped;
    private int _disposed;

    private TextRoomDataParticipant(JanusClient client, JanusSession session, JanusHandle handle, PeerConnection pc, DataChannel channel,
        long room, string username, string peer, IJanusDataReceiver receiver)
    {
        _client = client;
        _session = session;
        _handle = handle;
        _pc = pc;
        _channel = channel;
        _receiver = receiver;
        Room = room;
        Username = username;
        Peer = peer;
        _peer = System.Text.Encoding.UTF8.GetBytes(peer);
        _envelope = new TextRoomEnvelope(room, peer);
        _channel.OnMessage = OnMessage;
        Watch(session.WhenEnded.ContinueWith(t => $"the Janus session ended ({t.Result})", TaskScheduler.Default));
        Watch(handle.WhenHungUp.ContinueWith(t => $"Janus hung up the TextRoom connection ({t.Result.Reason})", TaskScheduler.Default));
        Watch(pc.WhenEnded.ContinueWith(t => $"the TextRoom connection ended ({t.Result})", TaskScheduler.Default));
    }

    public long Room { get; }

    public string Username { get; }

    /// <summary>Who we send to and hear from.</summary>
    public string Peer { get; }

    public PeerConnection Connection => _pc;

    public DataChannel Channel => _channel;

    public JanusSession Session => _session;

    /// <summary>Room messages that were neither from our peer nor a reply or presence change we track.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    public Task<string> WhenEnded => _ended.Task;

    /// <summary>Connects through the TextRoom plugin and joins <paramref name="room"/> as <paramref name="username"/>.</summary>
    public static async Task<TextRoomDataParticipant> JoinAsync(JanusParticipantOptions options, long room, string username, string? pin, string peer,
        IJanusDataReceiver receiver, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(receiver);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(options.JoinTimeout);
        var client = await JanusClient.ConnectAsync(options.Client, timeout.Token).ConfigureAwait(false);
        PeerConnection? pc = null;
        try
        {
            var local = await PeerSetup.LocalAddressAsync(options, timeout.Token).ConfigureAwait(false);
            var session = await client.CreateSessionAsync(timeout.Token).ConfigureAwait(false);
            var handle = await session.AttachAsync(JanusPlugins.TextRoom, ct: timeout.Token).ConfigureAwait(false);
            var offered = await handle.SendAsync(new TextRoomSetup(), ct: timeout.Token).ConfigureAwait(false);
            if (offered.Jsep is not { IsOffer: true } offer)
            {
                throw new JanusProtocolException("the TextRoom answered 'setup' without an offer.");
            }

            pc = PeerConnection.AcceptOffer(offer.Sdp, PeerSetup.PeerOptions(options, local) with
            {
                AnswerSetup = SdpSetup.Active,
                AnswererIceMode = AnswererIceMode.Full,
            });
            await handle.SendAsync(TextRoomAck.Instance, JanusJsep.Answer(pc.LocalDescription!), timeout.Token).ConfigureAwait(false);
            await PeerSetup.ConnectedAsync(pc, handle, "TextRoom", timeout.Token).ConfigureAwait(false);
            var channel = pc.CreateDataChannel(TextRoomData.Label);
            await PeerSetup.OpenAsync(channel, "TextRoom", timeout.Token).ConfigureAwait(false);
            var participant = new TextRoomDataParticipant(client, session, handle, pc, channel, room, username, peer, receiver);
            var joined = await participant.RequestAsync(tx => TextRoomData.Join(tx, room, username, pin: pin), "join", timeout.Token).ConfigureAwait(false);
            participant.Present(joined.Participants, []);
            return participant;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            await Abandon(client, pc).ConfigureAwait(false);
            throw new JanusTimeoutException($"joining TextRoom room {room} did not finish within {options.JoinTimeout.TotalSeconds:0} s.");
        }
        catch
        {
            await Abandon(client, pc).ConfigureAwait(false);
            throw;
        }
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
                : _channel.SendText(_envelope.Write(text));
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

        _ended.TrySetResult("left");
        if (_pc.State == PeerConnectionState.Connected)
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

        await _session.DisposeAsync().ConfigureAwait(false);
        await _pc.DisposeAsync().ConfigureAwait(false);
        await _client.DisposeAsync().ConfigureAwait(false);
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
            if (_pc.State != PeerConnectionState.Connected || !_channel.SendText(request(transaction)))
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
            _ended.TrySetResult($"the TextRoom room {Room} was destroyed");
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

    private void Watch(Task<string> reason) => reason.ContinueWith(t => _ended.TrySetResult(t.Result), TaskScheduler.Default);

    private static async Task Abandon(JanusClient client, PeerConnection? pc)
    {
        if (pc is not null)
        {
            await pc.DisposeAsync().ConfigureAwait(false);
        }

        await client.DisposeAsync().ConfigureAwait(false);
    }
}
