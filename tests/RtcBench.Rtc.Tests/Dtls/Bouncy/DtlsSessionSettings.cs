namespace RtcBench.Rtc.Dtls;

/// <summary>
/// How the test-side <see cref="DtlsSession"/> runs, beside the endpoint's <see cref="DtlsSessionOptions"/>: which
/// engine, its receive queue, its record layer and its clock.
/// </summary>
public sealed record DtlsSessionSettings
{
    public static DtlsSessionSettings Default { get; } = new();

    /// <summary>
    /// <see cref="DtlsEngine.Managed"/> (the production handshake in a thin threaded shell, the default) or
    /// <see cref="DtlsEngine.Bouncy"/> (BouncyCastle on a thread per session during the handshake, the independent peer).
    /// </summary>
    public DtlsEngine Engine { get; init; } = DtlsEngine.Managed;

    /// <summary>Bouncy engine: incoming datagrams waiting for the DTLS thread; beyond this they are dropped and counted.</summary>
    public int ReceiveQueueCapacity { get; init; } = 512;

    /// <summary>
    /// Bouncy engine: after a handshake that negotiated 0xC02B, protect records with our own AES-GCM record layer and
    /// end the DTLS thread. Off, or another suite: BouncyCastle keeps the record layer and its thread.
    /// </summary>
    public bool ManagedRecordLayer { get; init; } = true;

    /// <summary>Drives the handshake timeout (and the managed engine's timers); BouncyCastle's own timers read the real clock.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    public void Validate()
    {
        var errors = new List<string>();
        if (!Enum.IsDefined(Engine))
        {
            errors.Add($"Engine {Engine} is not a DtlsEngine.");
        }

        if (ReceiveQueueCapacity is < 1 or > 65536)
        {
            errors.Add($"ReceiveQueueCapacity {ReceiveQueueCapacity} must be in [1, 65536].");
        }

        if (TimeProvider is null)
        {
            errors.Add("TimeProvider is required.");
        }

        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid DtlsSessionSettings: " + string.Join(" ", errors));
        }
    }
}
