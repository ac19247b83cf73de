using System.Net;
using RtcBench.Rtc.Turn;

namespace RtcBench.Rtc.Core;

/// <summary>
/// A TURN server (RFC 8656, UDP) for <see cref="RtcCoreOptions.Turn"/>: the core allocates a relay on it at its first
/// input and offers the relayed address as a second local candidate of its full ICE agent. The endpoint is already
/// resolved (DNS is the caller's); transmits for it leave from <see cref="RtcCoreOptions.LocalEndpoint"/>, and its
/// datagrams come back as <see cref="RtcInput.Receive"/> from <see cref="Server"/>.
/// </summary>
public sealed record RtcTurnOptions
{
    /// <summary>Where the TURN server listens (same address family as <see cref="RtcCoreOptions.LocalEndpoint"/>).</summary>
    public required IPEndPoint Server { get; init; }

    /// <summary>Long-term credentials (the password only feeds the MD5 key; it is never in a message or a status).</summary>
    public required TurnCredentials Credentials { get; init; }

    /// <summary>The URL as configured (<c>turn:host:port?transport=udp</c>), for status texts only; <c>turn:Server</c> when null.</summary>
    public string? Url { get; init; }

    /// <summary>
    /// <see cref="RtcOutputKind.GatheringComplete"/> comes at the latest this long after the start, allocated or not
    /// (as <c>PeerConnectionOptions.GatheringTimeout</c>, 5 s); the allocation keeps trying afterwards.
    /// </summary>
    public long GatheringTimeoutNs { get; init; } = 5 * RtcTime.NsPerSecond;

    /// <summary>Retransmission and refresh tunables of the TURN client; the RFC defaults when null.</summary>
    public TurnClientOptions? Client { get; init; }

    internal string DisplayUrl => Url ?? $"turn:{Server}";

    internal void Validate(List<string> errors, IPEndPoint local)
    {
        if (Server is null)
        {
            errors.Add("Turn.Server is required.");
        }
        else if (Server.AddressFamily != local.AddressFamily)
        {
            errors.Add("Turn.Server must be of the LocalEndpoint's address family.");
        }

        if (Credentials is null) errors.Add("Turn.Credentials are required.");
        if (GatheringTimeoutNs <= 0) errors.Add("Turn.GatheringTimeoutNs must be positive.");
    }
}
