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

    private readonly JanusClient _client;
    private readonly JanusSession _session;
    private readonly PeerConnection _pc;
    private readonly DataChannel _reliable;
    private readonly DataChannel _lossy;
    private readonly TaskCompletionSource<string> _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _disposed;

    private EchoTestDataParticipant(JanusClient client, JanusSession session, JanusHandle handle, PeerConnection pc, DataChannel reliable, DataChannel lossy)
    {
        _client = client;
        _session = session;
        _pc = pc;
        _reliable = reliable;
        _lossy = lossy;
        Watch(session.WhenEnded.ContinueWith(t => $"the Janus session ended ({t.Result})", TaskScheduler.Default));
        Watch(handle.WhenHungUp.ContinueWith(t => $"Janus hung up the EchoTest connection ({t.Result.Reason})", TaskScheduler.Default));
        Watch(pc.WhenEnded.ContinueWith(t => $"the EchoTest connection ended ({t.Result})", TaskScheduler.Default));
    }

    public PeerConnection Connection => _pc;

    public JanusSession Session => _session;

    /// <summary>Completes once, with why the participant can no longer send or receive.</summary>
    public Task<string> WhenEnded => _ended.Task;

    /// <summary>Attaches the EchoTest, connects and opens both channels; what comes back goes to <paramref name="reliable"/> / <paramref name="lossy"/>.</summary>
    public static async Task<EchoTestDataParticipant> ConnectAsync(JanusParticipantOptions options, IJanusDataReceiver reliable, IJanusDataReceiver lossy, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(reliable);
        ArgumentNullException.ThrowIfNull(lossy);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(options.JoinTimeout);
        var client = await JanusClient.ConnectAsync(options.Client, timeout.Token).ConfigureAwait(false);
        PeerConnection? pc = null;
        try
        {
            var local = await PeerSetup.LocalAddressAsync(options, timeout.Token).ConfigureAwait(false);
            var session = await client.CreateSessionAsync(timeout.Token).ConfigureAwait(false);
            var handle = await session.AttachAsync(JanusPlugins.EchoTest, ct: timeout.Token).ConfigureAwait(false);
            pc = PeerConnection.CreateOfferer(PeerSetup.PeerOptions(options, local));
            var reliableChannel = pc.CreateDataChannel(ReliableLabel);
            var lossyChannel = pc.CreateDataChannel(LossyLabel, ordered: false, maxRetransmits: 0);
            reliableChannel.OnMessage = (_, message, _, receivedNs) => reliable.OnData(message, receivedNs);
            lossyChannel.OnMessage = (_, message, _, receivedNs) => lossy.OnData(message, receivedNs);
            var reply = await handle.SendAsync(EchoTestRequest.DataOnly, JanusJsep.Offer(pc.CreateOffer()), timeout.Token).ConfigureAwait(false);
            if (reply.Jsep is not { IsAnswer: true } answer)
            {
                throw new JanusProtocolException("the EchoTest answered without a JSEP answer.");
            }

            pc.SetRemoteAnswer(answer.Sdp);
            await PeerSetup.ConnectedAsync(pc, handle, "EchoTest", timeout.Token).ConfigureAwait(false);
            await PeerSetup.OpenAsync(reliableChannel, "reliable", timeout.Token).ConfigureAwait(false);
            await PeerSetup.OpenAsync(lossyChannel, "lossy", timeout.Token).ConfigureAwait(false);
            return new EchoTestDataParticipant(client, session, handle, pc, reliableChannel, lossyChannel);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            await Abandon(client, pc).ConfigureAwait(false);
            throw new JanusTimeoutException($"connecting to the EchoTest did not finish within {options.JoinTimeout.TotalSeconds:0} s.");
        }
        catch
        {
            await Abandon(client, pc).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Sends one binary message on the reliable channel; false when it could not be queued. Does not allocate.</summary>
    public bool SendReliable(ReadOnlySpan<byte> message) => _reliable.Send(message);

    /// <summary>Sends one binary message on the lossy channel; false when it could not be queued. Does not allocate.</summary>
    public bool SendLossy(ReadOnlySpan<byte> message) => _lossy.Send(message);

    /// <summary>Leaves: destroys the session (Janus hangs up and detaches the handle) and closes our connection.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _ended.TrySetResult("left");
        await _session.DisposeAsync().ConfigureAwait(false);
        await _pc.DisposeAsync().ConfigureAwait(false);
        await _client.DisposeAsync().ConfigureAwait(false);
    }

    private void Watch(Task<string> reason) => reason.ContinueWith(t => _ended.TrySetResult(t.Result), TaskScheduler.Default);

    private static async Task Abandon(JanusClient client, PeerConnection? pc)
    {
        if (pc is not null)
        {
            await pc.DisposeAsync().ConfigureAwait(false);
        }

        await client.DisposeAsync().ConfigureAwait(false); // Destroys the session in Janus: its handle goes with it.
    }
}
