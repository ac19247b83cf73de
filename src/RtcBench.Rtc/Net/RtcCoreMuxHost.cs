using System.Net;
using RtcBench.Rtc.Core;

namespace RtcBench.Rtc.Net;

/// <summary>Called for every event of an <see cref="RtcCoreMuxHost"/> (not transmits or timeouts), under its lock, on
/// the thread that caused it: the mux's receive thread for a message. It may call <see cref="RtcCoreMuxHost.Send"/>
/// (an echo, with no thread hand-off). <paramref name="output"/>'s bytes are valid during the call only.</summary>
public delegate void RtcCoreEventHandler(RtcCoreMuxHost host, in RtcOutput output);

/// <summary>
/// Runs one <see cref="RtcCore"/> on a <see cref="UdpMux"/> session: the shell the agent's direct echo can run on. The
/// mux's receive thread hands each datagram to the core with its socket receive time and drains the outputs at once:
/// transmits go out on the shared socket (their destination claimed first, so the peer's DTLS is routed back here),
/// events go to the handler on that same thread. A <see cref="TimeProvider"/> timer feeds the core's deadline. A
/// re-entrant lock serialises the receive thread, the timer and callers of <see cref="Send"/> / <see cref="Close"/>
/// (uncontended but when a timer fires during a datagram). No thread or task of its own.
/// </summary>
public sealed class RtcCoreMuxHost : IRtcDatagramHandler, IDisposable
{
    private readonly Lock _lock = new();
    private readonly RtcCore _core;
    private readonly UdpMuxSession _session;
    private readonly Func<long> _clock;
    private readonly RtcCoreEventHandler _onEvent;
    private readonly RtcDeadlineTimer _timer;
    private readonly TaskCompletionSource<RtcOutput> _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _disposed;

    /// <summary>
    /// Registers on <paramref name="mux"/> under <see cref="RtcCoreOptions.LocalIce"/>'s ufrag (throws
    /// <see cref="InvalidOperationException"/> if taken). <see cref="RtcCoreOptions.LocalEndpoint"/> must be the mux's.
    /// </summary>
    public RtcCoreMuxHost(UdpMux mux, RtcCoreOptions options, Func<long> clock, TimeProvider time, RtcCoreEventHandler onEvent)
    {
        ArgumentNullException.ThrowIfNull(mux);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(onEvent);
        _core = new RtcCore(options);
        _clock = clock;
        _onEvent = onEvent;
        _timer = new RtcDeadlineTimer(time, clock, static s => ((RtcCoreMuxHost)s!).OnTimer(), this);
        bool registered = false;
        try
        {
            registered = mux.TryRegister(options.LocalIce.Ufrag, this, serialized: true, out _session); // Receive locks _lock
        }
        finally
        {
            if (!registered)
            {
                _timer.Dispose();
                _core.Dispose();
            }
        }

        if (!registered)
        {
            throw new InvalidOperationException($"The ufrag {options.LocalIce.Ufrag} is already registered on this mux.");
        }

        lock (_lock)
        {
            _core.HandleInput(_clock(), RtcInput.Timeout); // start: the lite responder's and ICE's clocks run from here
            Drain();
        }
    }

    public UdpMuxSession Session => _session;

    /// <summary>Completes with the terminal output (Failed or Closed).</summary>
    public Task<RtcOutput> WhenEnded => _ended.Task;

    public RtcCoreState State
    {
        get
        {
            lock (_lock)
            {
                return _core.State;
            }
        }
    }

    /// <summary>The core itself, for diagnostics: read it only under the host's own callbacks or after it ended.</summary>
    public RtcCore Core => _core;

    /// <summary>Opens a channel (see <see cref="RtcCore.OpenChannel"/>); thread-safe.</summary>
    public int OpenChannel(RtcChannelOptions options)
    {
        lock (_lock)
        {
            int id = _core.OpenChannel(_clock(), options);
            Drain();
            return id;
        }
    }

    /// <summary>Sends a message; thread-safe, and allowed from inside the event handler (the echo). False when refused.</summary>
    public bool Send(int channel, ReadOnlySpan<byte> message, bool isText)
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return false;
            }

            bool sent = _core.HandleInput(_clock(), RtcInput.Send(channel, message, isText));
            Drain();
            return sent;
        }
    }

    /// <summary>Starts a graceful close (SCTP SHUTDOWN, then close_notify); <see cref="WhenEnded"/> completes when done.</summary>
    public void Close()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _core.HandleInput(_clock(), RtcInput.Close);
            Drain();
        }
    }

    void IRtcDatagramHandler.OnStun(ReadOnlySpan<byte> datagram, IPEndPoint from, long receivedNs) => Receive(datagram, from, receivedNs);

    void IRtcDatagramHandler.OnDtls(ReadOnlySpan<byte> datagram, IPEndPoint from, long receivedNs) => Receive(datagram, from, receivedNs);

    /// <summary>Frees the mux session and the timer (no goodbye: <see cref="Close"/> first for that).</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _timer.Dispose();
            _session.Dispose();
            _core.Dispose();
        }
    }

    private void Receive(ReadOnlySpan<byte> datagram, IPEndPoint from, long receivedNs)
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _core.HandleInput(receivedNs, RtcInput.Receive(datagram, from, _core.Options.LocalEndpoint));
            Drain();
        }
    }

    private void OnTimer()
    {
        lock (_lock)
        {
            _timer.Fired();
            if (_disposed)
            {
                return;
            }

            _core.HandleInput(_clock(), RtcInput.Timeout);
            Drain();
        }
    }

    /// <summary>Under the lock: everything the core has to say, then the timer for its deadline.</summary>
    private void Drain()
    {
        while (true)
        {
            var output = _core.PollOutput();
            switch (output.Kind)
            {
                case RtcOutputKind.Transmit:
                    var destination = output.Destination!;
                    if (!_session.Owns(destination))
                    {
                        _session.Claim(destination); // before the answer leaves: the peer's reply is routed here
                    }

                    _session.SendTo(output.Data.Span, destination);
                    break;
                case RtcOutputKind.Timeout:
                    _timer.Arm(output.TimeoutNs);
                    return;
                default:
                    try
                    {
                        _onEvent(this, output);
                    }
                    catch (Exception e) when (e is not OutOfMemoryException)
                    {
                        // A throwing handler must not kill the receive thread; the core goes on.
                    }

                    if (output.Kind is RtcOutputKind.Failed or RtcOutputKind.Closed)
                    {
                        _ended.TrySetResult(output);
                    }

                    break;
            }
        }
    }
}
