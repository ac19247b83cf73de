using System.Net;
using RtcBench.Rtc.Core;
using RtcBench.Rtc.Dtls;
using RtcBench.Rtc.Ice;
using RtcBench.Rtc.Sim;

namespace RtcBench.Rtc.Tests.Core;

/// <summary>
/// An <see cref="RtcCore"/> on the <see cref="SimulatedNetwork"/>: a received packet is a datagram from the other peer's
/// address to ours; every output is drained at once (transmits copied onto the link, events recorded with their time).
/// </summary>
internal sealed class RtcCoreSimPeer : ISimEndpoint, IDisposable
{
    private readonly Queue<byte[]> _transmits = new();
    private long _next;
    private long _now;

    internal RtcCoreSimPeer(RtcCoreOptions options, IPEndPoint remote)
    {
        Core = new RtcCore(options);
        Local = options.LocalEndpoint;
        Remote = remote;
    }

    internal RtcCore Core { get; }

    internal IPEndPoint Local { get; }

    internal IPEndPoint Remote { get; }

    internal List<(long At, RtcOutputKind Kind, int Channel)> Events { get; } = [];

    /// <summary>Messages per channel id, in arrival order.</summary>
    internal Dictionary<int, List<(byte[] Data, bool IsText, long ReceivedNs)>> Received { get; } = [];

    /// <summary>Echo every message back on its channel, from inside the poll loop (as the agent will).</summary>
    internal bool Echo { get; set; }

    /// <summary>Drop every DTLS datagram that reaches us (a peer whose DTLS never arrives).</summary>
    internal bool DropIncomingDtls { get; set; }

    internal long Misdirected { get; private set; }

    public long NextTimeoutNs => _next;

    internal long? FirstAt(RtcOutputKind kind) => Events.FindIndex(e => e.Kind == kind) is int i and >= 0 ? Events[i].At : null;

    internal bool Has(RtcOutputKind kind) => Events.Exists(e => e.Kind == kind);

    internal bool IsOpen(int channel) => Core.Channel(channel).State == RtcChannelState.Open;

    internal List<(byte[] Data, bool IsText, long ReceivedNs)> On(int channel) =>
        Received.TryGetValue(channel, out var list) ? list : Received[channel] = [];

    public void HandleInput(long nowNs, ReadOnlySpan<byte> packet)
    {
        if (DropIncomingDtls && packet.Length > 0 && packet[0] is >= 20 and <= 63)
        {
            return;
        }

        Core.HandleInput(nowNs, RtcInput.Receive(packet, Remote, Local));
        Drain(nowNs);
    }

    public void HandleTimeout(long nowNs)
    {
        Core.HandleInput(nowNs, RtcInput.Timeout);
        Drain(nowNs);
    }

    public bool TryPollTransmit(out byte[] packet) => _transmits.TryDequeue(out packet!);

    internal bool Send(long nowNs, int channel, byte[] data, bool isText = false)
    {
        bool sent = Core.HandleInput(nowNs, RtcInput.Send(channel, data, isText));
        Drain(nowNs);
        return sent;
    }

    internal int Open(long nowNs, RtcChannelOptions options)
    {
        int id = Core.OpenChannel(nowNs, options);
        Drain(nowNs);
        return id;
    }

    internal void Input(long nowNs, RtcInput input)
    {
        Core.HandleInput(nowNs, input);
        Drain(nowNs);
    }

    internal void Drain(long nowNs)
    {
        _now = nowNs;
        while (true)
        {
            var output = Core.PollOutput();
            switch (output.Kind)
            {
                case RtcOutputKind.Timeout:
                    _next = output.TimeoutNs;
                    return;
                case RtcOutputKind.Transmit:
                    if (!Equals(output.Destination, Remote) || !Equals(output.Source, Local))
                    {
                        Misdirected++;
                        break;
                    }

                    _transmits.Enqueue(output.Data.ToArray());
                    break;
                case RtcOutputKind.Message:
                    On(output.Channel).Add((output.Data.ToArray(), output.IsText, output.ReceivedNs));
                    if (Echo)
                    {
                        Core.HandleInput(_now, RtcInput.Send(output.Channel, output.Data.Span, output.IsText));
                    }

                    break;
                default:
                    Events.Add((_now, output.Kind, output.Channel));
                    break;
            }
        }
    }

    public void Dispose() => Core.Dispose();
}

/// <summary>Two peers with matching credentials and fingerprints on one simulated network.</summary>
internal sealed class RtcCorePair : IDisposable
{
    internal static readonly IPEndPoint AddressA = new(IPAddress.Parse("10.0.0.1"), 40001);
    internal static readonly IPEndPoint AddressB = new(IPAddress.Parse("10.0.0.2"), 40002);
    private static readonly DtlsCertificate CertificateA = DtlsCertificate.Generate();
    private static readonly DtlsCertificate CertificateB = DtlsCertificate.Generate();

    /// <summary>
    /// A is the offerer: a full ICE agent, controlling. B is the answerer: ICE-lite (the agent's direct echo) or a full
    /// controlled agent. <paramref name="aDtls"/> is A's DTLS role; B takes the other unless <paramref name="bDtls"/> says.
    /// </summary>
    internal RtcCorePair(int seed, SimulatedLinkOptions link, bool bLite = true, DtlsRole aDtls = DtlsRole.Server,
        DtlsRole? bDtls = null, Func<RtcCoreOptions, RtcCoreOptions>? a = null, Func<RtcCoreOptions, RtcCoreOptions>? b = null)
    {
        var iceA = IceCredentials.Generate();
        var iceB = IceCredentials.Generate();
        var optionsA = new RtcCoreOptions
        {
            LocalEndpoint = AddressA,
            LocalIce = iceA,
            RemoteIce = iceB,
            IceMode = RtcIceMode.Full,
            IceAgent = new IceAgentOptions { Role = IceRole.Controlling, RemoteIsLite = bLite, RandomSeed = seed, TieBreaker = 2 },
            DtlsRole = aDtls,
            Certificate = CertificateA,
            RemoteFingerprint = CertificateB.Fingerprint,
            RandomSeed = seed,
        };
        var optionsB = new RtcCoreOptions
        {
            LocalEndpoint = AddressB,
            LocalIce = iceB,
            RemoteIce = iceA,
            IceMode = bLite ? RtcIceMode.Lite : RtcIceMode.Full,
            IceAgent = new IceAgentOptions { Role = IceRole.Controlled, RandomSeed = seed + 1, TieBreaker = 1 },
            DtlsRole = bDtls ?? (aDtls == DtlsRole.Client ? DtlsRole.Server : DtlsRole.Client),
            Certificate = CertificateB,
            RemoteFingerprint = CertificateA.Fingerprint,
            RandomSeed = seed + 1,
        };
        A = new RtcCoreSimPeer(a?.Invoke(optionsA) ?? optionsA, AddressB);
        B = new RtcCoreSimPeer(b?.Invoke(optionsB) ?? optionsB, AddressA);
        A.Input(0, RtcInput.AddRemoteCandidate(AddressB, 2_130_706_431));
        A.Input(0, RtcInput.EndOfRemoteCandidates);
        if (!bLite)
        {
            B.Input(0, RtcInput.AddRemoteCandidate(AddressA, 2_130_706_431));
            B.Input(0, RtcInput.EndOfRemoteCandidates);
        }

        Net = new SimulatedNetwork(seed, A, B, link);
    }

    internal RtcCoreSimPeer A { get; }

    internal RtcCoreSimPeer B { get; }

    internal SimulatedNetwork Net { get; }

    internal bool BothConnected => A.Has(RtcOutputKind.Connected) && B.Has(RtcOutputKind.Connected);

    internal bool RunUntil(Func<bool> until, long forNs = 120 * RtcTime.NsPerSecond) => Net.RunUntil(until, Net.NowNs + forNs);

    public void Dispose()
    {
        A.Dispose();
        B.Dispose();
    }
}
