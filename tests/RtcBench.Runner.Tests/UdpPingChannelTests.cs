using RtcBench.Core.Measurement;
using RtcBench.Core.Protocol;
using RtcBench.Core.Timing;
using RtcBench.Platforms;
using RtcBench.Platforms.Udp;

namespace RtcBench.Runner.Tests;

public sealed class UdpPingChannelTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private sealed class CollectingSink(int expected) : IMessageSink
    {
        private int _count;

        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public long LastReceivedNs;

        public byte[] LastMessage = [];

        public void OnMessage(ReadOnlySpan<byte> message, long receivedNs)
        {
            LastReceivedNs = receivedNs;
            LastMessage = message.ToArray();
            if (Interlocked.Increment(ref _count) >= expected)
            {
                Done.TrySetResult();
            }
        }
    }

    [Fact]
    public async Task Send_ToRealEcho_DeliversPongWithReceiveTimestampAfterSend()
    {
        using var echo = new RawUdpEcho();
        await using var channel = UdpPingChannel.Open(echo.Endpoint, echo.Room, echo.Token, MonoTime.System);
        var sink = new CollectingSink(1);
        channel.SetSink(sink);
        var run = RunId.New();
        var buffer = new byte[256];
        long sentNs = MonoTime.System.NowNs();
        int n = PingCodec.WritePing(buffer, run, 0, sentNs, 64);

        channel.Send(buffer.AsSpan(0, n));
        await sink.Done.Task.WaitAsync(Timeout);

        Assert.True(PingCodec.TryReadPong(sink.LastMessage, out var pong));
        Assert.Equal(run, pong.RunId);
        Assert.Equal(0, pong.Seq);
        Assert.True(sink.LastReceivedNs > sentNs);
        Assert.Equal("lossy", channel.Channel);
        Assert.Equal("udp", channel.DescribePath().Transport);
    }

    [Fact]
    public async Task Receive_PongForAnotherRoom_IsDroppedAndCounted()
    {
        using var echo = new RawUdpEcho { WrongRoom = true };
        await using var channel = UdpPingChannel.Open(echo.Endpoint, echo.Room, echo.Token, MonoTime.System);
        var sink = new CollectingSink(1);
        channel.SetSink(sink);
        var buffer = new byte[256];
        int n = PingCodec.WritePing(buffer, RunId.New(), 0, 1000, 64);

        // Send until the echo's foreign answers have been seen and counted (no sleeping: poll the counter).
        var elapsed = System.Diagnostics.Stopwatch.StartNew();
        while (channel.DroppedForeign == 0 && elapsed.Elapsed < Timeout)
        {
            channel.Send(buffer.AsSpan(0, n));
            await Task.Yield();
            SpinWait.SpinUntil(() => channel.DroppedForeign > 0, 50);
        }

        Assert.True(channel.DroppedForeign > 0);
        Assert.False(sink.Done.Task.IsCompleted);
    }

    [Fact]
    public async Task HotPath_SteadyState_AllocatesNothingOnSendOrReceive()
    {
        using var echo = new RawUdpEcho();
        await using var channel = UdpPingChannel.Open(echo.Endpoint, echo.Room, echo.Token, MonoTime.System);
        var clock = MonoTime.System;
        var config = new RunConfig { Count = 3000, Warmup = 0, Interval = TimeSpan.FromMilliseconds(1), Deadline = TimeSpan.FromSeconds(5) };
        var session = new PingSession(RunId.New(), config, clock.NowNs());
        var sink = new SessionSink(session);
        channel.SetSink(sink);
        var buffer = new byte[PingCodec.MaxMessageBytes];

        void SendOne()
        {
            int n = session.WriteNextPing(clock.NowNs(), buffer, out _);
            channel.Send(buffer.AsSpan(0, n));
        }

        // Warm up both threads (JIT, socket event args, first-use caches), one ping in flight at a time.
        for (int i = 0; i < 1000; i++)
        {
            SendOne();
            await WaitAnsweredAsync(session, i + 1);
        }
        long receiveBefore = channel.ReceiveThreadAllocatedBytes;
        long sendBefore = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 1000; i < 2000; i++)
        {
            SendOne();
            // A plain spin: a lambda here would allocate a delegate per iteration on this thread.
            long spins = 0;
            while (session.AnsweredCount <= i && spins++ < 2_000_000_000)
            {
                Thread.SpinWait(10);
            }
        }
        long sendAllocated = GC.GetAllocatedBytesForCurrentThread() - sendBefore;
        long receiveAllocated = channel.ReceiveThreadAllocatedBytes - receiveBefore;

        Assert.Equal(2000, session.AnsweredCount);
        Assert.Equal(0, sendAllocated);
        Assert.Equal(0, receiveAllocated);
    }

    [Fact]
    public async Task ReceivingHere_PongsAreDeliveredOnTheWaitingThread_AndOnTheReceiveThreadAgainAfterwards()
    {
        using var echo = new RawUdpEcho();
        await using var channel = UdpPingChannel.Open(echo.Endpoint, echo.Room, echo.Token, MonoTime.System);
        var sink = new ThreadRecordingSink();
        channel.SetSink(sink);
        var buffer = new byte[256];
        var run = RunId.New();
        int me = Environment.CurrentManagedThreadId;

        Assert.True(channel.BeginReceivingHere());
        for (int seq = 0; seq < 20; seq++)
        {
            long sentNs = MonoTime.System.NowNs();
            channel.Send(buffer.AsSpan(0, PingCodec.WritePing(buffer, run, seq, sentNs, 64)));
            for (int i = 0; i < 1000 && sink.Count <= seq; i++)
            {
                channel.ReceiveFor(10_000_000);
            }
            Assert.Equal(seq + 1, sink.Count);
            Assert.True(sink.LastReceivedNs > sentNs);
        }
        // The receive thread reads at most the one datagram it was already blocked for; every other pong is read here.
        Assert.True(sink.Threads.Count(t => t != me) <= 1, $"pongs on other threads: {sink.Threads.Count(t => t != me)}");

        channel.EndReceivingHere();
        channel.Send(buffer.AsSpan(0, PingCodec.WritePing(buffer, run, 20, MonoTime.System.NowNs(), 64)));
        Assert.True(SpinWait.SpinUntil(() => sink.Count == 21, Timeout), "the receive thread did not take receiving back");
        Assert.NotEqual(me, sink.Threads[^1]);
        Assert.Equal(0, channel.ReceiveErrors);
    }

    [Fact]
    public async Task ReceiveFor_NothingArrives_ReturnsNoEarlierThanAsked()
    {
        using var echo = new RawUdpEcho { Silent = true };
        await using var channel = UdpPingChannel.Open(echo.Endpoint, echo.Room, echo.Token, MonoTime.System);
        var sink = new ThreadRecordingSink();
        channel.SetSink(sink);
        Assert.True(channel.BeginReceivingHere());

        long before = MonoTime.System.NowNs();
        channel.ReceiveFor(3_000_000);
        long waited = MonoTime.System.NowNs() - before;

        Assert.True(waited >= 3_000_000, $"returned after {waited} ns");
        Assert.Equal(0, sink.Count);
    }

    [Fact]
    public async Task ReceivingHere_SteadyState_AllocatesNothingOnTheWaitingThread()
    {
        using var echo = new RawUdpEcho();
        await using var channel = UdpPingChannel.Open(echo.Endpoint, echo.Room, echo.Token, MonoTime.System);
        var clock = MonoTime.System;
        var config = new RunConfig { Count = 3000, Warmup = 0, Interval = TimeSpan.FromMilliseconds(1), Deadline = TimeSpan.FromSeconds(5) };
        var session = new PingSession(RunId.New(), config, clock.NowNs());
        channel.SetSink(new SessionSink(session));
        var buffer = new byte[PingCodec.MaxMessageBytes];
        Assert.True(channel.BeginReceivingHere());

        void RoundTrip(int answeredBefore)
        {
            channel.Send(buffer.AsSpan(0, session.WriteNextPing(clock.NowNs(), buffer, out _)));
            for (int i = 0; i < 1000 && session.AnsweredCount <= answeredBefore; i++)
            {
                channel.ReceiveFor(10_000_000);
            }
        }

        for (int i = 0; i < 1000; i++)
        {
            RoundTrip(i);
        }
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 1000; i < 2000; i++)
        {
            RoundTrip(i);
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(2000, session.AnsweredCount);
        Assert.Equal(0, allocated);
    }

    private sealed class ThreadRecordingSink : IMessageSink
    {
        private readonly Lock _gate = new();
        private readonly List<int> _threads = [];

        public long LastReceivedNs;

        public int Count
        {
            get
            {
                lock (_gate)
                {
                    return _threads.Count;
                }
            }
        }

        public int[] Threads
        {
            get
            {
                lock (_gate)
                {
                    return [.. _threads];
                }
            }
        }

        public void OnMessage(ReadOnlySpan<byte> message, long receivedNs)
        {
            lock (_gate)
            {
                LastReceivedNs = receivedNs;
                _threads.Add(Environment.CurrentManagedThreadId);
            }
        }
    }

    private static Task WaitAnsweredAsync(PingSession session, int count)
    {
        Assert.True(SpinWait.SpinUntil(() => session.AnsweredCount >= count, Timeout), "echo did not answer");
        return Task.CompletedTask;
    }

    private sealed class SessionSink(PingSession session) : IMessageSink
    {
        public void OnMessage(ReadOnlySpan<byte> message, long receivedNs) => session.OnMessage(message, receivedNs);
    }
}
