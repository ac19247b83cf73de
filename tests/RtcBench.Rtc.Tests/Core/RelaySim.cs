using System.Net;
using System.Security.Cryptography;
using System.Text;
using RtcBench.Rtc.Core;
using RtcBench.Rtc.Sdp;
using RtcBench.Rtc.Sim;
using RtcBench.Rtc.Stun;
using RtcBench.Rtc.Turn;

namespace RtcBench.Rtc.Tests.Core;

/// <summary>A node on a <see cref="SimRouter"/>: addressed datagrams and time in; it sends through the router.</summary>
internal interface IRoutedNode
{
    void Receive(long nowNs, byte[] packet, IPEndPoint from, IPEndPoint to);

    void Timeout(long nowNs);

    long NextTimeoutNs { get; }
}

/// <summary>
/// <see cref="SimulatedNetwork"/> for more than two endpoints, with addresses: one <see cref="SimulatedLink"/> (seeded
/// loss, delay, jitter, reordering, duplication) per direction between two endpoints, made on first use with the
/// options <c>links(from, to)</c> gives. Time jumps from event to event as in <see cref="SimulatedNetwork"/>. A
/// datagram to an endpoint nobody is attached at is counted as <see cref="Unroutable"/>.
/// </summary>
internal sealed class SimRouter
{
    private const int MaxStepsWithoutProgress = 10_000;

    private readonly Random _root;
    private readonly Func<IPEndPoint, IPEndPoint, SimulatedLinkOptions> _links;
    private readonly Dictionary<IPEndPoint, IRoutedNode> _nodes = [];
    private readonly List<IRoutedNode> _distinct = [];
    private readonly List<(IPEndPoint From, IPEndPoint To, SimulatedLink Link)> _linkList = [];
    private readonly Dictionary<(IPEndPoint, IPEndPoint), SimulatedLink> _linkMap = [];

    internal SimRouter(int seed, Func<IPEndPoint, IPEndPoint, SimulatedLinkOptions> links)
    {
        Seed = seed;
        _root = new Random(seed);
        _links = links;
    }

    internal int Seed { get; }

    internal long NowNs { get; private set; }

    internal long Unroutable { get; private set; }

    internal Action? AfterStep { get; set; }

    internal void Attach(IPEndPoint at, IRoutedNode node)
    {
        _nodes.Add(at, node);
        if (!_distinct.Contains(node))
        {
            _distinct.Add(node);
        }
    }

    internal void Send(IPEndPoint from, IPEndPoint to, byte[] packet)
    {
        if (!_nodes.ContainsKey(to))
        {
            Unroutable++;
            return;
        }

        Link(from, to).Send(NowNs, packet);
    }

    /// <summary>The link from one endpoint to another (its stats count what crossed it).</summary>
    internal SimulatedLink Link(IPEndPoint from, IPEndPoint to)
    {
        if (!_linkMap.TryGetValue((from, to), out var link))
        {
            link = new SimulatedLink(_links(from, to), new Random(_root.Next()));
            _linkMap.Add((from, to), link);
            _linkList.Add((from, to, link));
        }

        return link;
    }

    /// <summary>Datagrams sent between two addresses (any ports), both directions.</summary>
    internal long SentBetween(IPAddress a, IPAddress b) => _linkList
        .Where(l => (l.From.Address.Equals(a) && l.To.Address.Equals(b)) || (l.From.Address.Equals(b) && l.To.Address.Equals(a)))
        .Sum(l => l.Link.Stats.Sent);

    internal bool RunUntil(Func<bool> until, long deadlineNs)
    {
        int stuck = 0;
        while (!until())
        {
            long next = RtcTime.Never;
            foreach (var (_, _, link) in _linkList)
            {
                next = Math.Min(next, link.NextDeliveryNs);
            }

            foreach (var node in _distinct)
            {
                next = Math.Min(next, node.NextTimeoutNs);
            }

            if (next == RtcTime.Never || next > deadlineNs)
            {
                NowNs = Math.Max(NowNs, Math.Min(deadlineNs, next));
                return until();
            }

            if (next <= NowNs)
            {
                if (++stuck > MaxStepsWithoutProgress)
                {
                    throw new InvalidOperationException($"simulation made no progress (seed {Seed}, now {NowNs})");
                }
            }
            else
            {
                stuck = 0;
                NowNs = next;
            }

            for (int i = 0; i < _linkList.Count; i++)
            {
                var (from, to, link) = _linkList[i];
                while (link.TryReceive(NowNs, out var packet))
                {
                    _nodes[to].Receive(NowNs, packet, from, to);
                }
            }

            for (int i = 0; i < _distinct.Count; i++)
            {
                if (_distinct[i].NextTimeoutNs <= NowNs)
                {
                    _distinct[i].Timeout(NowNs);
                }
            }

            AfterStep?.Invoke();
        }

        return true;
    }

    internal void RunFor(long durationNs)
    {
        long end = NowNs + durationNs;
        RunUntil(() => false, end);
        NowNs = Math.Max(NowNs, end);
    }
}

/// <summary>
/// A TURN server (RFC 8656, UDP) for the simulator, written for these tests from the RFC, not from our client:
/// long-term credentials (401 with REALM and NONCE, then MESSAGE-INTEGRITY keyed with MD5(user:realm:password), checked
/// here with its own MD5), Allocate, Refresh (LIFETIME 0 frees), CreatePermission, ChannelBind, Send indications and
/// ChannelData from the client, and from peers Data indications or ChannelData (when a channel is bound), only from
/// addresses with a permission. One relayed endpoint per allocation on <see cref="RelayAddress"/>.
/// </summary>
internal sealed class SimTurnServer : IRoutedNode
{
    internal const string Username = "sim-user";
    internal const string Password = "sim-pass";
    internal const string Realm = "rtcbench-sim";
    private const string Nonce = "sim-nonce-1";

    private readonly SimRouter _router;
    private readonly byte[] _key;
    private readonly Dictionary<IPEndPoint, Allocation> _byClient = [];
    private readonly Dictionary<IPEndPoint, Allocation> _byRelay = [];
    private int _nextPort = 50_000;

    internal SimTurnServer(SimRouter router, IPEndPoint endpoint, uint lifetimeSeconds = 600)
    {
        _router = router;
        Endpoint = endpoint;
        RelayAddress = endpoint.Address;
        LifetimeSeconds = lifetimeSeconds;
#pragma warning disable CA5351 // MD5 is the long-term credential key derivation (RFC 8489 §9.2.2).
        _key = MD5.HashData(Encoding.UTF8.GetBytes($"{Username}:{Realm}:{Password}"));
#pragma warning restore CA5351
        router.Attach(endpoint, this);
    }

    internal IPEndPoint Endpoint { get; }

    internal IPAddress RelayAddress { get; }

    internal uint LifetimeSeconds { get; }

    /// <summary>Answers nothing and relays nothing (a server that is not there).</summary>
    internal bool Silent { get; set; }

    internal long Allocations { get; private set; }

    internal long Refreshes { get; private set; }

    internal long Deallocations { get; private set; }

    internal long Unauthorized { get; private set; }

    internal long SendIndications { get; private set; }

    internal long ChannelDataFromClients { get; private set; }

    internal long DataIndications { get; private set; }

    internal long ChannelDataToClients { get; private set; }

    internal long DroppedWithoutPermission { get; private set; }

    internal List<(long At, IPEndPoint Client, IPAddress Peer)> PermissionsCreated { get; } = [];

    public long NextTimeoutNs => RtcTime.Never;

    public void Timeout(long nowNs)
    {
    }

    /// <summary>Drops <paramref name="client"/>'s allocation without telling it (a server restart): its next request gets 437.</summary>
    internal void Forget(IPEndPoint client)
    {
        if (_byClient.Remove(client, out var allocation))
        {
            _byRelay.Remove(allocation.Relay);
        }
    }

    /// <summary>The relayed endpoint allocated for <paramref name="client"/>, if any.</summary>
    internal IPEndPoint? RelayFor(IPEndPoint client) => _byClient.TryGetValue(client, out var a) ? a.Relay : null;

    public void Receive(long nowNs, byte[] packet, IPEndPoint from, IPEndPoint to)
    {
        if (Silent)
        {
            return;
        }

        if (to.Equals(Endpoint))
        {
            FromClient(nowNs, packet, from);
        }
        else if (_byRelay.TryGetValue(to, out var allocation))
        {
            FromPeer(allocation, packet, from);
        }
    }

    private void FromClient(long nowNs, byte[] packet, IPEndPoint client)
    {
        if (TurnChannelData.TryRead(packet, out ushort channel, out int length))
        {
            if (_byClient.TryGetValue(client, out var a) && a.Channels.TryGetValue(channel, out var peer))
            {
                ChannelDataFromClients++;
                _router.Send(a.Relay, peer, packet.AsSpan(TurnChannelData.HeaderSize, length).ToArray());
            }

            return;
        }

        if (!StunMessageReader.TryRead(packet, out var message))
        {
            return;
        }

        if (message.Class == StunClass.Indication && message.Method == StunMethod.Send)
        {
            if (_byClient.TryGetValue(client, out var a) && message.TryGetXorPeerAddress(out var peer)
                && message.TryGetData(out var data) && a.Permissions.Contains(peer!.Address))
            {
                SendIndications++;
                _router.Send(a.Relay, peer, data.ToArray());
            }

            return;
        }

        if (message.Class != StunClass.Request)
        {
            return;
        }

        if (!message.Contains(StunAttributeType.MessageIntegrity) || !message.VerifyIntegrity(_key))
        {
            Unauthorized++;
            Answer(client, Error(message, StunErrorCode.Unauthenticated, withRealm: true));
            return;
        }

        _byClient.TryGetValue(client, out var allocation);
        switch (message.Method)
        {
            case StunMethod.Allocate when allocation is null:
                var relay = new IPEndPoint(RelayAddress, _nextPort++);
                allocation = new Allocation(client, relay) { TransactionId = message.TransactionId };
                _byClient.Add(client, allocation);
                _byRelay.Add(relay, allocation);
                _router.Attach(relay, this);
                Allocations++;
                Answer(client, Success(message, relay, client, LifetimeSeconds));
                break;
            case StunMethod.Allocate when allocation is not null && allocation.TransactionId == message.TransactionId:
                // RFC 8656 §7.2: a retransmitted Allocate (its answer was lost) gets the success again.
                Answer(client, Success(message, allocation.Relay, client, LifetimeSeconds));
                break;
            case StunMethod.Refresh when allocation is not null:
                message.TryGetLifetime(out uint lifetime);
                if (lifetime == 0)
                {
                    Deallocations++;
                    _byClient.Remove(client);
                    _byRelay.Remove(allocation.Relay);
                }
                else
                {
                    Refreshes++;
                }

                Answer(client, Success(message, lifetime: lifetime == 0 ? 0 : LifetimeSeconds));
                break;
            case StunMethod.CreatePermission when allocation is not null && message.TryGetXorPeerAddress(out var peer):
                if (allocation.Permissions.Add(peer!.Address))
                {
                    PermissionsCreated.Add((nowNs, client, peer.Address));
                }

                Answer(client, Success(message));
                break;
            case StunMethod.ChannelBind when allocation is not null && message.TryGetXorPeerAddress(out var peer)
                                             && message.TryGetChannelNumber(out ushort number):
                allocation.Channels[number] = peer!;
                allocation.Permissions.Add(peer!.Address);
                Answer(client, Success(message));
                break;
            default:
                Answer(client, Error(message, allocation is null ? StunErrorCode.AllocationMismatch : 400, withRealm: false));
                break;
        }
    }

    private void FromPeer(Allocation allocation, byte[] packet, IPEndPoint peer)
    {
        if (!allocation.Permissions.Contains(peer.Address))
        {
            DroppedWithoutPermission++;
            return;
        }

        foreach (var (number, bound) in allocation.Channels)
        {
            if (bound.Equals(peer))
            {
                var channelData = new byte[TurnChannelData.HeaderSize + packet.Length];
                TurnChannelData.Write(channelData, number, packet);
                ChannelDataToClients++;
                _router.Send(Endpoint, allocation.Client, channelData);
                return;
            }
        }

        var buffer = new byte[packet.Length + 64];
        var writer = new StunMessageWriter(buffer, new StunMessageType(StunClass.Indication, StunMethod.Data), StunTransactionId.New());
        writer.AddXorPeerAddress(peer);
        writer.AddData(packet);
        DataIndications++;
        _router.Send(Endpoint, allocation.Client, writer.ToArray());
    }

    private void Answer(IPEndPoint client, byte[] response) => _router.Send(Endpoint, client, response);

    private byte[] Success(StunMessage request, IPEndPoint? relay = null, IPEndPoint? mapped = null, uint? lifetime = null)
    {
        var buffer = new byte[512];
        var writer = new StunMessageWriter(buffer, new StunMessageType(StunClass.SuccessResponse, request.Method), request.TransactionId);
        if (relay is not null)
        {
            writer.AddXorRelayedAddress(relay);
            writer.AddXorMappedAddress(mapped!);
        }

        if (lifetime is { } seconds)
        {
            writer.AddLifetime(seconds);
        }

        writer.AddMessageIntegrity(_key);
        writer.AddFingerprint();
        return writer.ToArray();
    }

    private static byte[] Error(StunMessage request, int code, bool withRealm)
    {
        var buffer = new byte[512];
        var writer = new StunMessageWriter(buffer, new StunMessageType(StunClass.ErrorResponse, request.Method), request.TransactionId);
        writer.AddErrorCode(code, "sim");
        if (withRealm)
        {
            writer.AddRealm(Realm);
            writer.AddNonce(Nonce);
        }

        writer.AddFingerprint();
        return writer.ToArray();
    }

    private sealed class Allocation(IPEndPoint client, IPEndPoint relay)
    {
        internal IPEndPoint Client { get; } = client;

        internal IPEndPoint Relay { get; } = relay;

        internal StunTransactionId TransactionId { get; init; }

        internal HashSet<IPAddress> Permissions { get; } = [];

        internal Dictionary<ushort, IPEndPoint> Channels { get; } = [];
    }
}

/// <summary>
/// An <see cref="RtcCore"/> attached to a <see cref="SimRouter"/> at its local endpoint: transmits go where the core
/// says, everything is drained at once; events, messages, candidates and the gathering status are recorded with their
/// time. <see cref="OnCandidate"/> is the signalling channel for trickled candidates.
/// </summary>
internal sealed class RelaySimPeer : IRoutedNode, IDisposable
{
    private readonly SimRouter _router;
    private long _next;
    private long _now;

    internal RelaySimPeer(SimRouter router, RtcCoreOptions options)
    {
        _router = router;
        Core = new RtcCore(options);
        router.Attach(options.LocalEndpoint, this);
    }

    internal RtcCore Core { get; }

    internal List<(long At, RtcOutputKind Kind)> Events { get; } = [];

    internal List<(byte[] Data, long ReceivedNs)> Received { get; } = [];

    internal List<IceCandidateLine> Candidates { get; } = [];

    internal (long At, string Status)? Gathered { get; private set; }

    internal IPEndPoint? SelectedSource { get; private set; }

    internal Action<IceCandidateLine>? OnCandidate { get; set; }

    internal bool Echo { get; set; }

    public long NextTimeoutNs => _next;

    internal bool Has(RtcOutputKind kind) => Events.Exists(e => e.Kind == kind);

    public void Receive(long nowNs, byte[] packet, IPEndPoint from, IPEndPoint to)
    {
        Core.HandleInput(nowNs, RtcInput.Receive(packet, from, to));
        Drain(nowNs);
    }

    public void Timeout(long nowNs) => Input(nowNs, RtcInput.Timeout);

    internal void Input(long nowNs, RtcInput input)
    {
        Core.HandleInput(nowNs, input);
        Drain(nowNs);
    }

    internal int Open(long nowNs, RtcChannelOptions options)
    {
        int id = Core.OpenChannel(nowNs, options);
        Drain(nowNs);
        return id;
    }

    internal bool Send(long nowNs, int channel, byte[] data)
    {
        bool sent = Core.HandleInput(nowNs, RtcInput.Send(channel, data, false));
        Drain(nowNs);
        return sent;
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
                    Assert.Equal(Core.Options.LocalEndpoint, output.Source);
                    _router.Send(output.Source!, output.Destination!, output.Data.ToArray());
                    break;
                case RtcOutputKind.Message:
                    Received.Add((output.Data.ToArray(), output.ReceivedNs));
                    if (Echo)
                    {
                        Core.HandleInput(_now, RtcInput.Send(output.Channel, output.Data.Span, output.IsText));
                    }

                    break;
                case RtcOutputKind.LocalCandidate:
                    Candidates.Add(output.Candidate!);
                    Events.Add((_now, output.Kind));
                    OnCandidate?.Invoke(output.Candidate!);
                    break;
                case RtcOutputKind.GatheringComplete:
                    Assert.Null(Gathered); // once
                    Gathered = (_now, output.Status!);
                    Events.Add((_now, output.Kind));
                    break;
                case RtcOutputKind.IceConnected:
                    SelectedSource = output.Source;
                    Events.Add((_now, output.Kind));
                    break;
                default:
                    Events.Add((_now, output.Kind));
                    break;
            }
        }
    }

    public void Dispose() => Core.Dispose();
}
