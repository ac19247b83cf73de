using System.Net;

namespace RtcBench.Rtc.Peer;

internal enum PeerInputKind
{
    /// <summary>A STUN datagram (pooled buffer) from <see cref="PeerInput.From"/>, received at <see cref="PeerInput.Ns"/>.</summary>
    Stun,

    /// <summary>A DTLS datagram that could not go straight to the DTLS session (no selected pair yet); through the
    /// relay when <see cref="PeerInput.Relayed"/>.</summary>
    Dtls,

    /// <summary>A datagram from our TURN server (pooled buffer): STUN or ChannelData for the TURN client.</summary>
    Turn,

    /// <summary>Decrypted application data (an SCTP packet) and the receive time of the datagram that carried it.</summary>
    SctpPacket,

    /// <summary>The loop timer fired.</summary>
    Wake,

    /// <summary>A user message (pooled buffer) for channel <see cref="PeerInput.Ref"/> with PPID <see cref="PeerInput.Ppid"/>.</summary>
    Send,

    /// <summary>Run <see cref="PeerInput.Ref"/> (an <see cref="Action"/>) on the loop.</summary>
    Control,
}

/// <summary>One input of the per-session event loop. A struct, so the bounded channel stores it without allocating.</summary>
internal readonly record struct PeerInput(
    PeerInputKind Kind,
    byte[]? Buffer = null,
    int Length = 0,
    IPEndPoint? From = null,
    long Ns = 0,
    uint Ppid = 0,
    object? Ref = null,
    bool Relayed = false)
{
    public static PeerInput Wake => new(PeerInputKind.Wake);
}
