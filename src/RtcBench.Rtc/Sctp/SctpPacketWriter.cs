using System.Buffers;

namespace RtcBench.Rtc.Sctp;

/// <summary>
/// Bundles chunks into one packet no larger than a maximum size (RFC 9260 §6.10), pads each chunk to 4 bytes
/// and seals the CRC32c.
/// </summary>
internal sealed class SctpPacketWriter
{
    private readonly byte[] _buffer;
    private int _length;

    public SctpPacketWriter(int maxPacketSize)
    {
        _buffer = new byte[maxPacketSize];
        _length = SctpCommonHeader.Length;
    }

    public int MaxPacketSize => _buffer.Length;

    public int Remaining => _buffer.Length - _length;

    public bool IsEmpty => _length == SctpCommonHeader.Length;

    public int ChunkCount { get; private set; }

    public static int Padded(int length) => (length + 3) & ~3;

    public bool Fits(SctpChunk chunk) => Padded(chunk.Length) <= Remaining;

    public bool TryAdd(SctpChunk chunk)
    {
        ArgumentNullException.ThrowIfNull(chunk);
        var len = chunk.Length;
        var padded = Padded(len);
        if (padded > Remaining)
        {
            return false;
        }

        chunk.Write(_buffer.AsSpan(_length, len));
        _buffer.AsSpan(_length + len, padded - len).Clear();
        _length += padded;
        ChunkCount++;
        return true;
    }

    /// <summary>Returns the sealed packet and resets the writer for the next one.</summary>
    public byte[] Finish(SctpCommonHeader header)
    {
        var packet = _buffer.AsSpan(0, _length).ToArray();
        header.Write(packet);
        SctpCommonHeader.Seal(packet);
        _length = SctpCommonHeader.Length;
        ChunkCount = 0;
        return packet;
    }

    /// <summary>Like <see cref="Finish"/>, into a buffer rented from <see cref="ArrayPool{T}.Shared"/> (the caller returns it).</summary>
    public byte[] FinishPooled(SctpCommonHeader header, out int length)
    {
        length = _length;
        var packet = ArrayPool<byte>.Shared.Rent(_length);
        _buffer.AsSpan(0, _length).CopyTo(packet);
        header.Write(packet);
        SctpCommonHeader.Seal(packet.AsSpan(0, _length));
        _length = SctpCommonHeader.Length;
        ChunkCount = 0;
        return packet;
    }

    /// <summary>Builds a packet from the given chunks in one call (they must fit).</summary>
    public static byte[] Build(SctpCommonHeader header, params SctpChunk[] chunks)
    {
        ArgumentNullException.ThrowIfNull(chunks);
        var size = SctpCommonHeader.Length;
        foreach (var c in chunks)
        {
            size += Padded(c.Length);
        }

        var w = new SctpPacketWriter(size);
        foreach (var c in chunks)
        {
            w.TryAdd(c);
        }

        return w.Finish(header);
    }
}
