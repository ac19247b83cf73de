using RtcBench.Agent.Platforms;
using RtcBench.Core.Protocol;
using RtcBench.Core.Timing;
using RtcBench.LiveKit.Data;

namespace RtcBench.Agent.Tests;

/// <summary>
/// The livekit echo's data path on its own (no server): what it answers, to whom, on which kind, what it counts, and
/// that a warmed path does not allocate. Pongs go to a recorder instead of a LiveKit participant, so the figures are
/// the echo's own, independent of the WebRTC stack below it (covered end to end in RtcBench.LiveKit.Tests/EndToEnd).
/// </summary>
public sealed class LiveKitEchoRoomTests
{
    private readonly RunId _run = RunId.New();
    private readonly byte[] _ping = new byte[PingCodec.MaxMessageBytes];

    [Fact]
    public void OnData_Ping_PongToTheSenderOnTheSameKindWithRxAndTx()
    {
        var sent = new Recorder();
        var room = NewRoom(sent);

        foreach (var kind in new[] { LiveKitDataKind.Reliable, LiveKitDataKind.Lossy })
        {
            int n = PingCodec.WritePing(_ping, _run, 7, 1_000_000, 200);
            long rx = MonoTime.System.NowNs();
            room.OnData(kind, "rtcbench-runner-x", _ping.AsSpan(0, n), rx);

            Assert.Equal(kind, sent.Kind);
            Assert.Equal("rtcbench-runner-x", sent.Destination);
            Assert.True(PingCodec.TryReadPong(sent.Last, out var pong));
            Assert.Equal(_run, pong.RunId);
            Assert.Equal(7, pong.Seq);
            Assert.Equal(1_000_000, pong.SentNs);
            Assert.Equal(rx, pong.EchoRxNs);
            Assert.True(pong.EchoTxNs >= pong.EchoRxNs);
            Assert.Equal(rx, room.Activity.LastActivityNs);
        }

        Assert.Equal(2, room.Echoed);
        Assert.Equal(2, room.Activity.PingsEchoed);
        Assert.Equal(0, room.Malformed + room.SendFailed);
    }

    [Fact]
    public void OnData_NotAPingNoSenderOrPongTooLarge_CountedMalformedNothingSent()
    {
        var sent = new Recorder();
        var room = NewRoom(sent);
        int n = PingCodec.WritePing(_ping, _run, 1, 1, 100);
        int big = PingCodec.WritePing(_ping.AsSpan(n), _run, 2, 1, 15 * 1024);

        room.OnData(LiveKitDataKind.Reliable, "runner", "{\"v\":1,\"t\":\"pong\"}"u8, 1);
        room.OnData(LiveKitDataKind.Lossy, "runner", [0xff, 0x00, 0x7b], 2);
        room.OnData(LiveKitDataKind.Reliable, string.Empty, _ping.AsSpan(0, n), 3); // a hidden sender cannot be answered
        room.OnData(LiveKitDataKind.Reliable, "runner", _ping.AsSpan(n, big), 4);

        Assert.Equal(4, room.Malformed);
        Assert.Equal(0, sent.Count);
        Assert.Equal(0, room.Echoed);
    }

    [Fact]
    public void OnData_SendRefused_CountedAsSendFailedNotEchoed()
    {
        var room = NewRoom(new Recorder { Accept = false });
        int n = PingCodec.WritePing(_ping, _run, 1, 1, 100);

        room.OnData(LiveKitDataKind.Lossy, "runner", _ping.AsSpan(0, n), 10);

        Assert.Equal(1, room.SendFailed);
        Assert.Equal(0, room.Echoed);
    }

    [Fact]
    public void OnData_NotJoined_SendThrowsInsideAndIsCountedNotThrown()
    {
        var room = new LiveKitEchoRoom("rtcbench-r", "runner", "echo", MonoTime.System);
        int n = PingCodec.WritePing(_ping, _run, 1, 1, 100);

        room.OnData(LiveKitDataKind.Reliable, "runner", _ping.AsSpan(0, n), 10);

        Assert.Equal(1, room.SendFailed);
        Assert.Equal("not joined yet", room.Describe().Runner);
        Assert.Equal("in the room", room.Describe().Echo);
    }

    [Fact]
    public void OnData_Warmed_DoesNotAllocate()
    {
        var sent = new Recorder();
        var room = NewRoom(sent);
        int n = PingCodec.WritePing(_ping, _run, 1, 1, 128);
        var ping = _ping.AsSpan(0, n);
        room.OnData(LiveKitDataKind.Reliable, "runner", ping, 1);
        room.OnData(LiveKitDataKind.Lossy, "runner", ping, 2);

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10_000; i++)
        {
            room.OnData(LiveKitDataKind.Reliable, "runner", ping, i);
            room.OnData(LiveKitDataKind.Lossy, "runner", ping, i);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(20_002, room.Echoed);
        Assert.Equal(20_002, sent.Count);
    }

    private static LiveKitEchoRoom NewRoom(Recorder sent) =>
        new("rtcbench-r", "runner", "echo", MonoTime.System, sent.Send);

    /// <summary>Keeps the last pong in a fixed buffer (no allocation per call).</summary>
    private sealed class Recorder
    {
        private readonly byte[] _last = new byte[PingCodec.MaxMessageBytes];
        private int _length;

        public bool Accept { get; init; } = true;

        public int Count { get; private set; }

        public LiveKitDataKind Kind { get; private set; }

        public string? Destination { get; private set; }

        public byte[] Last => _last.AsSpan(0, _length).ToArray();

        public bool Send(LiveKitDataKind kind, ReadOnlySpan<byte> pong, string destinationIdentity)
        {
            Count++;
            Kind = kind;
            Destination = destinationIdentity;
            pong.CopyTo(_last);
            _length = pong.Length;
            return Accept;
        }
    }
}
