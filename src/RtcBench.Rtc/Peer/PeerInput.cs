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

    /// <summary>A user message (pooled buffer) for <see cref="PeerInput.Channel"/> with PPID <see cref="PeerInput.Ppid"/>.</summary>
    Send,

    /// <summary>Run <see cref="PeerInput.Action"/> on the loop.</summary>
    Control,
}

/// <summary>
/// One input of the per-session event loop. A struct, so the bounded channel stores it without allocating; built only
/// through the factories, so each kind carries exactly its own typed fields (no <c>object</c> cast back on the loop).
/// </summary>
internal readonly struct PeerInput
{
    private PeerInput(PeerInputKind kind, byte[]? buffer = null, int length = 0, IPEndPoint? from = null, long ns = 0,
        bool relayed = false, uint ppid = 0, DataChannel? channel = null, Action? action = null)
    {
        Kind = kind;
        Buffer = buffer;
        Length = length;
        From = from;
        Ns = ns;
        Relayed = relayed;
        Ppid = ppid;
        Channel = channel;
        Action = action;
    }

    public PeerInputKind Kind { get; }

    /// <summary>Pooled (ArrayPool.Shared): the datagram, SCTP packet or user message; the loop returns it.</summary>
    public byte[]? Buffer { get; }

    public int Length { get; }

    /// <summary>Datagrams: the remote endpoint (for relayed ones, the peer's address as the relay reported it).</summary>
    public IPEndPoint? From { get; }

    /// <summary>Datagrams and SCTP packets: the socket's receive time (monotonic ns).</summary>
    public long Ns { get; }

    /// <summary>Datagrams: arrived through our TURN relay.</summary>
    public bool Relayed { get; }

    /// <summary><see cref="PeerInputKind.Send"/>: the message's PPID.</summary>
    public uint Ppid { get; }

    /// <summary><see cref="PeerInputKind.Send"/>: the channel the message goes out on.</summary>
    public DataChannel? Channel { get; }

    /// <summary><see cref="PeerInputKind.Control"/>: what to run on the loop.</summary>
    public Action? Action { get; }

    public static PeerInput Wake => new(PeerInputKind.Wake);

    /// <summary>A received datagram (<see cref="PeerInputKind.Stun"/>, <see cref="PeerInputKind.Dtls"/>,
    /// <see cref="PeerInputKind.Turn"/>) or a decrypted <see cref="PeerInputKind.SctpPacket"/> (no <paramref name="from"/>).</summary>
    public static PeerInput Datagram(PeerInputKind kind, byte[] buffer, int length, IPEndPoint? from, long receivedNs, bool relayed = false) =>
        new(kind, buffer, length, from, receivedNs, relayed);

    public static PeerInput Send(DataChannel channel, byte[] buffer, int length, uint ppid) =>
        new(PeerInputKind.Send, buffer, length, ppid: ppid, channel: channel);

    public static PeerInput Control(Action action) => new(PeerInputKind.Control, action: action);
}
