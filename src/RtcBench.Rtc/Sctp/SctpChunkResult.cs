namespace RtcBench.Rtc.Sctp;

/// <summary>
/// What a chunk handler tells the packet loop (<see cref="SctpAssociation.HandleInput"/>). Stopping and refusing are
/// different things: a handled INIT, INIT-ACK or ABORT ends the packet (RFC 9260 §6.10: INIT, INIT-ACK and
/// SHUTDOWN-COMPLETE are alone in their packet), a bad cookie is counted in its own statistic, and only a chunk that
/// fails to parse, or breaks a rule of its own format (an INIT with Initiate Tag 0), counts in
/// <see cref="SctpStats.MalformedPackets"/>.
/// </summary>
internal enum SctpChunkResult
{
    /// <summary>Handled (or ignored and counted as such): read the next chunk of the packet.</summary>
    Continue,

    /// <summary>Handled, and the rest of the packet is not read (the chunk must be alone, or the association ended).</summary>
    Stop,

    /// <summary>The chunk is malformed: count it, drop the rest of the packet.</summary>
    Malformed,
}
