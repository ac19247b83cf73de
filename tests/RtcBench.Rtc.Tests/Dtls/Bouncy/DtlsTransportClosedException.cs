namespace RtcBench.Rtc.Dtls;

/// <summary>
/// Thrown into BouncyCastle when the adapter has been closed. An <see cref="IOException"/> so that BouncyCastle
/// unwinds its handshake or receive loop without treating it as a protocol error of its own.
/// </summary>
internal sealed class DtlsTransportClosedException : IOException
{
    public DtlsTransportClosedException()
        : base("The DTLS datagram transport is closed.")
    {
    }
}
