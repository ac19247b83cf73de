using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using RtcBench.Rtc.Dtls;
using RtcBench.Rtc.Sdp;

namespace RtcBench.Rtc.Peer;

/// <summary>Settings of one <see cref="PeerConnection"/>; validated when it is created (every problem listed).</summary>
public sealed record PeerConnectionOptions
{
    /// <summary>The address the UDP socket binds to, and our host candidate. Must be a concrete address, not Any.</summary>
    public required IPAddress LocalAddress { get; init; }

    /// <summary>0: any free port.</summary>
    public int LocalPort { get; init; }

    /// <summary>
    /// A UDP socket shared with other connections (the echo agent serves all its sessions from one per address):
    /// this connection registers its local ICE ufrag there instead of binding a socket of its own, and its host
    /// candidate is the shared socket's port. <see cref="LocalAddress"/> must be the socket's address and
    /// <see cref="LocalPort"/> 0; no TURN (<see cref="IceServers"/> empty). The caller owns it: dispose it after the
    /// connections. Null (the default): a socket and receive thread of our own.
    /// </summary>
    public Net.UdpMux? SharedSocket { get; init; }

    /// <summary>Monotonic ns, the scale of <c>RtcBench.Core.Timing.MonoTime.NowNs()</c>. Receive timestamps come from it.</summary>
    public Func<long> Clock { get; init; } = DefaultClock;

    /// <summary>Drives the connection's one timer (the core's deadlines: ICE, DTLS, SCTP, channel opens, TURN).</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Our DTLS certificate; a fresh one when null.</summary>
    public DtlsCertificate? Certificate { get; init; }

    /// <summary>The answerer's <c>a=setup</c>: passive (we are the DTLS server, the default) or active.</summary>
    public SdpSetup AnswerSetup { get; init; } = SdpSetup.Passive;

    /// <summary>The answerer's ICE: <see cref="AnswererIceMode.Lite"/> (the default) or a full agent. Ignored by offerers
    /// (always full; controlling, and staying so when the answer is ICE-lite).</summary>
    public AnswererIceMode AnswererIceMode { get; init; } = AnswererIceMode.Lite;

    /// <summary>
    /// ICE servers, as from LiveKit's JoinResponse.ice_servers. The first <c>turn:</c> URL over UDP gives a relay
    /// candidate (RFC 8656 allocation on our one socket, trickled once allocated; see <see cref="PeerConnection.RelayStatus"/>).
    /// Needs a full ICE agent: not with an ICE-lite answerer.
    /// </summary>
    public IReadOnlyList<RtcIceServer> IceServers { get; init; } = [];

    /// <summary>All candidates (the default), or relay only (LiveKit's <c>force_relay</c>).</summary>
    public IceTransportPolicy IceTransportPolicy { get; init; } = IceTransportPolicy.All;

    /// <summary>
    /// Gathering (the TURN allocation) is complete by then at the latest (<see cref="PeerConnection.WhenGatheringComplete"/>);
    /// an allocation that answers later still adds its candidate.
    /// </summary>
    public TimeSpan GatheringTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>ICE must select a pair within this time after the start.</summary>
    public TimeSpan IceTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The DTLS handshake must finish within this time after it starts.</summary>
    public TimeSpan DtlsTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The SCTP association must be up within this time after DTLS.</summary>
    public TimeSpan SctpTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>A channel we open must be acknowledged (DCEP ACK) within this time after its OPEN.</summary>
    public TimeSpan ChannelOpenTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Consent checks (by full agents) are sent every 0.8..1.2 times this (RFC 7675: 5 s).</summary>
    public TimeSpan ConsentInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>No consent for this long fails the connection (RFC 7675: 30 s).</summary>
    public TimeSpan ConsentTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// No longer used: SCTP packets are the core's DTLS send limit (1163 bytes for its 1200-byte datagrams, the most this
    /// allowed). Still validated (256..1163) so settings keep working.
    /// </summary>
    public int SctpMaxPacketSize { get; init; } = 1163;

    /// <summary>The default of <see cref="MaxMessageSize"/>: what Chromium and libdatachannel advertise.</summary>
    public const int DefaultMaxMessageSize = 256 * 1024;

    /// <summary>
    /// The largest message we take in one piece, advertised as <c>a=max-message-size</c> (RFC 8841). Say only what is
    /// true: an application that handles smaller messages (the echo agent answers pings) should advertise its own
    /// limit, so that a peer learns it before it sends. 1 B to 1 MiB; the SCTP receive window is sized to hold it.
    /// </summary>
    public int MaxMessageSize { get; init; } = DefaultMaxMessageSize;

    /// <summary>Where the connection logs its few control-plane events (refused data channels); nothing per message.</summary>
    public ILogger Logger { get; init; } = NullLogger.Instance;

    /// <summary>
    /// Tests only: the ids our own channels take, as (first, step), instead of RFC 8832's parity by DTLS role. Emulates
    /// werift (parity from its ICE role) and Janus (lowest free id from 1: (1, 1)). Ids in use are skipped either way.
    /// </summary>
    internal (int First, int Step)? StreamIdRule { get; init; }

    /// <summary>
    /// Tests only: false waits for the peer's SCTP INIT instead of sending ours, as werift does when it is the
    /// ICE-controlled DTLS client. Every real connection sends INIT, whatever its DTLS role.
    /// </summary>
    internal bool SendSctpInit { get; init; } = true;

    /// <summary>
    /// No longer used: it bounded the event loop's input queue, and the connection has no loop or queue any more (the core
    /// is driven on the thread that has the input, Peer/README.md). Still validated (16..1048576) so settings keep working.
    /// </summary>
    public int InputQueueCapacity { get; init; } = 4096;

    /// <summary>Monotonic ns from <see cref="Stopwatch"/>, the same scale as <c>MonoTime.System</c>.</summary>
    public static long DefaultClock() => (long)(Stopwatch.GetTimestamp() * NsPerTick);

    private static readonly double NsPerTick = 1e9 / Stopwatch.Frequency;

    /// <summary>The TURN server a connection allocates on: the first <c>turn:</c> URL over UDP, with its credential.</summary>
    internal (IceServerUrl Url, RtcIceServer Server)? FindUdpTurnServer()
    {
        foreach (var server in IceServers)
        {
            foreach (string url in server.Urls)
            {
                if (IceServerUrl.TryParse(url, out var parsed) && parsed!.IsUdpTurn)
                {
                    return (parsed, server);
                }
            }
        }

        return null;
    }

    private void ValidateIceServers(List<string> errors)
    {
        if (IceServers is null)
        {
            errors.Add("IceServers must not be null.");
            return;
        }

        if (IceTransportPolicy is not (IceTransportPolicy.All or IceTransportPolicy.Relay))
        {
            errors.Add("IceTransportPolicy must be All or Relay.");
        }

        var turn = FindUdpTurnServer();
        if (turn is { Server: var server } && (string.IsNullOrEmpty(server.Username) || server.Credential is null))
        {
            errors.Add($"The TURN server {turn.Value.Url} needs a username and a credential.");
        }

        if (IceTransportPolicy == IceTransportPolicy.Relay && turn is null)
        {
            errors.Add("IceTransportPolicy Relay needs a turn: ICE server over UDP (turns: and TCP are not supported).");
        }
    }

    internal void Validate()
    {
        var errors = new List<string>();
        if (LocalAddress is null)
        {
            errors.Add("LocalAddress is required.");
        }
        else if (LocalAddress.Equals(IPAddress.Any) || LocalAddress.Equals(IPAddress.IPv6Any))
        {
            errors.Add("LocalAddress must be a concrete address (it is our host candidate), not Any.");
        }

        if (LocalPort is < 0 or > 65535)
        {
            errors.Add("LocalPort must be 0..65535.");
        }

        if (SharedSocket is { } shared)
        {
            if (LocalAddress is not null && !shared.LocalEndPoint.Address.Equals(LocalAddress))
            {
                errors.Add($"LocalAddress must be the shared socket's address ({shared.LocalEndPoint.Address}).");
            }

            if (LocalPort != 0)
            {
                errors.Add("LocalPort must be 0 with a SharedSocket (the host candidate is its port).");
            }

            if (IceServers is { Count: > 0 })
            {
                errors.Add("IceServers (a TURN relay) need a socket of the connection's own, not a SharedSocket.");
            }
        }

        if (AnswerSetup is not (SdpSetup.Active or SdpSetup.Passive))
        {
            errors.Add("AnswerSetup must be Active or Passive.");
        }

        if (AnswererIceMode is not (AnswererIceMode.Lite or AnswererIceMode.Full))
        {
            errors.Add("AnswererIceMode must be Lite or Full.");
        }

        foreach (var (name, value) in new[]
                 {
                     (nameof(IceTimeout), IceTimeout), (nameof(DtlsTimeout), DtlsTimeout), (nameof(SctpTimeout), SctpTimeout),
                     (nameof(ChannelOpenTimeout), ChannelOpenTimeout), (nameof(ConsentInterval), ConsentInterval),
                     (nameof(ConsentTimeout), ConsentTimeout), (nameof(GatheringTimeout), GatheringTimeout),
                 })
        {
            if (value <= TimeSpan.Zero || value > TimeSpan.FromMinutes(10))
            {
                errors.Add($"{name} must be in (0, 10 min].");
            }
        }

        ValidateIceServers(errors);
        if (ConsentTimeout <= ConsentInterval)
        {
            errors.Add("ConsentTimeout must exceed ConsentInterval.");
        }

        if (SctpMaxPacketSize is < 256 or > 1163)
        {
            errors.Add("SctpMaxPacketSize must be 256..1163 (the DTLS send limit for 1200-byte datagrams).");
        }

        if (MaxMessageSize is < 1 or > 1 << 20)
        {
            errors.Add("MaxMessageSize must be 1..1048576 bytes.");
        }

        if (InputQueueCapacity is < 16 or > 1 << 20)
        {
            errors.Add("InputQueueCapacity must be 16..1048576.");
        }

        if (Clock is null || TimeProvider is null || Logger is null)
        {
            errors.Add("Clock, TimeProvider and Logger are required.");
        }

        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid PeerConnectionOptions: " + string.Join(" ", errors));
        }
    }
}
