using RtcBench.Rtc.Sctp;

namespace RtcBench.Rtc.Tests.Sctp;

public sealed class ChunkCodecTests
{
    private static byte[] Hex(string s) => Convert.FromHexString(s.Replace(" ", "", StringComparison.Ordinal));

    /// <summary>An INIT shaped like Chromium's dcSCTP one (PROTOCOLS.md §1 Q2), written by hand.</summary>
    private static readonly byte[] ChromiumLikeInitPacket = Hex(
        "1388 1388 00000000 00000000" + // ports 5000→5000, vtag 0, checksum placeholder
        "01 00 001e" +                  // INIT, flags 0, length 30
        "11223344 00500000 ffff ffff 0a0b0c0d" + // tag, a_rwnd 5242880, OS, MIS, initial TSN
        "c000 0004" +                   // Forward-TSN-Supported
        "8008 0006 82c0" +              // Supported Extensions: RE-CONFIG, FORWARD-TSN
        "0000");                        // chunk padding

    [Fact]
    public void Init_ChromiumLike_ParsesAndRoundTripsExactly()
    {
        var packet = (byte[])ChromiumLikeInitPacket.Clone();
        SctpCommonHeader.Seal(packet);
        Assert.Equal(SctpReadResult.Ok, SctpCommonHeader.TryRead(packet, out var header));
        Assert.Equal(new SctpCommonHeader(5000, 5000, 0), header);
        var reader = new SctpChunkReader(packet.AsSpan(12));
        Assert.True(reader.TryNext(out var raw));
        Assert.True(InitChunk.TryRead(raw, out var init));
        Assert.Equal(0x1122_3344u, init.InitiateTag);
        Assert.Equal(5_242_880u, init.AdvertisedReceiverWindow);
        Assert.Equal(65535, init.OutboundStreams);
        Assert.Equal(65535, init.InboundStreams);
        Assert.Equal(0x0A0B_0C0Du, init.InitialTsn);
        Assert.True(init.SupportsForwardTsn);
        Assert.True(init.SupportsReConfig);
        Assert.False(reader.TryNext(out _));

        var rebuilt = SctpPacketWriter.Build(header, init);
        Assert.Equal(packet, rebuilt);
    }

    [Fact]
    public void Data_WritesExactBytes()
    {
        var d = new DataChunk
        {
            Flags = DataChunk.FlagBeginning | DataChunk.FlagEnding | DataChunk.FlagUnordered,
            Tsn = 0x01020304, StreamId = 7, Ssn = 9, Ppid = 51, UserData = "hi"u8.ToArray(),
        };
        Assert.Equal(Hex("00 07 0012 01020304 0007 0009 00000033 6869"), d.ToArray());
        Assert.True(DataChunk.TryRead(d.ToArray(), out var back));
        Assert.True(back.Unordered && back.Beginning && back.Ending && !back.Immediate);
        Assert.Equal("hi"u8.ToArray(), back.UserData.ToArray());
        Assert.Equal(51u, back.Ppid);
    }

    [Fact]
    public void Sack_WithGapsAndDuplicates_RoundTrips()
    {
        var s = new SackChunk
        {
            CumulativeTsnAck = 100, AdvertisedReceiverWindow = 65536,
            GapBlocks = [(2, 3), (5, 5)], DuplicateTsns = [99, 50],
        };
        Assert.Equal(Hex("03 00 0020 00000064 00010000 0002 0002 0002 0003 0005 0005 00000063 00000032"), s.ToArray());
        Assert.True(SackChunk.TryRead(s.ToArray(), out var back));
        Assert.Equal(s.GapBlocks, back.GapBlocks);
        Assert.Equal(s.DuplicateTsns, back.DuplicateTsns);
    }

    [Fact]
    public void ForwardTsn_RoundTrips()
    {
        var f = new ForwardTsnChunk { NewCumulativeTsn = 0xFFFFFFFF, Streams = [(1, 2), (3, 65535)] };
        Assert.Equal(Hex("c0 00 0010 ffffffff 0001 0002 0003 ffff"), f.ToArray());
        Assert.True(ForwardTsnChunk.TryRead(f.ToArray(), out var back));
        Assert.Equal(f.Streams, back.Streams);
        Assert.Equal(0xFFFFFFFFu, back.NewCumulativeTsn);
    }

    [Fact]
    public void Abort_UserInitiated_Bytes()
    {
        var a = AbortChunk.UserInitiated("Close called");
        Assert.Equal(Hex("06 00 0014 000c 0010"), a.ToArray()[..8]);
        Assert.True(AbortChunk.TryRead(a.ToArray(), out var back));
        Assert.Equal(SctpErrorCauseCode.UserInitiatedAbort, back.Items[0].Type);
        Assert.Equal("Close called"u8.ToArray(), back.Items[0].Value);
    }

    [Fact]
    public void ReConfig_OutgoingResetAndResponse_RoundTrip()
    {
        var req = new OutgoingSsnResetRequest(0x10, 0x20, 0x30, [1, 3]);
        var c = new ReConfigChunk { Items = [req.ToTlv(), new ReconfigResponse(0x40, ReconfigResponse.SuccessPerformed).ToTlv()] };
        Assert.Equal(Hex("82 00 0024 000d 0014 00000010 00000020 00000030 0001 0003 0010 000c 00000040 00000001"), c.ToArray());
        Assert.True(ReConfigChunk.TryRead(c.ToArray(), out var back));
        Assert.True(OutgoingSsnResetRequest.TryRead(back.Items[0], out var req2));
        Assert.Equal(req.Streams, req2.Streams);
        Assert.Equal(0x30u, req2.SendersLastAssignedTsn);
        Assert.True(ReconfigResponse.TryRead(back.Items[1], out var resp));
        Assert.Equal(new ReconfigResponse(0x40, 1), resp);
    }

    [Fact]
    public void SmallChunks_RoundTrip()
    {
        Assert.Equal(Hex("0b 00 0004"), new CookieAckChunk().ToArray());
        Assert.Equal(Hex("08 00 0004"), new ShutdownAckChunk().ToArray());
        Assert.Equal(Hex("0e 01 0004"), new ShutdownCompleteChunk { Flags = ShutdownCompleteChunk.FlagT }.ToArray());
        Assert.Equal(Hex("07 00 0008 00000005"), new ShutdownChunk { CumulativeTsnAck = 5 }.ToArray());
        Assert.Equal(Hex("0a 00 0007 010203"), new CookieEchoChunk { Cookie = [1, 2, 3] }.ToArray());
        Assert.Equal(Hex("04 00 0009 0001 0005 aa"), HeartbeatChunk.WithInfo([0xAA]).ToArray());
        Assert.True(HeartbeatChunk.TryRead(HeartbeatChunk.WithInfo([1, 2]).ToArray(), out var hb));
        Assert.Equal([1, 2], hb.Info!);
        Assert.True(HeartbeatAckChunk.TryRead(HeartbeatAckChunk.WithInfo([3]).ToArray(), out var hba));
        Assert.Equal([3], hba.Info!);
        Assert.True(ShutdownCompleteChunk.TryRead(Hex("0e 01 0004"), out var sc) && sc.TagReflected);
        Assert.True(ShutdownChunk.TryRead(Hex("07 00 0008 00000005"), out var sd) && sd.CumulativeTsnAck == 5);
        Assert.True(CookieEchoChunk.TryRead(Hex("0a 00 0007 010203"), out var ce) && ce.Cookie.Length == 3);
        var err = new ErrorChunk { Items = [new SctpTlv(SctpErrorCauseCode.UnrecognizedChunkType, Hex("ff 00 0004"))] };
        Assert.True(ErrorChunk.TryRead(err.ToArray(), out var err2) && err2.Items[0].Value.Length == 4);
    }

    [Fact]
    public void InitAck_CarriesCookieAndParametersWithPaddingBetween()
    {
        var ack = new InitAckChunk
        {
            InitiateTag = 1, AdvertisedReceiverWindow = 2, OutboundStreams = 3, InboundStreams = 4, InitialTsn = 5,
            Parameters = [new SctpTlv(SctpParameterType.StateCookie, [9, 9, 9]), SctpTlv.Empty(SctpParameterType.ForwardTsnSupported)],
        };
        // cookie param 7 bytes + 1 pad, then the last parameter without padding: 20 + 8 + 4.
        Assert.Equal(32, ack.Length);
        Assert.True(InitAckChunk.TryRead(ack.ToArray(), out var back));
        Assert.Equal([9, 9, 9], back.StateCookie!);
        Assert.True(back.SupportsForwardTsn);
        Assert.False(back.SupportsReConfig);
    }

    [Fact]
    public void Readers_RejectTruncatedAndWrongType()
    {
        Assert.False(DataChunk.TryRead(Hex("00 03 000f 00000001 0001 0000 000000"), out _));
        Assert.False(SackChunk.TryRead(Hex("03 00 0014 00000064 00010000 0001 0000"), out _));
        Assert.False(InitChunk.TryRead(Hex("02 00 0014 00000001 00000002 0003 0004 00000005"), out _));
        Assert.False(ForwardTsnChunk.TryRead(Hex("c0 00 000a 00000001 0001"), out _));
        Assert.False(ShutdownChunk.TryRead(Hex("07 00 0004"), out _));
        Assert.False(HeartbeatChunk.TryRead(Hex("04 00 0004"), out _));
    }

    [Fact]
    public void AllReaders_RandomAndMutatedInput_NeverThrow()
    {
        var rnd = new Random(1234);
        var seeds = new List<byte[]>
        {
            ChromiumLikeInitPacket[12..],
            new SackChunk { CumulativeTsnAck = 1, GapBlocks = [(1, 2)], DuplicateTsns = [3] }.ToArray(),
            new DataChunk { Tsn = 1, UserData = new byte[10] }.ToArray(),
            new ForwardTsnChunk { NewCumulativeTsn = 1, Streams = [(1, 1)] }.ToArray(),
            new ReConfigChunk { Items = [new OutgoingSsnResetRequest(1, 2, 3, [4]).ToTlv()] }.ToArray(),
            AbortChunk.UserInitiated("x").ToArray(),
        };
        for (var i = 0; i < 20_000; i++)
        {
            byte[] b;
            if (i % 2 == 0)
            {
                b = new byte[rnd.Next(0, 64)];
                rnd.NextBytes(b);
                if (b.Length > 0)
                {
                    b[0] = (byte)rnd.Next(0, 16);
                }
            }
            else
            {
                b = (byte[])seeds[rnd.Next(seeds.Count)].Clone();
                for (var m = rnd.Next(1, 4); m > 0; m--)
                {
                    b[rnd.Next(b.Length)] = (byte)rnd.Next(256);
                }

                if (rnd.Next(4) == 0)
                {
                    b = b[..rnd.Next(b.Length)];
                }
            }

            _ = DataChunk.TryRead(b, out _);
            _ = InitChunk.TryRead(b, out _);
            _ = InitAckChunk.TryRead(b, out _);
            _ = SackChunk.TryRead(b, out _);
            _ = HeartbeatChunk.TryRead(b, out _);
            _ = HeartbeatAckChunk.TryRead(b, out _);
            _ = AbortChunk.TryRead(b, out _);
            _ = ErrorChunk.TryRead(b, out _);
            _ = ShutdownChunk.TryRead(b, out _);
            _ = ShutdownAckChunk.TryRead(b, out _);
            _ = ShutdownCompleteChunk.TryRead(b, out _);
            _ = CookieEchoChunk.TryRead(b, out _);
            _ = CookieAckChunk.TryRead(b, out _);
            _ = ForwardTsnChunk.TryRead(b, out _);
            if (ReConfigChunk.TryRead(b, out var rc))
            {
                foreach (var t in rc.Items)
                {
                    _ = OutgoingSsnResetRequest.TryRead(t, out _);
                    _ = ReconfigResponse.TryRead(t, out _);
                }
            }

            var packet = new byte[12 + b.Length];
            b.CopyTo(packet, 12);
            SctpCommonHeader.Seal(packet);
            _ = SctpCommonHeader.TryRead(packet, out _);
            var reader = new SctpChunkReader(b);
            while (reader.TryNext(out _))
            {
            }
        }
    }
}
