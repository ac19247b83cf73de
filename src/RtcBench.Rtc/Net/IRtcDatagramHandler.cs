using System.Net;

namespace RtcBench.Rtc.Net;

/// <summary>
/// Receives demultiplexed datagrams from <see cref="RtcUdpSocket"/>, on its receive thread, with the receive time
/// (monotonic ns) taken the moment the socket read returned. The bytes are only valid during the call; the endpoint
/// may be reused for later datagrams from the same source (treat it as read-only). Must not block.
/// </summary>
public interface IRtcDatagramHandler
{
    void OnStun(ReadOnlySpan<byte> datagram, IPEndPoint from, long receivedNs);

    void OnDtls(ReadOnlySpan<byte> datagram, IPEndPoint from, long receivedNs);

    /// <summary>TURN ChannelData (first byte 64..79). False when not expected (no allocation on that server): the
    /// socket drops and counts it like other unknown datagrams.</summary>
    bool OnChannelData(ReadOnlySpan<byte> datagram, IPEndPoint from, long receivedNs) => false;
}
