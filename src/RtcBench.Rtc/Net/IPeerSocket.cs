using System.Net;

namespace RtcBench.Rtc.Net;

/// <summary>
/// The datagram transport under one peer connection: its own <see cref="RtcUdpSocket"/> (the runner, the default) or a
/// <see cref="UdpMuxSession"/> on a socket shared by many sessions (the echo agent). Received datagrams reach the
/// connection as <see cref="IRtcDatagramHandler"/> calls, with the socket-side receive time, either way.
/// </summary>
internal interface IPeerSocket : IDisposable
{
    /// <summary>Our address and port: the host candidate.</summary>
    IPEndPoint LocalEndPoint { get; }

    /// <summary>Sends one datagram. Thread-safe; network errors are counted, never thrown; a no-op once disposed.</summary>
    void SendTo(ReadOnlySpan<byte> datagram, IPEndPoint destination);

    /// <summary>
    /// Tells a shared socket that datagrams from <paramref name="remote"/> are this session's from now on (called before
    /// an ICE check or a successful check response goes out to it). A socket of our own needs no routes: a no-op.
    /// </summary>
    void Claim(IPEndPoint remote);
}
