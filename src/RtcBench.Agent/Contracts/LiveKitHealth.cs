namespace RtcBench.Agent.Contracts;

/// <summary>
/// The <c>livekit</c> block of GET /health (present when the platform is on): rooms set up and cleaned up, and the
/// echo's counters summed over every room since start.
/// </summary>
/// <param name="RoomsOpen">LiveKit rooms the agent has now.</param>
/// <param name="RoomsCreated">Rooms whose echo joined (answered /connect).</param>
/// <param name="SetupFailures">/connect attempts LiveKit refused (Twirp error or the echo's join failed).</param>
/// <param name="RoomsDeleted">Rooms deleted after their echo left (or found already gone).</param>
/// <param name="DeleteFailures">Deletions that failed (LiveKit closes those rooms after their departure timeout).</param>
/// <param name="PingsEchoed">Pongs sent.</param>
/// <param name="Malformed">Packets the echo could not answer.</param>
internal sealed record LiveKitHealth(
    int RoomsOpen, long RoomsCreated, long SetupFailures, long RoomsDeleted, long DeleteFailures, long PingsEchoed, long Malformed);
