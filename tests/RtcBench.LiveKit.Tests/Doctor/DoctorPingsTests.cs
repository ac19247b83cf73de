using RtcBench.LiveKit.Data;
using RtcBench.LiveKit.Diagnostics;

namespace RtcBench.LiveKit.Tests.Doctor;

/// <summary>The doctor's ping payload and A's answer matching: only the awaited ping, on its own kind, completes.</summary>
public sealed class DoctorPingsTests
{
    [Fact]
    public async Task Expect_StaleOtherKindAndForeignAnswers_AreIgnoredAndTheAwaitedOneCompletes()
    {
        var pongs = new DoctorPongs();
        var answer = pongs.Expect(LiveKitDataKind.Reliable, 2);

        pongs.OnData(LiveKitDataKind.Reliable, "b", Ping(LiveKitDataKind.Reliable, 1), 100); // late answer to ping 1
        pongs.OnData(LiveKitDataKind.Lossy, "b", Ping(LiveKitDataKind.Lossy, 2), 200);       // ping 2 of the other kind
        pongs.OnData(LiveKitDataKind.Lossy, "b", Ping(LiveKitDataKind.Reliable, 2), 250);    // a reliable ping arriving on _lossy
        pongs.OnData(LiveKitDataKind.Reliable, "b", new byte[DoctorPing.Length], 300);       // not a doctor ping
        Assert.False(answer.IsCompleted);

        pongs.OnData(LiveKitDataKind.Reliable, "b", Ping(LiveKitDataKind.Reliable, 2), 400);
        pongs.OnData(LiveKitDataKind.Reliable, "c", Ping(LiveKitDataKind.Reliable, 2), 500); // a duplicate does not overwrite

        Assert.True(answer.IsCompletedSuccessfully);
        Assert.Equal((400L, "b"), await answer);
    }

    [Fact]
    public void TryRead_WrongLengthOrMagic_IsNotAPing()
    {
        byte[] ping = Ping(LiveKitDataKind.Lossy, 7);

        Assert.True(DoctorPing.TryRead(ping, out var kind, out int sequence));
        Assert.Equal((LiveKitDataKind.Lossy, 7), (kind, sequence));
        Assert.False(DoctorPing.TryRead(ping.AsSpan(0, DoctorPing.Length - 1), out _, out _));
        Assert.False(DoctorPing.TryRead([.. ping, 0], out _, out _));
        ping[0] ^= 1;
        Assert.False(DoctorPing.TryRead(ping, out _, out _));
    }

    private static byte[] Ping(LiveKitDataKind kind, int sequence)
    {
        var payload = new byte[DoctorPing.Length];
        DoctorPing.Write(payload, kind, sequence);
        return payload;
    }
}
