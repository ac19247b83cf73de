namespace RtcBench.Platforms.Daily;

/// <summary>
/// How a Daily room routes a two-party call, which decides what an app-message RTT measures: in peer-to-peer mode
/// daily-js sends app messages over an RTCDataChannel between the two browsers; in SFU mode over Daily's own
/// signalling WebSocket through Daily's servers. A benchmark condition: chosen per run and recorded.
/// </summary>
public enum DailyTopology
{
    /// <summary>SFU from the first participant (room property <c>sfu_switchover: 0.5</c>, as Daily's own test client does).</summary>
    Sfu,

    /// <summary>Peer-to-peer for a 1:1 call (room property <c>sfu_switchover: 4</c>: SFU only above four participants).</summary>
    P2P,
}
