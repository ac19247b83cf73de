namespace RtcBench.Server.Events;

/// <summary>One server-sent event, already serialised once for every subscriber: id, type and the JSON data line.</summary>
internal sealed record ServerEvent(long Id, string Type, string Data);
