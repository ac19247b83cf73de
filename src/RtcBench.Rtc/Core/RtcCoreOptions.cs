using System.Net;
using RtcBench.Rtc.Dtls;
using RtcBench.Rtc.Ice;

namespace RtcBench.Rtc.Core;

/// <summary>What one <see cref="RtcCore"/> needs: both sides' ICE credentials and DTLS identities (from the SDP
/// exchange), our host candidate (and optionally a TURN server for a relay candidate), and the timeouts. Validated by the <see cref="RtcCore"/> constructor.</summary>
public sealed record RtcCoreOptions
{
    /// <summary>Our host candidate: transmits go from here, and received datagrams must be addressed to it.</summary>
    public required IPEndPoint LocalEndpoint { get; init; }

    public required IceCredentials LocalIce { get; init; }

    public required IceCredentials RemoteIce { get; init; }

    public RtcIceMode IceMode { get; init; } = RtcIceMode.Lite;

    /// <summary>The full agent's role and tunables (<see cref="RtcIceMode.Full"/> only).</summary>
    public IceAgentOptions IceAgent { get; init; } = new();

    /// <summary>Lite: fail with <see cref="RtcFailureReason.IceTimeout"/> when no valid check arrived this long after start.</summary>
    public long IceTimeoutNs { get; init; } = 30 * RtcTime.NsPerSecond;

    /// <summary>Lite: consent expires this long after the last valid check (RFC 7675 §5.1: 30 s).</summary>
    public long ConsentTimeoutNs { get; init; } = IceLiteResponder.DefaultConsentTimeoutNs;

    /// <summary>From the SDP's <c>a=setup</c>: active is the DTLS client.</summary>
    public required DtlsRole DtlsRole { get; init; }

    public required DtlsCertificate Certificate { get; init; }

    /// <summary>The peer's <c>a=fingerprint</c>.</summary>
    public required DtlsFingerprint RemoteFingerprint { get; init; }

    /// <summary>The DTLS handshake must finish this long after ICE selected a pair.</summary>
    public long DtlsTimeoutNs { get; init; } = 10 * RtcTime.NsPerSecond;

    public IReadOnlyList<DtlsSrtpProfile> SrtpProfiles { get; init; } = DtlsSrtpProfiles.Default;

    /// <summary>Largest datagram we send (DTLS flights are fragmented to it; SCTP packets get it less 37 bytes of record).</summary>
    public int Mtu { get; init; } = 1200;

    /// <summary>Our SCTP port (<c>a=sctp-port</c>) and the peer's.</summary>
    public ushort SctpPort { get; init; } = 5000;

    public ushort RemoteSctpPort { get; init; } = 5000;

    /// <summary>The largest message we may send: the peer's <c>a=max-message-size</c> (65536 when it has none, RFC 8841).</summary>
    public int RemoteMaxMessageSize { get; init; } = 65536;

    /// <summary>SCTP must be established this long after DTLS connected.</summary>
    public long SctpTimeoutNs { get; init; } = 10 * RtcTime.NsPerSecond;

    /// <summary>Send INIT in either DTLS role (usrsctp, dcSCTP and Pion do; werift as ICE-controlled DTLS client waits for ours).</summary>
    public bool SendSctpInit { get; init; } = true;

    /// <summary>SCTP heartbeat interval on an idle association.</summary>
    public long SctpHeartbeatIntervalNs { get; init; } = 30 * RtcTime.NsPerSecond;

    /// <summary>A DCEP channel of ours not ACKed (nor used by the peer) this long after its OPEN is closed.</summary>
    public long ChannelOpenTimeoutNs { get; init; } = 10 * RtcTime.NsPerSecond;

    /// <summary>Seed of SCTP's tags, TSNs and cookie secret; random when null. Tests pass one for determinism.</summary>
    public int? RandomSeed { get; init; }

    /// <summary>Our SCTP receive window: room to reassemble the largest message we advertise (<c>a=max-message-size</c>).</summary>
    public int SctpReceiveWindow { get; init; } = 1 << 20;

    /// <summary>Tests only (PeerConnectionOptions.StreamIdRule): our DCEP stream ids as (first, step) instead of the
    /// RFC 8832 parity by DTLS role; emulates werift and Janus.</summary>
    internal (int First, int Step)? StreamIdRule { get; init; }

    /// <summary>A DCEP OPEN refused (label, stream, the channel holding the stream or null for 65535): the shell logs it.</summary>
    internal Action<string, ushort, RtcChannel?>? ChannelRefused { get; init; }

    /// <summary>
    /// A TURN client of <see cref="Turn"/>'s server that the shell already started before the remote description
    /// existed (PeerConnection gathers at creation, before its offer): the core takes it over as is (allocating,
    /// allocated or failed) instead of allocating anew, so the relay candidate already signalled stays the one ICE uses.
    /// </summary>
    internal Turn.TurnClient? AdoptTurnClient { get; init; }

    /// <summary>
    /// A TURN server to allocate a relay candidate on (null: none, gathering is complete at the start). Needs
    /// <see cref="RtcIceMode.Full"/>: an ICE-lite answerer has only host candidates (RFC 8445 §2.5).
    /// </summary>
    public RtcTurnOptions? Turn { get; init; }

    /// <summary>
    /// RTCIceTransportPolicy "relay": the host candidate is not paired (no check from or to it, its data refused); only
    /// the relay carries the session. Needs <see cref="Turn"/>; a failed allocation then fails the core
    /// (<see cref="RtcFailureReason.RelayFailed"/>).
    /// </summary>
    public bool RelayOnly { get; init; }

    internal void Validate()
    {
        ArgumentNullException.ThrowIfNull(LocalEndpoint);
        ArgumentNullException.ThrowIfNull(LocalIce);
        ArgumentNullException.ThrowIfNull(RemoteIce);
        ArgumentNullException.ThrowIfNull(Certificate);
        ArgumentNullException.ThrowIfNull(RemoteFingerprint);
        ArgumentNullException.ThrowIfNull(IceAgent);
        var errors = new List<string>();
        if (IceTimeoutNs <= 0) errors.Add("IceTimeoutNs must be positive.");
        if (ConsentTimeoutNs <= 0) errors.Add("ConsentTimeoutNs must be positive.");
        if (DtlsTimeoutNs <= 0) errors.Add("DtlsTimeoutNs must be positive.");
        if (SctpTimeoutNs <= 0) errors.Add("SctpTimeoutNs must be positive.");
        if (ChannelOpenTimeoutNs <= 0) errors.Add("ChannelOpenTimeoutNs must be positive.");
        if (SctpHeartbeatIntervalNs <= 0) errors.Add("SctpHeartbeatIntervalNs must be positive.");
        if (Mtu is < 256 or > 65507) errors.Add("Mtu must be in [256, 65507].");
        if (RemoteMaxMessageSize < 1) errors.Add("RemoteMaxMessageSize must be positive.");
        if (Turn is not null)
        {
            Turn.Validate(errors, LocalEndpoint);
            if (IceMode == RtcIceMode.Lite) errors.Add("Turn needs IceMode Full: an ICE-lite agent has host candidates only.");
        }

        if (RelayOnly && Turn is null) errors.Add("RelayOnly needs a Turn server.");
        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid RtcCoreOptions: " + string.Join(" ", errors));
        }
    }
}

/// <summary>A channel to open with <see cref="RtcCore.OpenChannel"/> (the W3C RTCDataChannelInit, data-only).</summary>
public sealed record RtcChannelOptions
{
    public string Label { get; init; } = "";

    public string Protocol { get; init; } = "";

    public bool Ordered { get; init; } = true;

    /// <summary>Partial reliability by retransmissions (0: sent once); null for reliable.</summary>
    public int? MaxRetransmits { get; init; }

    /// <summary>Partial reliability by lifetime in ms; null for reliable. Not with <see cref="MaxRetransmits"/>.</summary>
    public int? MaxPacketLifeTimeMs { get; init; }

    /// <summary>Negotiated out of band on <see cref="StreamId"/> (no DCEP): both sides open it with the same id.</summary>
    public bool Negotiated { get; init; }

    /// <summary>The SCTP stream of a negotiated channel (0..65534).</summary>
    public int? StreamId { get; init; }

    internal void Validate()
    {
        ArgumentNullException.ThrowIfNull(Label);
        ArgumentNullException.ThrowIfNull(Protocol);
        if (MaxRetransmits is not null && MaxPacketLifeTimeMs is not null)
        {
            throw new ArgumentException("MaxRetransmits and MaxPacketLifeTimeMs exclude each other.");
        }

        if (MaxRetransmits < 0 || MaxPacketLifeTimeMs < 0)
        {
            throw new ArgumentException("MaxRetransmits and MaxPacketLifeTimeMs must not be negative.");
        }

        if (Negotiated != StreamId.HasValue)
        {
            throw new ArgumentException("A negotiated channel needs a StreamId, and only a negotiated one may name it.");
        }

        if (StreamId is < 0 or > DataChannels.DataChannelStreamIds.MaxStreamId)
        {
            throw new ArgumentException("StreamId must be in 0..65534.");
        }
    }
}
