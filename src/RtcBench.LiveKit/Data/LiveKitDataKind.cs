namespace RtcBench.LiveKit.Data;

/// <summary>
/// The two LiveKit data channels (PROTOCOLS.md §2 A3). The channel label decides the kind on the server: what a
/// packet says in its deprecated <c>kind</c> field is overwritten.
/// </summary>
public enum LiveKitDataKind
{
    /// <summary><c>_reliable</c>: ordered, fully retransmitted; packets carry a per-sender sequence from 1.</summary>
    Reliable = 0,

    /// <summary><c>_lossy</c>: unordered, maxRetransmits 0 (sent once); sequence 0.</summary>
    Lossy = 1,
}
