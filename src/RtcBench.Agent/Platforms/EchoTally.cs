namespace RtcBench.Agent.Platforms;

/// <summary>
/// The one rule every echo room counts by (udp, direct, livekit, janus). A valid ping is activity, which keeps a room
/// from idling out. Its pong is counted as echoed <em>before</em> it leaves — so whoever has received the pong also
/// sees it counted — and taken back, as a failed send, if the send fails. A message that is not a ping the room can
/// answer is dropped and counted, never answered. Written by the thread that echoes for the room, read by any.
/// </summary>
internal sealed class EchoTally
{
    private const long NoActivity = long.MinValue;

    private long _echoed;
    private long _dropped;
    private long _sendFailed;
    private long _lastActivityNs = NoActivity;

    /// <summary>Pongs sent.</summary>
    public long Echoed => Interlocked.Read(ref _echoed);

    /// <summary>Messages that were not a ping this room could answer (malformed, expired, too large to answer).</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Pongs the transport refused (the peer or session went away under us).</summary>
    public long SendFailed => Interlocked.Read(ref _sendFailed);

    public PlatformRoomActivity Activity
    {
        get
        {
            long last = Volatile.Read(ref _lastActivityNs);
            return new PlatformRoomActivity(Echoed, last == NoActivity ? null : last);
        }
    }

    /// <summary>A valid ping whose pong is about to be sent: activity at <paramref name="nowNs"/>, counted as echoed.</summary>
    public void Answering(long nowNs)
    {
        Volatile.Write(ref _lastActivityNs, nowNs);
        Interlocked.Increment(ref _echoed);
    }

    /// <summary>Takes back an <see cref="Answering"/> whose pong was not sent.</summary>
    public void NotSent()
    {
        Interlocked.Decrement(ref _echoed);
        Interlocked.Increment(ref _sendFailed);
    }

    /// <summary>A valid ping that is not answered now (a fault injected, a pong delayed): still activity.</summary>
    public void Seen(long nowNs) => Volatile.Write(ref _lastActivityNs, nowNs);

    /// <summary>A message that is not a ping this room can answer.</summary>
    public void Drop() => Interlocked.Increment(ref _dropped);
}
