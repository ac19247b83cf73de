using System.Net;
using RtcBench.Rtc.Core;
using RtcBench.Rtc.Dtls;
using RtcBench.Rtc.Ice;
using RtcBench.Rtc.Sdp;
using RtcBench.Rtc.Sim;
using RtcBench.Rtc.Turn;

namespace RtcBench.Rtc.Tests.Core;

/// <summary>
/// TURN composed into <see cref="RtcCore"/>, in virtual time: two cores and a TURN server (<see cref="SimTurnServer"/>,
/// written for these tests from RFC 8656) on a <see cref="SimRouter"/> (seeded links per endpoint pair, as
/// <see cref="SimulatedNetwork"/>). Our code on both ends: these are correctness tests of the composition (allocation,
/// permissions, the relay as a local candidate, checks and DTLS/SCTP over the relayed pair, gathering, failures), not
/// interop; RtcCoreRelayCoturnTests runs two cores through a real coturn.
/// </summary>
public sealed class RtcCoreRelaySimulationTests
{
    internal static readonly IPEndPoint HostA = new(IPAddress.Parse("10.0.0.1"), 40001);
    internal static readonly IPEndPoint HostB = new(IPAddress.Parse("10.0.0.2"), 40002);
    internal static readonly IPEndPoint Server = new(IPAddress.Parse("10.0.0.100"), 3478);

    private static readonly SimulatedLinkOptions Clean = new() { DelayNs = 10 * RtcTime.NsPerMs };

    [Theory]
    [InlineData(DtlsRole.Server)]
    [InlineData(DtlsRole.Client)]
    public void RelayOnlyBothSides_SelectsTheRelayedPair_MessagesFlowBothWaysThroughTheServer(DtlsRole aDtls)
    {
        using var s = new RelayScenario(1, Clean, aTurn: true, bTurn: true, aRelayOnly: true, bRelayOnly: true, aDtls: aDtls);
        s.ConnectAndOpen();

        foreach (var (peer, other) in new[] { (s.A, s.B), (s.B, s.A) })
        {
            Assert.True(peer.Core.SelectedRelayed);
            var relayed = peer.Core.Turn!.RelayedAddress!;
            Assert.Equal(s.Turn.RelayFor(peer.Core.Options.LocalEndpoint), relayed);
            Assert.Equal(relayed, peer.SelectedSource); // IceConnected.Source: our relayed address
            Assert.Equal(relayed, peer.Core.SelectedLocalEndpoint);
            Assert.Equal(other.Core.Turn!.RelayedAddress, peer.Core.RemoteEndpoint); // relay to relay
            Assert.NotEqual(0, peer.Core.Turn.GetBoundChannel(peer.Core.RemoteEndpoint!));
            Assert.StartsWith($"relay {relayed} via turn:", peer.Core.RelayStatus, StringComparison.Ordinal);
            Assert.Equal(IceCandidateType.Relay, Assert.Single(peer.Candidates).Type); // no srflx: relay only
        }

        s.PingPong(20);
        Assert.Equal(0, s.Router.SentBetween(HostA.Address, HostB.Address)); // nothing host to host
        Assert.True(s.Turn.ChannelDataFromClients > 0 && s.Turn.ChannelDataToClients > 0);
        Assert.Equal(0, s.A.Core.DroppedDatagrams + s.B.Core.DroppedDatagrams);
        Assert.Equal(0, s.Router.Unroutable);
    }

    [Fact]
    public void RelayAndHost_PolicyAll_HostPairWinsAndRelayPairsExist()
    {
        using var s = new RelayScenario(2, Clean, aTurn: true, bTurn: true);
        s.ConnectAndOpen();

        Assert.False(s.A.Core.SelectedRelayed);
        Assert.False(s.B.Core.SelectedRelayed);
        Assert.Equal(HostA, s.A.SelectedSource);
        Assert.Equal(HostB, s.A.Core.RemoteEndpoint);
        Assert.Equal(TurnClientState.Allocated, s.A.Core.Turn!.State);
        Assert.Equal(IceCandidateType.Relay, Assert.Single(s.A.Candidates).Type); // mapped == host: no srflx
        s.PingPong(10);
        Assert.True(s.Router.SentBetween(HostA.Address, HostB.Address) > 0);
    }

    [Fact]
    public void RelayAndHost_PolicyAll_HostPathCut_RelayedPairSelectedAndCarriesTheSession()
    {
        using var s = new RelayScenario(3, Clean, aTurn: true, bTurn: false,
            links: (from, to) => from.Address.Equals(to.Address) || IsServer(from) || IsServer(to) ? Clean : Clean with { Up = false });
        s.ConnectAndOpen();

        // B (no TURN) reaches A's relayed address from its host; A checks B's host from its relay.
        Assert.True(s.A.Core.SelectedRelayed);
        Assert.Equal(s.A.Core.Turn!.RelayedAddress, s.A.SelectedSource);
        Assert.Equal(HostB, s.A.Core.RemoteEndpoint);
        Assert.False(s.B.Core.SelectedRelayed);
        Assert.Equal(s.A.Core.Turn.RelayedAddress, s.B.Core.RemoteEndpoint);
        Assert.Equal("no TURN server given", s.B.Gathered!.Value.Status);
        Assert.Equal(0, s.B.Gathered.Value.At); // at the start
        s.PingPong(10);
    }

    [Fact]
    public void WrongCredentials_GatheringCompleteWithTheTypedFailure_HostPathStillConnects()
    {
        using var s = new RelayScenario(4, Clean, aTurn: true, bTurn: false, aPassword: "not-the-password");
        s.ConnectAndOpen();

        var (at, status) = s.A.Gathered!.Value;
        Assert.StartsWith("TURN allocation on turn:10.0.0.100:3478 failed: Unauthorized (401)", status, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-password", status, StringComparison.Ordinal);
        Assert.True(at < 5 * RtcTime.NsPerSecond);
        Assert.Equal(TurnClientState.Failed, s.A.Core.Turn!.State);
        Assert.Equal(TurnError.Unauthorized, s.A.Core.Turn.Error);
        Assert.Equal(status, s.A.Core.RelayStatus);
        Assert.Empty(s.A.Candidates);
        Assert.False(s.A.Core.SelectedRelayed);
        Assert.Equal(2, s.Turn.Unauthorized); // the unauthenticated first try and the wrong-key retry
        s.PingPong(5);
    }

    [Fact]
    public void WrongCredentials_RelayOnly_FailsTypedRelayFailed()
    {
        using var s = new RelayScenario(5, Clean, aTurn: true, bTurn: false, aRelayOnly: true, aPassword: "wrong");
        Assert.True(s.Router.RunUntil(() => s.A.Core.State == RtcCoreState.Failed, 60 * RtcTime.NsPerSecond));
        Assert.Equal(RtcFailureReason.RelayFailed, s.A.Core.Failure);
        Assert.Contains("Unauthorized", s.A.Core.FailureDetail, StringComparison.Ordinal);
        Assert.True(s.A.Has(RtcOutputKind.GatheringComplete));
        Assert.Equal(RtcOutputKind.Failed, s.A.Events[^1].Kind); // gathering complete came before the terminal event
    }

    [Fact]
    public void SilentServer_GatheringCompleteAtExactlyTheGatheringTimeout_HostPathConnects()
    {
        using var s = new RelayScenario(6, Clean, aTurn: true, bTurn: false, gatheringTimeoutNs: 5 * RtcTime.NsPerSecond);
        s.Turn.Silent = true;
        s.ConnectAndOpen();
        Assert.Null(s.A.Gathered); // connected over the host pair long before
        Assert.Equal("allocating on turn:10.0.0.100:3478", s.A.Core.RelayStatus);

        Assert.True(s.Router.RunUntil(() => s.A.Gathered is not null, 10 * RtcTime.NsPerSecond));
        Assert.Equal(5 * RtcTime.NsPerSecond, s.A.Gathered!.Value.At); // the core started at 0
        Assert.Equal("no relay yet: turn:10.0.0.100:3478 did not answer within 5 s (still trying)", s.A.Gathered.Value.Status);
        Assert.Equal(TurnClientState.Allocating, s.A.Core.Turn!.State);

        // Still trying: the TURN client times out after Rc transmissions and the final wait (39.5 s), not fatal with hosts.
        Assert.True(s.Router.RunUntil(() => s.A.Core.Turn.State == TurnClientState.Failed, 60 * RtcTime.NsPerSecond));
        Assert.Equal(TurnError.Timeout, s.A.Core.Turn.Error);
        Assert.Equal(RtcCoreState.Connected, s.A.Core.State);
        s.PingPong(3);
    }

    [Fact]
    public void RelayOnly_LossOnEveryLink_ReliableChannelDeliversEverythingInOrder_ManySeeds()
    {
        var lossy = new SimulatedLinkOptions
        {
            DelayNs = 15 * RtcTime.NsPerMs, JitterNs = 10 * RtcTime.NsPerMs, LossRate = 0.1, DuplicateRate = 0.05,
            ReorderRate = 0.1, ReorderDelayNs = 25 * RtcTime.NsPerMs,
        };
        for (int seed = 0; seed < 40; seed++)
        {
            using var s = new RelayScenario(100 + seed, lossy, aTurn: true, bTurn: true, aRelayOnly: true, bRelayOnly: seed % 2 == 0,
                aDtls: seed % 4 < 2 ? DtlsRole.Server : DtlsRole.Client, patient: true);
            s.ConnectAndOpen(240 * RtcTime.NsPerSecond);
            Assert.True(s.A.Core.SelectedRelayed, $"seed {100 + seed}");
            const int count = 100;
            for (int i = 0; i < count; i++)
            {
                s.A.Send(s.Router.NowNs, s.Channel, BitConverter.GetBytes(i));
                s.Router.RunFor(5 * RtcTime.NsPerMs);
            }

            Assert.True(s.Router.RunUntil(() => s.B.Received.Count == count, s.Router.NowNs + 240 * RtcTime.NsPerSecond),
                $"seed {100 + seed}: {s.B.Received.Count}/{count}");
            Assert.Equal(Enumerable.Range(0, count), s.B.Received.Select(m => BitConverter.ToInt32(m.Data)));
        }
    }

    [Fact]
    public void TrickledRemoteCandidate_GetsAPermissionWhenItArrives()
    {
        using var s = new RelayScenario(7, Clean, aTurn: true, bTurn: false, aRelayOnly: true, signalHosts: false);
        Assert.True(s.Router.RunUntil(() => s.A.Core.IsGatheringComplete, 10 * RtcTime.NsPerSecond));
        Assert.Equal(TurnClientState.Allocated, s.A.Core.Turn!.State);
        s.Router.RunFor(2 * RtcTime.NsPerSecond);
        Assert.Empty(s.Turn.PermissionsCreated); // nothing to permit yet
        Assert.False(s.A.Core.Turn.HasPermission(HostB.Address));

        long trickledAt = s.Router.NowNs;
        s.A.Input(trickledAt, RtcInput.AddRemoteCandidate(HostB, 2_130_706_431));
        Assert.True(s.Router.RunUntil(() => s.A.Core.Turn.HasPermission(HostB.Address), trickledAt + RtcTime.NsPerSecond));
        var (at, client, peer) = Assert.Single(s.Turn.PermissionsCreated);
        Assert.Equal(trickledAt + Clean.DelayNs, at); // the request left with the candidate
        Assert.Equal(HostA, client);
        Assert.Equal(HostB.Address, peer);

        s.ConnectAndOpen();
        Assert.True(s.A.Core.SelectedRelayed);
        s.PingPong(5);
    }

    [Fact]
    public void MalformedDatagramsFromTheServerAddress_DroppedAndCounted_SessionCarriesOn()
    {
        using var s = new RelayScenario(8, Clean, aTurn: true, bTurn: true, aRelayOnly: true, bRelayOnly: true);
        s.ConnectAndOpen();
        var random = new Random(8);
        long droppedBefore = s.A.Core.DroppedDatagrams;
        long malformedBefore = s.A.Core.Turn!.Malformed;
        int garbage = 0;
        for (int i = 0; i < 500; i++)
        {
            var bytes = new byte[random.Next(0, 120)];
            random.NextBytes(bytes);
            if (bytes.Length > 0)
            {
                bytes[0] = (byte)(i % 3 == 0 ? random.Next(0, 4) : i % 3 == 1 ? random.Next(0x40, 0x50) : random.Next(0x50, 0x100));
            }

            s.A.Core.HandleInput(s.Router.NowNs, RtcInput.Receive(bytes, Server, HostA)); // never throws
            s.A.Drain(s.Router.NowNs);
            garbage++;
        }

        Assert.Equal(RtcCoreState.Connected, s.A.Core.State);
        Assert.True(s.A.Core.Turn.Malformed > malformedBefore);
        Assert.True(s.A.Core.DroppedDatagrams - droppedBefore >= s.A.Core.Turn.Malformed - malformedBefore);
        Assert.True(s.A.Core.DroppedDatagrams > droppedBefore);
        s.PingPong(10);
    }

    [Fact]
    public void Close_OverTheRelay_CleanOnBothSides_ThenBothAllocationsAreReleased()
    {
        using var s = new RelayScenario(9, Clean, aTurn: true, bTurn: true, aRelayOnly: true, bRelayOnly: true);
        s.ConnectAndOpen();
        s.PingPong(3);
        s.A.Input(s.Router.NowNs, RtcInput.Close);
        Assert.True(s.Router.RunUntil(() => s.A.Core.State == RtcCoreState.Closed && s.B.Core.State == RtcCoreState.Closed,
            s.Router.NowNs + 10 * RtcTime.NsPerSecond));
        Assert.Equal(RtcCloseReason.Local, s.A.Core.CloseReason);
        Assert.Equal(RtcCloseReason.PeerShutdown, s.B.Core.CloseReason);
        s.Router.RunFor(RtcTime.NsPerSecond);
        Assert.Equal(2, s.Turn.Deallocations); // Refresh LIFETIME 0 from each, after their last DTLS words
    }

    [Fact]
    public void FingerprintMismatchOverTheRelay_BothFailTyped_TheAlertIsRelayedBeforeBothAllocationsAreReleased()
    {
        var stranger = DtlsCertificate.Generate();
        using var s = new RelayScenario(13, Clean, aTurn: true, bTurn: true, aRelayOnly: true, bRelayOnly: true,
            configure: o => o.LocalEndpoint.Equals(HostB) ? o with { RemoteFingerprint = stranger.Fingerprint } : o);
        Assert.True(s.Router.RunUntil(() => s.A.Core.State == RtcCoreState.Failed && s.B.Core.State == RtcCoreState.Failed,
            30 * RtcTime.NsPerSecond));
        Assert.True(s.A.Core.SelectedRelayed && s.B.Core.SelectedRelayed);
        Assert.Equal(RtcFailureReason.DtlsFingerprintMismatch, s.B.Core.Failure);
        Assert.Equal(RtcFailureReason.DtlsAlert, s.A.Core.Failure); // B's bad_certificate came through the relay
        Assert.Equal(42, s.A.Core.DtlsAlert);
        s.Router.RunFor(RtcTime.NsPerSecond);
        Assert.Equal(2, s.Turn.Deallocations);
        Assert.Equal(TurnClientState.Deallocating, s.B.Core.Turn!.State); // sent, not awaited: the core ignores input once ended
    }

    [Fact]
    public void ShortLifetime_AllocationPermissionAndChannelRefreshed_SessionOutlivesIt()
    {
        using var s = new RelayScenario(10, Clean, aTurn: true, bTurn: true, aRelayOnly: true, bRelayOnly: true, lifetimeSeconds: 60);
        s.ConnectAndOpen();
        for (int minute = 0; minute < 12; minute++)
        {
            s.Router.RunFor(30 * RtcTime.NsPerSecond);
            s.PingPong(1);
        }

        Assert.True(s.Turn.Refreshes >= 2 * 10, $"{s.Turn.Refreshes}"); // half-way through each 60 s lifetime, both
        Assert.Equal(RtcCoreState.Connected, s.A.Core.State);
        Assert.True(s.A.Core.SelectedRelayed);
    }

    [Fact]
    public void AllocationLost_WhileTheRelayedPairCarriesTheSession_FailsTypedRelayFailedAtTheNextRefresh()
    {
        using var s = new RelayScenario(11, Clean, aTurn: true, bTurn: true, aRelayOnly: true, bRelayOnly: true, lifetimeSeconds: 60);
        s.ConnectAndOpen();
        s.Turn.Forget(HostA);
        Assert.True(s.Router.RunUntil(() => s.A.Core.State == RtcCoreState.Failed, s.Router.NowNs + 60 * RtcTime.NsPerSecond));
        Assert.Equal(RtcFailureReason.RelayFailed, s.A.Core.Failure);
        Assert.Equal("the TURN allocation on turn:10.0.0.100:3478 was lost: AllocationMismatch (437)", s.A.Core.FailureDetail);
        Assert.Equal(TurnError.AllocationMismatch, s.A.Core.Turn!.Error);
        Assert.Equal(s.A.Core.FailureDetail, s.A.Core.RelayStatus);
    }

    [Fact]
    public void AllocationLost_WhileTheHostPairCarriesTheSession_StatusSaysSo_SessionCarriesOn()
    {
        using var s = new RelayScenario(12, Clean, aTurn: true, bTurn: true, lifetimeSeconds: 60);
        s.ConnectAndOpen();
        Assert.False(s.A.Core.SelectedRelayed);
        s.Turn.Forget(HostA);
        Assert.True(s.Router.RunUntil(() => s.A.Core.Turn!.State == TurnClientState.Failed, s.Router.NowNs + 60 * RtcTime.NsPerSecond));
        Assert.Equal("the TURN allocation on turn:10.0.0.100:3478 was lost: AllocationMismatch (437)", s.A.Core.RelayStatus);
        Assert.Equal(RtcCoreState.Connected, s.A.Core.State);
        s.PingPong(5);
    }

    private static bool IsServer(IPEndPoint endpoint) => endpoint.Address.Equals(Server.Address);
}

/// <summary>
/// A (full, controlling) and B (full, controlled), each optionally with the TURN server and relay-only, on a
/// <see cref="SimRouter"/>. Signalling: host candidates at the start (unless relay-only or <c>signalHosts</c> false), and
/// every <see cref="RtcOutputKind.LocalCandidate"/> trickled to the other side after the step it was gathered in.
/// </summary>
internal sealed class RelayScenario : IDisposable
{
    private static readonly DtlsCertificate CertificateA = DtlsCertificate.Generate();
    private static readonly DtlsCertificate CertificateB = DtlsCertificate.Generate();
    private readonly Queue<(RelaySimPeer To, IceCandidateLine Candidate)> _signalling = new();

    internal RelayScenario(int seed, SimulatedLinkOptions link, bool aTurn, bool bTurn, bool aRelayOnly = false,
        bool bRelayOnly = false, DtlsRole aDtls = DtlsRole.Server, string aPassword = SimTurnServer.Password,
        long gatheringTimeoutNs = 5 * RtcTime.NsPerSecond, bool signalHosts = true, bool patient = false, uint lifetimeSeconds = 600,
        Func<IPEndPoint, IPEndPoint, SimulatedLinkOptions>? links = null, Func<RtcCoreOptions, RtcCoreOptions>? configure = null)
    {
        Router = new SimRouter(seed, links ?? ((_, _) => link));
        Turn = new SimTurnServer(Router, RtcCoreRelaySimulationTests.Server, lifetimeSeconds);
        var iceA = IceCredentials.Generate();
        var iceB = IceCredentials.Generate();
        RtcTurnOptions? TurnOptions(bool on, string password) => on
            ? new RtcTurnOptions
            {
                Server = RtcCoreRelaySimulationTests.Server,
                Credentials = new TurnCredentials(SimTurnServer.Username, password),
                Url = "turn:10.0.0.100:3478",
                GatheringTimeoutNs = gatheringTimeoutNs,
            }
            : null;
        RtcCoreOptions Patient(RtcCoreOptions o)
        {
            o = configure?.Invoke(o) ?? o;
            return patient
                ? o with { DtlsTimeoutNs = 60 * RtcTime.NsPerSecond, SctpTimeoutNs = 90 * RtcTime.NsPerSecond, ChannelOpenTimeoutNs = 90 * RtcTime.NsPerSecond }
                : o;
        }
        A = new RelaySimPeer(Router, Patient(new RtcCoreOptions
        {
            LocalEndpoint = RtcCoreRelaySimulationTests.HostA,
            LocalIce = iceA,
            RemoteIce = iceB,
            IceMode = RtcIceMode.Full,
            IceAgent = new IceAgentOptions { Role = IceRole.Controlling, RandomSeed = seed, TieBreaker = 2, ConnectTimeoutNs = patient ? 120 * RtcTime.NsPerSecond : 30 * RtcTime.NsPerSecond },
            DtlsRole = aDtls,
            Certificate = CertificateA,
            RemoteFingerprint = CertificateB.Fingerprint,
            RandomSeed = seed,
            Turn = TurnOptions(aTurn, aPassword),
            RelayOnly = aRelayOnly,
        }));
        B = new RelaySimPeer(Router, Patient(new RtcCoreOptions
        {
            LocalEndpoint = RtcCoreRelaySimulationTests.HostB,
            LocalIce = iceB,
            RemoteIce = iceA,
            IceMode = RtcIceMode.Full,
            IceAgent = new IceAgentOptions { Role = IceRole.Controlled, RandomSeed = seed + 1, TieBreaker = 1, ConnectTimeoutNs = patient ? 120 * RtcTime.NsPerSecond : 30 * RtcTime.NsPerSecond },
            DtlsRole = aDtls == DtlsRole.Client ? DtlsRole.Server : DtlsRole.Client,
            Certificate = CertificateB,
            RemoteFingerprint = CertificateA.Fingerprint,
            RandomSeed = seed + 1,
            Turn = TurnOptions(bTurn, SimTurnServer.Password),
            RelayOnly = bRelayOnly,
        }));
        A.OnCandidate = c => _signalling.Enqueue((B, c));
        B.OnCandidate = c => _signalling.Enqueue((A, c));
        Router.AfterStep = Signal;
        if (signalHosts && !bRelayOnly)
        {
            A.Input(0, RtcInput.AddRemoteCandidate(RtcCoreRelaySimulationTests.HostB, 2_130_706_431));
        }

        if (signalHosts && !aRelayOnly)
        {
            B.Input(0, RtcInput.AddRemoteCandidate(RtcCoreRelaySimulationTests.HostA, 2_130_706_431));
        }

        // Both start at 0 (the first input starts a core).
        A.Input(0, RtcInput.Timeout);
        B.Input(0, RtcInput.Timeout);
        Signal();
    }

    internal SimRouter Router { get; }

    internal SimTurnServer Turn { get; }

    internal RelaySimPeer A { get; }

    internal RelaySimPeer B { get; }

    /// <summary>A's channel to B, once <see cref="ConnectAndOpen"/> returned.</summary>
    internal int Channel { get; private set; } = -1;

    /// <summary>Runs until both are connected and a reliable channel from A is open on both sides.</summary>
    internal void ConnectAndOpen(long forNs = 60 * RtcTime.NsPerSecond)
    {
        Assert.True(Router.RunUntil(() => A.Has(RtcOutputKind.Connected) && B.Has(RtcOutputKind.Connected), Router.NowNs + forNs),
            $"not connected (seed {Router.Seed}): A {A.Core.State} {A.Core.Failure} {A.Core.FailureDetail} [{A.Core.RelayStatus}], "
            + $"B {B.Core.State} {B.Core.Failure} {B.Core.FailureDetail} [{B.Core.RelayStatus}]");
        Channel = A.Open(Router.NowNs, new RtcChannelOptions { Label = "relay" });
        Assert.True(Router.RunUntil(() => A.Core.Channel(Channel).State == RtcChannelState.Open && B.Core.Channels.Count == 1,
            Router.NowNs + forNs), $"channel not open (seed {Router.Seed})");
        B.Echo = true;
    }

    /// <summary><paramref name="count"/> pings from A, each echoed by B from inside its poll loop, all answered in order.</summary>
    internal void PingPong(int count)
    {
        A.Received.Clear();
        B.Received.Clear();
        for (int i = 0; i < count; i++)
        {
            Assert.True(A.Send(Router.NowNs, Channel, BitConverter.GetBytes(i)));
        }

        Assert.True(Router.RunUntil(() => A.Received.Count == count, Router.NowNs + 30 * RtcTime.NsPerSecond),
            $"{A.Received.Count}/{count} echoed (seed {Router.Seed})");
        Assert.Equal(Enumerable.Range(0, count), B.Received.Select(m => BitConverter.ToInt32(m.Data)));
        Assert.Equal(Enumerable.Range(0, count), A.Received.Select(m => BitConverter.ToInt32(m.Data)));
    }

    private void Signal()
    {
        while (_signalling.TryDequeue(out var item))
        {
            var c = item.Candidate;
            item.To.Input(Router.NowNs, RtcInput.AddRemoteCandidate(new IPEndPoint(IPAddress.Parse(c.Address), c.Port), c.Priority));
        }
    }

    public void Dispose()
    {
        A.Dispose();
        B.Dispose();
    }
}
