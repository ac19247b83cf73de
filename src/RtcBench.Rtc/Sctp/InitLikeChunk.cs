using System.Buffers.Binary;

namespace RtcBench.Rtc.Sctp;

/// <summary>
/// The shared layout of INIT (RFC 9260 §3.3.2) and INIT-ACK (§3.3.3): initiate tag, advertised receiver window
/// credit, number of outbound streams, number of inbound streams, initial TSN, then optional parameters.
/// </summary>
internal abstract class InitLikeChunk : SctpChunk
{
    public const int FixedLength = 20;

    public uint InitiateTag { get; init; }

    public uint AdvertisedReceiverWindow { get; init; }

    public ushort OutboundStreams { get; init; }

    public ushort InboundStreams { get; init; }

    public uint InitialTsn { get; init; }

    public IReadOnlyList<SctpTlv> Parameters { get; init; } = [];

    public override int Length => FixedLength + SctpTlv.TotalLength(Parameters);

    public SctpTlv? Find(ushort type)
    {
        foreach (var p in Parameters)
        {
            if (p.Type == type)
            {
                return p;
            }
        }

        return null;
    }

    public bool SupportsForwardTsn => Find(SctpParameterType.ForwardTsnSupported) is not null || ListsExtension(SctpChunkType.ForwardTsn);

    public bool SupportsReConfig => ListsExtension(SctpChunkType.ReConfig);

    private bool ListsExtension(byte chunkType) =>
        Find(SctpParameterType.SupportedExtensions) is { } ext && Array.IndexOf(ext.Value, chunkType) >= 0;

    public override void Write(Span<byte> dest)
    {
        WriteHeader(dest, Type, 0, Length);
        BinaryPrimitives.WriteUInt32BigEndian(dest[4..], InitiateTag);
        BinaryPrimitives.WriteUInt32BigEndian(dest[8..], AdvertisedReceiverWindow);
        BinaryPrimitives.WriteUInt16BigEndian(dest[12..], OutboundStreams);
        BinaryPrimitives.WriteUInt16BigEndian(dest[14..], InboundStreams);
        BinaryPrimitives.WriteUInt32BigEndian(dest[16..], InitialTsn);
        SctpTlv.WriteAll(Parameters, dest[FixedLength..]);
    }

    protected static bool TryReadFields(ReadOnlySpan<byte> chunk, byte type, out uint tag, out uint arwnd,
        out ushort os, out ushort mis, out uint tsn, out List<SctpTlv> parameters)
    {
        tag = arwnd = tsn = 0;
        os = mis = 0;
        parameters = [];
        if (!TryHeader(chunk, type, FixedLength, out _, out var v))
        {
            return false;
        }

        tag = BinaryPrimitives.ReadUInt32BigEndian(v);
        arwnd = BinaryPrimitives.ReadUInt32BigEndian(v[4..]);
        os = BinaryPrimitives.ReadUInt16BigEndian(v[8..]);
        mis = BinaryPrimitives.ReadUInt16BigEndian(v[10..]);
        tsn = BinaryPrimitives.ReadUInt32BigEndian(v[12..]);
        return SctpTlv.TryReadAll(v[16..], parameters);
    }
}
