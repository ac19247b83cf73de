namespace RtcBench.Rtc.Dtls;

/// <summary>
/// Reassembles the peer's handshake messages from fragments and hands them out in message_seq order (RFC 6347
/// §4.2.2, §4.2.3): fragments may overlap, repeat and arrive out of order; a message is released once every byte
/// arrived. Messages below the next expected sequence are retransmissions (the caller may answer with its own last
/// flight); those too far ahead are dropped. Bounded: at most <see cref="Window"/> messages of at most
/// <see cref="MaxMessageLength"/> bytes are held. Handshake only; allocates per message.
/// </summary>
internal sealed class DtlsHandshakeReassembler
{
    internal const int Window = 8;
    internal const int MaxMessageLength = 16 * 1024;

    private readonly Dictionary<int, Partial> _pending = [];

    /// <summary>The message_seq the next released message carries.</summary>
    internal int NextSequence { get; set; }

    internal enum Outcome
    {
        Accepted,
        Retransmission,
        Dropped,
    }

    /// <summary>
    /// Takes one fragment (handshake header included). <paramref name="epoch"/> is the epoch of the record that
    /// carried it; a message keeps the epoch of its first fragment (the Finished must come encrypted).
    /// </summary>
    internal Outcome Add(ReadOnlySpan<byte> fragment, int epoch, out int consumed)
    {
        consumed = 0;
        if (fragment.Length < DtlsHandshakeType.HeaderLength)
        {
            return Outcome.Dropped;
        }

        byte type = fragment[0];
        int length = ReadU24(fragment[1..]);
        int sequence = (fragment[4] << 8) | fragment[5];
        int offset = ReadU24(fragment[6..]);
        int fragmentLength = ReadU24(fragment[9..]);
        if (fragment.Length < DtlsHandshakeType.HeaderLength + fragmentLength || (long)offset + fragmentLength > length || length > MaxMessageLength)
        {
            return Outcome.Dropped;
        }

        consumed = DtlsHandshakeType.HeaderLength + fragmentLength;
        if (sequence < NextSequence)
        {
            return Outcome.Retransmission;
        }

        if (sequence >= NextSequence + Window)
        {
            return Outcome.Dropped;
        }

        if (!_pending.TryGetValue(sequence, out var partial))
        {
            partial = new Partial(type, length, epoch);
            _pending.Add(sequence, partial);
        }
        else if (partial.Type != type || partial.Body.Length != length)
        {
            return Outcome.Dropped; // inconsistent with what we already hold
        }

        partial.Fill(offset, fragment.Slice(DtlsHandshakeType.HeaderLength, fragmentLength));
        return Outcome.Accepted;
    }

    /// <summary>The next complete message in order, if it is here.</summary>
    internal bool TryTake(out byte type, out byte[] body, out int epoch)
    {
        if (_pending.TryGetValue(NextSequence, out var partial) && partial.Complete)
        {
            _pending.Remove(NextSequence);
            NextSequence++;
            type = partial.Type;
            body = partial.Body;
            epoch = partial.Epoch;
            return true;
        }

        type = 0;
        body = [];
        epoch = 0;
        return false;
    }

    internal static int ReadU24(ReadOnlySpan<byte> b) => (b[0] << 16) | (b[1] << 8) | b[2];

    private sealed class Partial(byte type, int length, int epoch)
    {
        private readonly bool[] _have = new bool[length];
        private int _missing = length;

        internal byte Type { get; } = type;

        internal byte[] Body { get; } = new byte[length];

        internal int Epoch { get; } = epoch;

        internal bool Complete => _missing == 0;

        internal void Fill(int offset, ReadOnlySpan<byte> bytes)
        {
            bytes.CopyTo(Body.AsSpan(offset));
            for (int i = 0; i < bytes.Length; i++)
            {
                if (!_have[offset + i])
                {
                    _have[offset + i] = true;
                    _missing--;
                }
            }
        }
    }
}
