using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using RtcBench.Rtc.Core;
using RtcBench.Rtc.Dtls;
using RtcBench.Rtc.Ice;
using RtcBench.Rtc.Sdp;
using RtcBench.Rtc.Tests.Turn;
using RtcBench.Rtc.Turn;

namespace RtcBench.Rtc.Tests.Core;

/// <summary>
/// <b>Interop</b>: two <see cref="RtcCore"/>s relayed through a real coturn (<see cref="CoturnServer"/>, an independent
/// TURN implementation) over real loopback UDP sockets, driven by a minimal test host (<see cref="CoturnCoreDriver"/>: a
/// socket per core, one loop, the monotonic clock). Relay-only on both sides: every check, DTLS record and SCTP packet
/// crosses coturn, as Send/Data indications and then ChannelData.
/// </summary>
public sealed class RtcCoreRelayCoturnTests(CoturnServer server) : IClassFixture<CoturnServer>
{
    /// <summary>Only against a hang (a broken build): nothing here asserts on how long anything took.</summary>
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(60);

    [Theory]
    [InlineData(DtlsRole.Server)]
    [InlineData(DtlsRole.Client)]
    public async Task Coturn_RelayOnlyBothSides_ConnectsOverTheRelayedPair_MessagesBothWays_ThenClosesAndDeallocates(DtlsRole aDtls)
    {
        using var driver = new CoturnCoreDriver(server.Endpoint, CoturnServer.Username, CoturnServer.Password, aDtls, relayOnly: true);
        var (a, b) = (driver.A, driver.B);

        await driver.RunUntilAsync(() => a.Has(RtcOutputKind.Connected) && b.Has(RtcOutputKind.Connected), Guard);
        foreach (var (peer, other) in new[] { (a, b), (b, a) })
        {
            var turn = peer.Core.Turn!;
            Assert.Equal(TurnClientState.Allocated, turn.State);
            Assert.Equal(IPAddress.Loopback, turn.RelayedAddress!.Address);
            Assert.InRange(turn.RelayedAddress.Port, server.MinRelayPort, server.MaxRelayPort);
            Assert.Equal(peer.Local, turn.MappedAddress); // coturn saw our socket
            Assert.True(peer.Core.SelectedRelayed);
            Assert.Equal(turn.RelayedAddress, peer.Core.SelectedLocalEndpoint);
            Assert.Equal(other.Core.Turn!.RelayedAddress, peer.Core.RemoteEndpoint);
            Assert.StartsWith($"relay {turn.RelayedAddress} via turn:", peer.Gathered, StringComparison.Ordinal);
            var candidate = Assert.Single(peer.Candidates);
            Assert.Equal(IceCandidateType.Relay, candidate.Type);
            Assert.Equal(turn.RelayedAddress.Port, candidate.Port);
        }

        int channel = a.Core.OpenChannel(driver.NowNs(), new RtcChannelOptions { Label = "coturn" });
        a.Drain(driver.NowNs());
        await driver.RunUntilAsync(() => a.Core.Channel(channel).State == RtcChannelState.Open && b.Core.Channels.Count == 1, Guard);
        b.Echo = true;
        const int pings = 50;
        for (int i = 0; i < pings; i++)
        {
            Assert.True(a.Core.HandleInput(driver.NowNs(), RtcInput.Send(channel, BitConverter.GetBytes(i), false)));
            a.Drain(driver.NowNs());
        }

        await driver.RunUntilAsync(() => a.Received.Count == pings, Guard);
        Assert.Equal(Enumerable.Range(0, pings), b.Received.Select(m => BitConverter.ToInt32(m)));
        Assert.Equal(Enumerable.Range(0, pings), a.Received.Select(m => BitConverter.ToInt32(m))); // the echoes, B → A

        foreach (var peer in new[] { a, b })
        {
            Assert.NotEqual(0, peer.Core.Turn!.GetBoundChannel(peer.Core.RemoteEndpoint!)); // ChannelData once bound
            Assert.Equal(0, peer.Core.Turn.Malformed + peer.Core.Turn.IntegrityFailures);
            Assert.Equal(0, peer.Core.DroppedDatagrams);
        }

        a.Core.HandleInput(driver.NowNs(), RtcInput.Close);
        a.Drain(driver.NowNs());
        await driver.RunUntilAsync(() => a.Core.State == RtcCoreState.Closed && b.Core.State == RtcCoreState.Closed, Guard);
        Assert.Equal(RtcCloseReason.Local, a.Core.CloseReason);
        Assert.Equal(RtcCloseReason.PeerShutdown, b.Core.CloseReason);
        Assert.Equal(TurnClientState.Deallocating, a.Core.Turn!.State); // Refresh LIFETIME 0 sent after the last words
    }

    [Fact]
    public async Task Coturn_WrongPassword_GatheringCompleteUnauthorized_RelayOnlyFailsTyped()
    {
        using var driver = new CoturnCoreDriver(server.Endpoint, CoturnServer.Username, "not-" + CoturnServer.Password, DtlsRole.Server,
            relayOnly: true);
        var a = driver.A;
        await driver.RunUntilAsync(() => a.Core.State == RtcCoreState.Failed, Guard);
        Assert.Equal(RtcFailureReason.RelayFailed, a.Core.Failure);
        Assert.Equal(TurnError.Unauthorized, a.Core.Turn!.Error);
        Assert.Equal(401, a.Core.Turn.ErrorCode);
        Assert.StartsWith("TURN allocation on turn:", a.Gathered, StringComparison.Ordinal);
        Assert.EndsWith("failed: Unauthorized (401)", a.Gathered, StringComparison.Ordinal);
    }
}

/// <summary>
/// A minimal host for two cores on loopback: one UDP socket per core, one loop on the test's thread that waits for a
/// datagram on either socket or the earlier deadline, feeds it with the monotonic receive time, drains both cores
/// (transmits sent from the core's socket), and passes gathered candidates to the other core (trickle).
/// </summary>
internal sealed class CoturnCoreDriver : IDisposable
{
    private static readonly DtlsCertificate CertificateA = DtlsCertificate.Generate();
    private static readonly DtlsCertificate CertificateB = DtlsCertificate.Generate();
    private readonly Queue<(SocketCore To, IceCandidateLine Candidate)> _signalling = new();

    internal CoturnCoreDriver(IPEndPoint turnServer, string username, string password, DtlsRole aDtls, bool relayOnly)
    {
        var iceA = IceCredentials.Generate();
        var iceB = IceCredentials.Generate();
        var turn = new RtcTurnOptions
        {
            Server = turnServer,
            Credentials = new TurnCredentials(username, password),
            Url = $"turn:{turnServer}?transport=udp",
        };
        A = new SocketCore(local => new RtcCoreOptions
        {
            LocalEndpoint = local,
            LocalIce = iceA,
            RemoteIce = iceB,
            IceMode = RtcIceMode.Full,
            IceAgent = new IceAgentOptions { Role = IceRole.Controlling },
            DtlsRole = aDtls,
            Certificate = CertificateA,
            RemoteFingerprint = CertificateB.Fingerprint,
            Turn = turn,
            RelayOnly = relayOnly,
        });
        B = new SocketCore(local => new RtcCoreOptions
        {
            LocalEndpoint = local,
            LocalIce = iceB,
            RemoteIce = iceA,
            IceMode = RtcIceMode.Full,
            IceAgent = new IceAgentOptions { Role = IceRole.Controlled },
            DtlsRole = aDtls == DtlsRole.Client ? DtlsRole.Server : DtlsRole.Client,
            Certificate = CertificateB,
            RemoteFingerprint = CertificateA.Fingerprint,
            Turn = turn,
            RelayOnly = relayOnly,
        });
        A.OnCandidate = c => _signalling.Enqueue((B, c));
        B.OnCandidate = c => _signalling.Enqueue((A, c));
    }

    internal SocketCore A { get; }

    internal SocketCore B { get; }

    internal long NowNs() => (long)(Stopwatch.GetTimestamp() * (1e9 / Stopwatch.Frequency));

    internal async Task RunUntilAsync(Func<bool> until, TimeSpan guard)
    {
        var stopwatch = Stopwatch.StartNew();
        while (true)
        {
            long now = NowNs();
            foreach (var peer in new[] { A, B })
            {
                if (peer.Core.NextTimeoutNs <= now)
                {
                    peer.Core.HandleInput(now, RtcInput.Timeout);
                    peer.Drain(now);
                }
            }

            while (_signalling.TryDequeue(out var item))
            {
                var c = item.Candidate;
                item.To.Core.HandleInput(now, RtcInput.AddRemoteCandidate(new IPEndPoint(IPAddress.Parse(c.Address), c.Port), c.Priority));
                item.To.Drain(now);
            }

            if (until())
            {
                return;
            }

            if (stopwatch.Elapsed > guard)
            {
                throw new TimeoutException($"A {A.Core.State} {A.Core.Failure} [{A.Core.RelayStatus}], B {B.Core.State} {B.Core.Failure} [{B.Core.RelayStatus}]");
            }

            long next = Math.Min(A.Core.NextTimeoutNs, B.Core.NextTimeoutNs);
            var wait = TimeSpan.FromTicks(Math.Clamp((next - NowNs()) / 100, 0, TimeSpan.TicksPerMillisecond * 100));
            var receiveA = A.Receive();
            var receiveB = B.Receive();
            await Task.WhenAny(receiveA, receiveB, Task.Delay(wait));
            A.TakeReceived(NowNs());
            B.TakeReceived(NowNs());
        }
    }

    public void Dispose()
    {
        A.Dispose();
        B.Dispose();
    }
}

/// <summary>One core on its own loopback socket; events, messages, candidates and the gathering status recorded.</summary>
internal sealed class SocketCore : IDisposable
{
    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    private readonly byte[] _buffer = new byte[65_536];
    private Task<SocketReceiveFromResult>? _receive;

    internal SocketCore(Func<IPEndPoint, RtcCoreOptions> options)
    {
        _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        Local = (IPEndPoint)_socket.LocalEndPoint!;
        Core = new RtcCore(options(Local));
    }

    internal IPEndPoint Local { get; }

    internal RtcCore Core { get; }

    internal List<RtcOutputKind> Events { get; } = [];

    internal List<byte[]> Received { get; } = [];

    internal List<IceCandidateLine> Candidates { get; } = [];

    internal string? Gathered { get; private set; }

    internal Action<IceCandidateLine>? OnCandidate { get; set; }

    internal bool Echo { get; set; }

    internal bool Has(RtcOutputKind kind) => Events.Contains(kind);

    internal Task<SocketReceiveFromResult> Receive() =>
        _receive ??= _socket.ReceiveFromAsync(_buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0));

    /// <summary>Feeds the datagram if the pending receive completed.</summary>
    internal void TakeReceived(long nowNs)
    {
        if (_receive is not { IsCompleted: true } done)
        {
            return;
        }

        _receive = null;
        var result = done.GetAwaiter().GetResult();
        Core.HandleInput(nowNs, RtcInput.Receive(_buffer.AsSpan(0, result.ReceivedBytes), (IPEndPoint)result.RemoteEndPoint, Local));
        Drain(nowNs);
    }

    internal void Drain(long nowNs)
    {
        while (true)
        {
            var output = Core.PollOutput();
            switch (output.Kind)
            {
                case RtcOutputKind.Timeout:
                    return;
                case RtcOutputKind.Transmit:
                    _socket.SendTo(output.Data.Span, SocketFlags.None, output.Destination!);
                    break;
                case RtcOutputKind.Message:
                    Received.Add(output.Data.ToArray());
                    if (Echo)
                    {
                        Core.HandleInput(nowNs, RtcInput.Send(output.Channel, output.Data.Span, output.IsText));
                    }

                    break;
                case RtcOutputKind.LocalCandidate:
                    Candidates.Add(output.Candidate!);
                    OnCandidate?.Invoke(output.Candidate!);
                    break;
                case RtcOutputKind.GatheringComplete:
                    Gathered = output.Status;
                    break;
                default:
                    Events.Add(output.Kind);
                    break;
            }
        }
    }

    public void Dispose()
    {
        Core.Dispose();
        _socket.Dispose();
    }
}
