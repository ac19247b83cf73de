namespace RtcBench.LiveKit.Tests.StandIn;

/// <summary>A data channel the server creates on its subscriber connection (in-band DCEP, id chosen by werift).</summary>
internal sealed record WeriftChannelSpec(string Label, bool Ordered, int? MaxRetransmits = null);
