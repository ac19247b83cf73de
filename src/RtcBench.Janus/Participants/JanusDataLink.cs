using System.Net;
using System.Net.Sockets;
using RtcBench.Janus.Client;
using RtcBench.Rtc.Net;
using RtcBench.Rtc.Peer;
using RtcBench.Rtc.Sdp;

namespace RtcBench.Janus.Participants;

/// <summary>
/// The data-channel plumbing every Janus data participant shares, so that each participant keeps only its plugin's
/// signalling: one API client and session, the peer connections made through it, the waits for a connection and a
/// channel, why the participant ended, and the order things are closed in. <see cref="JoinAsync{T}"/> bounds a whole
/// join by <see cref="JanusParticipantOptions.JoinTimeout"/> and closes whatever the join made if it fails.
/// </summary>
internal sealed class JanusDataLink : IAsyncDisposable
{
    private readonly JanusClient _client;
    private readonly IPAddress _localAddress;
    private readonly List<PeerConnection> _peers = [];
    private readonly TaskCompletionSource<string> _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _disposed;

    private JanusDataLink(JanusParticipantOptions options, JanusClient client, JanusSession session, IPAddress localAddress)
    {
        Options = options;
        _client = client;
        Session = session;
        _localAddress = localAddress;
        Watch(session.WhenEnded.ContinueWith(t => $"the Janus session ended ({t.Result})", TaskScheduler.Default));
    }

    public JanusParticipantOptions Options { get; }

    public JanusSession Session { get; }

    /// <summary>Completes once, with why the participant can no longer send or receive.</summary>
    public Task<string> WhenEnded => _ended.Task;

    /// <summary>
    /// Connects to Janus, creates a session and runs <paramref name="join"/> (the plugin's part) on it, all within the
    /// join timeout: running out of it is a <see cref="JanusTimeoutException"/> saying "<paramref name="what"/> did not
    /// finish"; any failure closes the peers made so far and the client (which destroys the session in Janus, and its
    /// handles with it).
    /// </summary>
    public static async Task<T> JoinAsync<T>(JanusParticipantOptions options, string what, Func<JanusDataLink, CancellationToken, Task<T>> join, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(options);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(options.JoinTimeout);
        var client = await JanusClient.ConnectAsync(options.Client, timeout.Token).ConfigureAwait(false);
        JanusDataLink? link = null;
        try
        {
            var local = await LocalAddressAsync(options, timeout.Token).ConfigureAwait(false);
            var session = await client.CreateSessionAsync(timeout.Token).ConfigureAwait(false);
            link = new JanusDataLink(options, client, session, local);
            return await join(link, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            await AbandonAsync(client, link).ConfigureAwait(false);
            throw new JanusTimeoutException($"{what} did not finish within {options.JoinTimeout.TotalSeconds:0} s.");
        }
        catch
        {
            await AbandonAsync(client, link).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>A peer connection that offers to Janus, closed with this link.</summary>
    public PeerConnection CreateOfferer() => Add(PeerConnection.CreateOfferer(PeerOptions(_localAddress)));

    /// <summary>A peer connection that answers Janus's offer as DTLS client with a full ICE agent (Janus is ICE-lite), closed with this link.</summary>
    public PeerConnection AcceptOffer(string offerSdp) => Add(PeerConnection.AcceptOffer(offerSdp, PeerOptions(_localAddress) with
    {
        AnswerSetup = SdpSetup.Active,
        AnswererIceMode = AnswererIceMode.Full,
    }));

    /// <summary>Waits until <paramref name="pc"/> is connected; Janus hanging up <paramref name="handle"/> first, or our failure, throws.</summary>
    public static async Task ConnectedAsync(PeerConnection pc, JanusHandle handle, string what, CancellationToken ct)
    {
        var first = await Task.WhenAny(pc.WhenConnected, handle.WhenHungUp).WaitAsync(ct).ConfigureAwait(false);
        if (first == handle.WhenHungUp)
        {
            throw new JanusPeerException($"Janus hung up the {what} connection ({(await handle.WhenHungUp.ConfigureAwait(false)).Reason}) before it was up.");
        }

        var outcome = await pc.WhenConnected.ConfigureAwait(false);
        if (!outcome.Connected)
        {
            throw new JanusPeerException($"our {what} connection to Janus failed: {outcome}.");
        }
    }

    /// <summary>Waits until Janus has acknowledged <paramref name="channel"/>; a refusal throws.</summary>
    public static async Task OpenAsync(DataChannel channel, string what, CancellationToken ct)
    {
        if (!await channel.WhenOpen.WaitAsync(ct).ConfigureAwait(false))
        {
            throw new JanusPeerException($"Janus did not acknowledge our {what} data channel '{channel.Label}'.");
        }
    }

    /// <summary>From now on, Janus hanging up <paramref name="handle"/> or <paramref name="pc"/> ending ends the participant.</summary>
    public void Watch(JanusHandle handle, PeerConnection pc, string what)
    {
        Watch(handle.WhenHungUp.ContinueWith(t => $"Janus hung up the {what} connection ({t.Result.Reason})", TaskScheduler.Default));
        Watch(pc.WhenEnded.ContinueWith(t => $"the {what} connection ended ({t.Result})", TaskScheduler.Default));
    }

    /// <summary>Ends the participant with <paramref name="reason"/>, unless it has already ended.</summary>
    public void End(string reason) => _ended.TrySetResult(reason);

    /// <summary>Leaves: destroys the session (Janus hangs up and detaches its handles), then closes our connections, newest first, and the client.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        End("left");
        await Session.DisposeAsync().ConfigureAwait(false);
        await DisposePeersAsync().ConfigureAwait(false);
        await _client.DisposeAsync().ConfigureAwait(false);
    }

    private PeerConnection Add(PeerConnection pc)
    {
        lock (_peers)
        {
            _peers.Add(pc);
        }

        return pc;
    }

    private async Task DisposePeersAsync()
    {
        PeerConnection[] peers;
        lock (_peers)
        {
            peers = [.. _peers];
        }

        for (int i = peers.Length - 1; i >= 0; i--)
        {
            await peers[i].DisposeAsync().ConfigureAwait(false);
        }
    }

    private void Watch(Task<string> reason) => reason.ContinueWith(t => _ended.TrySetResult(t.Result), TaskScheduler.Default);

    private PeerConnectionOptions PeerOptions(IPAddress local)
    {
        var peer = new PeerConnectionOptions { LocalAddress = local };
        return Options.PeerPhaseTimeout is { } t
            ? peer with { IceTimeout = t, DtlsTimeout = t, SctpTimeout = t, ChannelOpenTimeout = t }
            : peer;
    }

    private static async Task AbandonAsync(JanusClient client, JanusDataLink? link)
    {
        if (link is not null)
        {
            await link.DisposePeersAsync().ConfigureAwait(false);
        }

        await client.DisposeAsync().ConfigureAwait(false); // Destroys the session in Janus: its handles go with it.
    }

    private static async Task<IPAddress> LocalAddressAsync(JanusParticipantOptions options, CancellationToken ct)
    {
        if (options.LocalAddress is { } given)
        {
            return given;
        }

        string host = options.Client.Url.Host;
        IPAddress remote;
        try
        {
            remote = await HostRoute.ResolveAsync(host, ct).ConfigureAwait(false);
        }
        catch (SocketException ex)
        {
            throw new JanusTransportException($"cannot resolve the Janus host '{host}': {ex.Message}", ex);
        }

        try
        {
            return HostRoute.SourceTowards(remote);
        }
        catch (SocketException ex)
        {
            throw new JanusTransportException($"no route to the Janus host '{host}': {ex.Message}", ex);
        }
    }
}
