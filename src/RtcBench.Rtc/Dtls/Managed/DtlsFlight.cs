namespace RtcBench.Rtc.Dtls;

/// <summary>
/// One flight of our handshake (RFC 6347 §4.2.4) and its retransmission timer: the messages are kept (bodies, with
/// their message_seq) and written again as new records on every resend. The timer starts at
/// <see cref="InitialTimeoutNs"/> (1 s, as RFC 6347 and BouncyCastle's <c>DtlsReliableHandshake</c>) and doubles up to
/// <see cref="MaxTimeoutNs"/> (60 s). A final flight has no timer: it is sent again, byte for byte, only when the
/// peer retransmits.
/// </summary>
internal sealed class DtlsFlight
{
    internal const long InitialTimeoutNs = 1_000_000_000;
    internal const long MaxTimeoutNs = 60_000_000_000;

    private long _timeoutNs;

    internal DtlsFlight(bool retransmits, long initialTimeoutNs = InitialTimeoutNs)
    {
        Retransmits = retransmits;
        _timeoutNs = initialTimeoutNs;
    }

    internal List<Entry> Entries { get; } = [];

    /// <summary>A final flight's datagrams as first sent: replays repeat them byte for byte.</summary>
    internal List<byte[]> Sent { get; } = [];

    internal bool Retransmits { get; }

    /// <summary>When the timer fires, or long.MaxValue when stopped (or a final flight).</summary>
    internal long DeadlineNs { get; private set; } = long.MaxValue;

    internal int Sends { get; private set; }

    internal void AddHandshake(byte type, int messageSequence, byte[] body, bool encrypted) =>
        Entries.Add(new Entry(DtlsWire.Handshake, type, messageSequence, body, encrypted));

    internal void AddChangeCipherSpec() => Entries.Add(new Entry(DtlsWire.ChangeCipherSpec, 0, 0, [1], false));

    /// <summary>Called on each send: arms the timer (doubling it after the first send).</summary>
    internal void OnSent(long nowNs)
    {
        if (Sends > 0)
        {
            _timeoutNs = Math.Min(_timeoutNs * 2, MaxTimeoutNs);
        }

        Sends++;
        DeadlineNs = Retransmits ? nowNs + _timeoutNs : long.MaxValue;
    }

    /// <summary>The peer's next flight arrived: no more timed resends.</summary>
    internal void Stop() => DeadlineNs = long.MaxValue;

    internal readonly record struct Entry(byte ContentType, byte HandshakeType, int MessageSequence, byte[] Body, bool Encrypted);
}
