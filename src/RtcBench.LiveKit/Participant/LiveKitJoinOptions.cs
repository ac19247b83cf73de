using System.Net;
using RtcBench.Core.Timing;

namespace RtcBench.LiveKit.Participant;

/// <summary>How to join a LiveKit room as a data-only participant (v0 signalling: two peer connections).</summary>
public sealed record LiveKitJoinOptions
{
    /// <summary>The server: <c>wss://project.livekit.cloud</c>, <c>ws://127.0.0.1:7880</c>, or the http(s) equivalent.</summary>
    public required Uri Url { get; init; }

    /// <summary>The access token (JWT). Sent only as the <c>access_token</c> query parameter; never logged or shown.</summary>
    public required string Token { get; init; }

    /// <summary>Our host candidate address; null picks the address the OS routes towards the server.</summary>
    public IPAddress? LocalAddress { get; init; }

    /// <summary>The <c>sdk</c> query parameter. Unknown names make the server treat us as SDK UNKNOWN, its most
    /// conservative profile (PROTOCOLS.md §2 A1), which is what we want.</summary>
    public string Sdk { get; init; } = "rtcbench";

    /// <summary>The <c>version</c> query parameter.</summary>
    public string SdkVersion { get; init; } = "0.1.0";

    /// <summary>WebSocket connect, join response, both peer connections and all four channels must finish within this.</summary>
    public TimeSpan JoinTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The leave request and close handshake may take this long before the socket is dropped.</summary>
    public TimeSpan LeaveTimeout { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>Monotonic clock for receive timestamps, timings and timeouts.</summary>
    public MonoTime Clock { get; init; } = MonoTime.System;

    /// <summary>Peer connection timeouts (ICE, DTLS, SCTP, channel open); null: the stack's defaults.</summary>
    public TimeSpan? PeerPhaseTimeout { get; init; }

    internal void Validate()
    {
        var errors = new List<string>();
        if (Url is null || !Url.IsAbsoluteUri || Url.Scheme is not ("ws" or "wss" or "http" or "https"))
        {
            errors.Add("Url must be an absolute ws, wss, http or https URL.");
        }

        if (string.IsNullOrWhiteSpace(Token))
        {
            errors.Add("Token is required.");
        }

        if (string.IsNullOrWhiteSpace(Sdk) || string.IsNullOrWhiteSpace(SdkVersion))
        {
            errors.Add("Sdk and SdkVersion must not be empty.");
        }

        if (JoinTimeout <= TimeSpan.Zero || JoinTimeout > TimeSpan.FromMinutes(5))
        {
            errors.Add("JoinTimeout must be in (0, 5 min].");
        }

        if (LeaveTimeout <= TimeSpan.Zero || LeaveTimeout > TimeSpan.FromMinutes(1))
        {
            errors.Add("LeaveTimeout must be in (0, 1 min].");
        }

        if (PeerPhaseTimeout is { } phase && (phase <= TimeSpan.Zero || phase > TimeSpan.FromMinutes(5)))
        {
            errors.Add("PeerPhaseTimeout must be in (0, 5 min].");
        }

        if (Clock is null)
        {
            errors.Add("Clock is required.");
        }

        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid LiveKitJoinOptions: " + string.Join(" ", errors));
        }
    }
}
