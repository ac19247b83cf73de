namespace RtcBench.Rtc.Sctp;

/// <summary>Something the upper layer must know about; drained with <see cref="SctpAssociation.TryPollEvent"/>.</summary>
public abstract record SctpEvent;

/// <summary>The association reached ESTABLISHED.</summary>
public sealed record SctpConnected : SctpEvent;

/// <summary>A complete user message.</summary>
public sealed record SctpMessageReceived(ushort StreamId, uint Ppid, byte[] Data, bool Ordered) : SctpEvent;

/// <summary>
/// Streams were reset (RFC 6525): <c>Incoming</c> when the peer reset its outgoing streams (so our incoming ones),
/// otherwise our own outgoing reset request succeeded.
/// </summary>
public sealed record SctpStreamReset(IReadOnlyList<ushort> StreamIds, bool Incoming) : SctpEvent;

/// <summary>The association ended: graceful shutdown, local abort, or failure (e.g. peer unreachable).</summary>
public sealed record SctpClosed(SctpCloseReason Reason, string Detail) : SctpEvent;

/// <summary>The peer sent ABORT; <c>CauseCode</c> is the first error cause (0 if none), <c>Detail</c> its text.</summary>
public sealed record SctpAborted(ushort CauseCode, string Detail) : SctpEvent;
