using RtcBench.Core.Timing;
using RtcBench.LiveKit.Auth;

namespace RtcBench.LiveKit.Diagnostics;

/// <summary>What <see cref="LiveKitDoctor"/> checks and how long each step may take.</summary>
public sealed record LiveKitDoctorOptions
{
    /// <summary>The LiveKit URL (<c>LIVEKIT_URL</c>): signalling and the Twirp API are both served there.</summary>
    public required Uri Url { get; init; }

    public required LiveKitCredentials Credentials { get; init; }

    /// <summary>Pings A→B→A on each channel kind.</summary>
    public int PingCount { get; init; } = 20;

    /// <summary>How long one ping waits for its answer.</summary>
    public TimeSpan PingTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Each HTTP call (/rtc/validate, each Twirp call).</summary>
    public TimeSpan HttpTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Each participant's whole join (signal, both peer connections, four channels).</summary>
    public TimeSpan JoinTimeout { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>The test room is created with these, so that LiveKit closes it soon even if DeleteRoom never runs.</summary>
    public TimeSpan RoomEmptyTimeout { get; init; } = TimeSpan.FromSeconds(60);

    public TimeSpan RoomDepartureTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The join tokens' lifetime.</summary>
    public TimeSpan TokenLifetime { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>The unique room name (default <c>rtcbench-doctor-</c> and 12 random hex digits).</summary>
    public string RoomName { get; init; } = "rtcbench-doctor-" + Guid.NewGuid().ToString("N")[..12];

    public MonoTime Clock { get; init; } = MonoTime.System;

    internal void Validate()
    {
        if (PingCount is < 1 or > 10_000)
        {
            throw new ArgumentException("PingCount must be in [1, 10000].");
        }

        foreach (var (name, value) in new[] { (nameof(PingTimeout), PingTimeout), (nameof(HttpTimeout), HttpTimeout), (nameof(JoinTimeout), JoinTimeout) })
        {
            if (value <= TimeSpan.Zero || value > TimeSpan.FromMinutes(5))
            {
                throw new ArgumentException($"{name} must be in (0, 5 min].");
            }
        }

        ArgumentException.ThrowIfNullOrWhiteSpace(RoomName);
    }
}
