using RtcBench.Rtc.Sctp;

namespace RtcBench.Rtc.Tests.Sctp;

/// <summary>
/// RFC 6525 §5.2.2: a reset of the peer's outgoing streams restarts our expected SSNs. Ordered messages that were
/// waiting for an earlier SSN on a reset stream are dropped, and the bytes they held stop counting against the
/// receive window, whether the request names the streams or (an empty list) means all of them.
/// </summary>
public sealed class SctpReassemblerResetTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ResetStreams_WaitingMessages_AreReleasedFromTheBufferedBytes(bool allStreams)
    {
        var reassembler = new SctpReassembler(new Queue<SctpQueuedEvent>(), new SctpStats());
        Insert(reassembler, tsn: 1, streamId: 3, ssn: 1, length: 100); // SSN 0 never came: both wait
        Insert(reassembler, tsn: 2, streamId: 3, ssn: 2, length: 50);
        Assert.Equal(150, reassembler.BufferedBytes);

        reassembler.ResetStreams(allStreams ? [] : [(ushort)3]);

        Assert.Equal(0, reassembler.BufferedBytes);
    }

    [Fact]
    public void ResetStreams_All_ThenTheStreamStartsAgainAtSsnZero()
    {
        var events = new Queue<SctpQueuedEvent>();
        var reassembler = new SctpReassembler(events, new SctpStats());
        Insert(reassembler, tsn: 1, streamId: 3, ssn: 0, length: 10);
        Assert.Single(events);

        reassembler.ResetStreams([]);
        Insert(reassembler, tsn: 2, streamId: 3, ssn: 0, length: 10);

        Assert.Equal(2, events.Count);
        Assert.Equal(0, reassembler.BufferedBytes);
    }

    private static void Insert(SctpReassembler reassembler, uint tsn, ushort streamId, ushort ssn, int length)
    {
        var chunk = new DataChunk
        {
            Flags = DataChunk.FlagBeginning | DataChunk.FlagEnding,
            Tsn = tsn,
            StreamId = streamId,
            Ssn = ssn,
            Ppid = 53,
            UserData = new byte[length],
        }.ToArray();
        Assert.True(DataChunkView.TryRead(chunk, out var view));
        reassembler.Insert(tsn, view);
    }
}
