namespace RtcBench.Rtc.Sctp;

/// <summary>One entry of the association's event queue: an event object, or (when it is null) a pooled message.</summary>
internal readonly record struct SctpQueuedEvent(SctpEvent? Event, SctpReceivedMessage Message);
