using System.Threading.Channels;
using RtcBench.LiveKit.Protocol;
using RtcBench.LiveKit.Signalling;
using RtcBench.Rtc.Peer;

namespace RtcBench.LiveKit.Participant;

/// <summary>
/// Trickles one peer connection's local candidates to the server with its <see cref="SignalTarget"/>: those it has
/// when our description is out (the host candidate), then each one gathered later (the TURN relay candidate, raised
/// by <see cref="PeerConnection.LocalCandidateGathered"/> on the thread that drove the connection, under its lock). The handler only queues —
/// the connection never waits on the WebSocket — and one task sends in order. Each candidate is sent once: the subscription
/// comes before <see cref="PeerConnection.LocalCandidates"/> is read, so a candidate gathered in between is seen
/// twice and sent once. Runs until the connection ends or <see cref="Stop"/>.
/// </summary>
internal sealed class LocalTrickle
{
    private readonly PeerConnection _peer;
    private readonly SignalTarget _target;
    private readonly Func<SignalRequest, ValueTask<bool>> _send;
    private readonly Channel<string> _gathered = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });
    private readonly HashSet<string> _sent = new(StringComparer.Ordinal);
    private readonly Action<PeerConnection, string> _onGathered;
    private string _mid = "0";
    private string? _ufrag;
    private long _count;

    public LocalTrickle(PeerConnection peer, SignalTarget target, Func<SignalRequest, ValueTask<bool>> send)
    {
        _peer = peer;
        _target = target;
        _send = send;
        _onGathered = (_, candidate) => _gathered.Writer.TryWrite(candidate);
    }

    /// <summary>Candidates sent so far.</summary>
    public long Sent => Interlocked.Read(ref _count);

    /// <summary>Completes when the sending task has stopped (after <see cref="Stop"/> or the connection's end).</summary>
    public Task Completion { get; private set; } = Task.CompletedTask;

    /// <summary>Sends the candidates the connection has now, then starts sending later ones. Call once, after our description is sent.</summary>
    public async Task StartAsync()
    {
        _mid = TrickleCandidate.MidOf(_peer.LocalDescription);
        _ufrag = TrickleCandidate.UfragOf(_peer.LocalDescription);
        _peer.LocalCandidateGathered += _onGathered;
        _ = _peer.WhenEnded.ContinueWith(_ => Stop(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        foreach (string candidate in PeerTrickle.Local(_peer))
        {
            await SendOnceAsync(candidate).ConfigureAwait(false);
        }

        Completion = Task.Run(PumpAsync);
    }

    /// <summary>Stops taking candidates; the queue is drained by the sending task (a send to a closed socket is a no-op).</summary>
    public void Stop()
    {
        _peer.LocalCandidateGathered -= _onGathered;
        _gathered.Writer.TryComplete();
    }

    private async Task PumpAsync()
    {
        await foreach (string candidate in _gathered.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            await SendOnceAsync(candidate).ConfigureAwait(false);
        }
    }

    private async ValueTask SendOnceAsync(string candidate)
    {
        lock (_sent)
        {
            if (!_sent.Add(candidate))
            {
                return;
            }
        }

        var request = new SignalRequest
        {
            Trickle = new TrickleRequest { CandidateInit = TrickleCandidate.ToJson(candidate, _mid, 0, _ufrag), Target = _target },
        };
        try
        {
            if (await _send(request).ConfigureAwait(false))
            {
                Interlocked.Increment(ref _count);
            }
        }
        catch (ObjectDisposedException)
        {
            // The signal connection is already released (the session is over): nothing to trickle to.
        }
    }
}
