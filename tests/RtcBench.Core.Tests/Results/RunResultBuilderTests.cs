using RtcBench.Core.Histograms;
using RtcBench.Core.Measurement;
using RtcBench.Core.Protocol;
using RtcBench.Core.Results;

namespace RtcBench.Core.Tests.Results;

public sealed class RunResultBuilderTests
{
    [Fact]
    public void Build_SessionWithExplicitTimes_StatsAndHistogramAgree()
    {
        // 1 warm-up + 100 measured pings every 10 ms; ping i (measured) answered after (10 + i % 10) ms except
        // every 25th, which is lost. So 96 ok pings with RTTs 10..19 ms, 4 lost.
        var run = new RunId(Guid.Parse("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"));
        var config = new RunConfig { Count = 100, Warmup = 1, Interval = TimeSpan.FromMilliseconds(10), PayloadBytes = 100 };
        const long start = 2_000_000_000;
        var session = new PingSession(run, config, start);
        var ping = new byte[PingCodec.MaxMessageBytes];
        var pong = new byte[PingCodec.MaxMessageBytes];
        for (int i = 0; i < config.TotalPings; i++)
        {
            long sent = session.NextSendDueNs;
            int n = session.WriteNextPing(sent, ping, out int seq);
            int measured = seq - 1;
            if (measured >= 0 && measured % 25 == 24)
            {
                continue;
            }
            Assert.True(PingCodec.TryReadPing(ping.AsSpan(0, n), out var fields));
            int m = PingCodec.WritePong(pong, fields, 1_000_000 + sent, 1_500_000 + sent, 1_763_769_600_000_000);
            long rtt = (10 + (Math.Max(measured, 0) % 10)) * 1_000_000L;
            session.OnMessage(pong.AsSpan(0, m), sent + rtt);
        }
        session.Finish();
        var result = RunResultBuilder.Build(session, new RunMetadata { Platform = "udp", Channel = "lossy", ToolVersion = "test" },
            1_763_769_000_000_000, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, RunOutcome.Ok());

        var s = result.Stats;
        Assert.Equal(100, s.Sent);
        Assert.Equal(96, s.Ok);
        Assert.Equal(4, s.Lost);
        Assert.Equal(1, s.Warmup);
        Assert.Equal(0.04, s.LossRate, 1e-12);
        Assert.Equal(10_000, s.Rtt!.MinUs, 1e-9);
        Assert.Equal(19_000, s.Rtt.MaxUs, 1e-9);
        // The echo held each ping 0.5 ms: net RTT = RTT − 500 µs.
        Assert.Equal(9_500, s.NetRtt!.MinUs, 1e-9);
        Assert.NotNull(s.RttP95Ci95); // n = 96 ≥ 59
        Assert.Equal(0, s.SendDelay!.MaxUs);

        Assert.Equal(LogHistogram.EncodingName, result.Histogram.Encoding);
        Assert.Equal(96, result.Histogram.Count);
        Assert.True(LogHistogram.TryDeserialize(Convert.FromBase64String(result.Histogram.Data), out var h));
        Assert.Equal(96, h!.Count);
        Assert.Equal(s.Rtt.MinUs, h.Min);
        Assert.Equal(s.Rtt.MaxUs, h.Max);
        Assert.Equal(101, result.Pings.Count);
    }
}
