using System.Net;
using RtcBench.Rtc.Stun;

namespace RtcBench.Rtc.Turn;

/// <summary>
/// One outstanding TURN request and its retransmission schedule (RFC 8489 §6.2.1): sent at 0, RTO, 3·RTO, 7·RTO…
/// up to Rc transmissions, then a final wait of Rm·RTO before it times out. A 401/438 retry is a new transaction.
/// </summary>
internal sealed class TurnTransaction(TurnRequestKind kind, StunTransactionId id, byte[] payload, bool authenticated)
{
    public TurnRequestKind Kind { get; } = kind;

    public StunTransactionId Id { get; } = id;

    public byte[] Payload { get; } = payload;

    /// <summary>Carried USERNAME/REALM/NONCE/MESSAGE-INTEGRITY: a 401 to it means the credentials are wrong.</summary>
    public bool Authenticated { get; } = authenticated;

    /// <summary>CreatePermission / ChannelBind: the peer.</summary>
    public IPEndPoint? Peer { get; init; }

    /// <summary>ChannelBind: the channel number.</summary>
    public ushort Channel { get; init; }

    /// <summary>Refresh: the LIFETIME asked for (0 deallocates).</summary>
    public uint Lifetime { get; init; }

    /// <summary>How many 438s led to this transaction.</summary>
    public int StaleRetries { get; init; }

    public int Transmissions { get; private set; }

    public long DeadlineNs { get; private set; }

    public void Sent(long nowNs, TurnClientOptions options)
    {
        Transmissions++;
        DeadlineNs = Transmissions < options.MaxTransmissions
            ? nowNs + (options.InitialRtoNs << (Transmissions - 1))
            : nowNs + (options.LastWaitMultiplier * options.InitialRtoNs);
    }
}
