namespace RtcBench.Rtc.Peer;

/// <summary>
/// One received data-channel message (valid only during the call; copy it to keep it), on the thread that received
/// it (the socket's receive thread), under the connection's lock; it may send (an echo). <paramref name="receivedNs"/> is the monotonic time at which the socket returned the datagram that completed
/// the message, so queueing inside the stack does not count as network time. Must not block.
/// </summary>
public delegate void DataChannelMessageHandler(DataChannel channel, ReadOnlySpan<byte> message, bool isText, long receivedNs);
