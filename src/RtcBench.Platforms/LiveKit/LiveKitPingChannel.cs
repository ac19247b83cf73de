using System.Globalization;
using RtcBench.Core.Results;
using RtcBench.LiveKit.Data;
using RtcBench.LiveKit.Participant;
using RtcBench.Rtc.Peer;

namespace RtcBench.Platforms.LiveKit;

/// <summary>
/// One LiveKit data channel kind (<c>_reliable</c> or <c>_lossy</c>) to the echo participant as an
/// <see cref="IPingChannel"/>. A ping goes runner → SFU → echo → SFU → runner: two SFU traversals per RTT. Pings leave
/// on our publisher connection addressed to the echo's identity; pongs arrive (subscriber connection when the server
/// makes it primary) with the socket receive time of the datagram that completed them, on that connection's loop.
/// </summary>
internal sealed class LiveKitPingChannel(LiveKitSession session, LiveKitDataKind kind) : IPingChannel, IChannelDiagnostics, IEchoLossSignal
{
    private volatile IMessageSink? _sink;
    private int _disposed;

    public LiveKitDataKind Kind => kind;

    public string Channel => kind == LiveKitDataKind.Reliable ? "reliable" : "lossy";

    public string TransportMode => "webrtc-datachannel";

    /// <summary>The echo participant left, or our LiveKit session ended (not by our own leaving).</summary>
    public Task<EchoLoss> EchoLost => session.EchoLost;

    public PathInfo DescribePath()
    {
        var participant = session.Participant;
        var server = participant.ServerInfo;
        var details = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["path"] = "runner -> SFU -> echo -> SFU -> runner (two SFU traversals)",
            ["label"] = kind == LiveKitDataKind.Reliable ? LiveKitParticipant.ReliableLabel : LiveKitParticipant.LossyLabel,
            ["echo_identity"] = session.EchoIdentity,
            ["identity"] = participant.Identity,
            ["participant_sid"] = participant.Sid,
            ["room"] = participant.RoomName,
            ["subscriber_primary"] = participant.SubscriberPrimary ? "true" : "false",
            ["signal_rtt_ms"] = participant.SignalRttMs.ToString(CultureInfo.InvariantCulture),
        };
        Add(details, "room_sid", participant.RoomSid);
        Add(details, "server_version", server?.Version);
        Add(details, "server_edition", server?.Edition);
        Add(details, "server_node", server?.NodeId);
        Add(details, "publisher_pair", participant.PublisherPair?.ToString());
        Add(details, "subscriber_pair", participant.SubscriberPair?.ToString());
        Add(details, "publisher_ice", participant.PublisherIceRole);
        Add(details, "subscriber_ice", participant.SubscriberIceRole);
        AddTimings(details, "publisher", participant.PublisherTimings);
        AddTimings(details, "subscriber", participant.SubscriberTimings);
        Add(details, "publisher_local_type", participant.PublisherPair?.LocalType);
        Add(details, "subscriber_local_type", participant.SubscriberPair?.LocalType);
        if (participant.IceServers.Count > 0 || participant.RelayOnly)
        {
            // URLs and relay outcomes only: the TURN username and credential are short-lived secrets.
            details["ice_servers"] = string.Join(' ', participant.IceServers.SelectMany(s => s.Urls));
            details["ice_transport_policy"] = participant.RelayOnly ? "relay" : "all";
            Add(details, "publisher_relay", participant.PublisherRelayStatus);
            Add(details, "subscriber_relay", participant.SubscriberRelayStatus);
        }

        // The pong comes back on the subscriber connection when it is primary: that pair is the path we time.
        var pair = participant.SubscriberPair ?? participant.PublisherPair;
        return new PathInfo
        {
            Transport = "webrtc-datachannel",
            Reliability = kind == LiveKitDataKind.Reliable ? "reliable-ordered" : "unordered-maxRetransmits-0",
            LocalAddress = pair?.Local.ToString(),
            RemoteAddress = pair?.Remote.ToString(),
            CandidatePair = participant.PublisherPair is { } publisher && participant.SubscriberPair is { } subscriber
                ? $"publisher {publisher}; subscriber {subscriber}"
                : pair?.ToString(),
            ServerRegion = string.IsNullOrEmpty(server?.Region) ? null : server.Region,
            SetupMs = participant.JoinTimings.ReadyMs,
            Details = details,
        };
    }

    public void SetSink(IMessageSink? sink) => _sink = sink;

    public void Send(ReadOnlySpan<byte> message)
    {
        try
        {
            // False means the stack's queue was full: the ping is lost, like a full socket buffer would lose it.
            session.Participant.Send(kind, message, session.EchoIdentity);
        }
        catch (InvalidOperationException ex)
        {
            throw new IOException($"the LiveKit '{Channel}' channel is gone: {session.Participant.Outcome?.ToString() ?? ex.Message}", ex);
        }
    }

    public string? ExplainSilence()
    {
        var participant = session.Participant;
        if (participant.Outcome is { } outcome)
        {
            return "the LiveKit session is over: " + outcome;
        }

        if (!participant.Participants.Any(p => p.Identity == session.EchoIdentity))
        {
            return $"the echo participant '{session.EchoIdentity}' is not in the LiveKit room";
        }

        return session.Foreign > 0 ? $"{session.Foreign} packets came from participants other than the echo" : null;
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _sink = null;
            await session.ReleaseAsync().ConfigureAwait(false);
        }
    }

    internal void Deliver(ReadOnlySpan<byte> payload, long receivedNs) => _sink?.OnMessage(payload, receivedNs);

    private static void Add(Dictionary<string, string> details, string key, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            details[key] = value;
        }
    }

    private static void AddTimings(Dictionary<string, string> details, string which, PeerTimings? timings)
    {
        if (timings is null)
        {
            return;
        }

        foreach (var (name, ms) in new[] { ("ice_ms", timings.IceMs), ("dtls_ms", timings.DtlsMs), ("sctp_ms", timings.SctpMs) })
        {
            if (ms is { } value)
            {
                details[$"{which}_{name}"] = value.ToString("0.###", CultureInfo.InvariantCulture);
            }
        }
    }
}
