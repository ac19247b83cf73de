using System.Buffers.Binary;
using RtcBench.Rtc.Sctp;
using RtcBench.Rtc.Sim;

namespace RtcBench.Rtc.Tests.Sctp;

/// <summary>Drives one association with hand-built packets, as Chromium's dcSCTP would send them.</summary>
public sealed class SctpAssociationWireTests
{
    private const uint ChromeTag = 0x1122_3344;
    private const uint ChromeTsn = 1000;

    private static byte[] Packet(uint tag, params SctpChunk[] chunks) => SctpPacketWriter.Build(new SctpCommonHeader(5000, 5000, tag), chunks);

    private static InitChunk ChromiumInit() => new()
    {
        InitiateTag = ChromeTag, AdvertisedReceiverWindow = 5_242_880, OutboundStreams = 65535, InboundStreams = 65535,
        InitialTsn = ChromeTsn,
        Parameters = [SctpTlv.Empty(SctpParameterType.ForwardTsnSupported), new SctpTlv(SctpParameterType.SupportedExtensions, [0x82, 0xC0])],
    };

    private static List<ReadOnlyMemory<byte>> Chunks(byte[] packet)
    {
        var list = new List<ReadOnlyMemory<byte>>();
        var r = new SctpChunkReader(packet.AsSpan(12));
        var off = 12;
        while (r.TryNext(out var c))
        {
            list.Add(packet.AsMemory(off, c.Length));
            off += (c.Length + 3) & ~3;
        }

        return list;
    }

    private static (SctpAssociation Server, uint ServerTag, uint ServerTsn) Accept()
    {
        var server = new SctpAssociation(new SctpOptions { Random = new Random(1) });
        server.HandleInput(0, Packet(0, ChromiumInit()));
        Assert.True(server.TryPollTransmit(out var initAckPacket));
        Assert.Equal(SctpReadResult.Ok, SctpCommonHeader.TryRead(initAckPacket, out var h));
        Assert.Equal(ChromeTag, h.VerificationTag);
        Assert.True(InitAckChunk.TryRead(Chunks(initAckPacket)[0].Span, out var ack));
        Assert.True(ack.SupportsForwardTsn && ack.SupportsReConfig);
        Assert.Equal(SctpState.Closed, server.State); // stateless until COOKIE-ECHO
        server.HandleInput(RtcTime.NsPerMs, Packet(ack.InitiateTag, new CookieEchoChunk { Cookie = ack.StateCookie! }));
        Assert.Equal(SctpState.Established, server.State);
        Assert.True(server.TryPollTransmit(out var cookieAck));
        Assert.Equal(SctpChunkType.CookieAck, Chunks(cookieAck)[0].Span[0]);
        Assert.True(server.TryPollEvent(out var ev) && ev is SctpConnected);
        return (server, ack.InitiateTag, ack.InitialTsn);
    }

    [Fact]
    public void ChromiumLikeInit_AnsweredStatelessly_CookieEchoEstablishes()
    {
        var (server, _, _) = Accept();
        Assert.Equal(0, server.Stats.BadCookies);
        Assert.Equal(0, server.Stats.MalformedPackets); // The INIT ends its packet (§6.10) but is not malformed.
        Assert.Equal(0, server.Stats.LastMalformedChunkType);
    }

    [Fact]
    public void OurInitAnsweredByChromiumLikeInitAck_EstablishesWithNothingCountedMalformed()
    {
        var client = new SctpAssociation(new SctpOptions { Random = new Random(2) });
        client.Connect();
        Assert.True(client.TryPollTransmit(out var initPacket));
        Assert.True(InitChunk.TryRead(Chunks(initPacket)[0].Span, out var init));

        // RFC 9260 §5.1 B: INIT-ACK alone in its packet, our Initiate Tag as its verification tag, a State Cookie.
        var initAck = new InitAckChunk
        {
            InitiateTag = ChromeTag, AdvertisedReceiverWindow = 5_242_880, OutboundStreams = 65535, InboundStreams = 65535,
            InitialTsn = ChromeTsn,
            Parameters =
            [
                new SctpTlv(SctpParameterType.StateCookie, [1, 2, 3, 4, 5, 6, 7, 8]),
                SctpTlv.Empty(SctpParameterType.ForwardTsnSupported),
                new SctpTlv(SctpParameterType.SupportedExtensions, [0x82, 0xC0]),
            ],
        };
        client.HandleInput(RtcTime.NsPerMs, Packet(init.InitiateTag, initAck));
        Assert.Equal(SctpState.CookieEchoed, client.State);
        Assert.True(client.TryPollTransmit(out var echoPacket));
        Assert.True(CookieEchoChunk.TryRead(Chunks(echoPacket)[0].Span, out var echo));
        Assert.Equal(new byte[] { 1, 2, 3, 4, 5, 6, 7, 8 }, echo.Cookie);

        client.HandleInput(2 * RtcTime.NsPerMs, Packet(init.InitiateTag, new CookieAckChunk()));

        Assert.Equal(SctpState.Established, client.State);
        Assert.Equal(0, client.Stats.MalformedPackets);
        Assert.Equal(0, client.Stats.LastMalformedChunkType);
        Assert.Equal(0, client.Stats.IgnoredChunks);
    }

    [Fact]
    public void InitAckWithInitiateTagZero_CountedMalformedOnce_AssociationWaits()
    {
        var client = new SctpAssociation(new SctpOptions { Random = new Random(3) });
        client.Connect();
        Assert.True(client.TryPollTransmit(out var initPacket));
        Assert.True(InitChunk.TryRead(Chunks(initPacket)[0].Span, out var init));
        var bad = new InitAckChunk
        {
            InitiateTag = 0, AdvertisedReceiverWindow = 65536, OutboundStreams = 1, InboundStreams = 1, InitialTsn = 1,
            Parameters = [new SctpTlv(SctpParameterType.StateCookie, [1, 2, 3, 4])],
        };

        client.HandleInput(RtcTime.NsPerMs, Packet(init.InitiateTag, bad));

        Assert.Equal(SctpState.CookieWait, client.State);
        Assert.Equal(1, client.Stats.MalformedPackets);
        Assert.Equal(SctpChunkType.InitAck, client.Stats.LastMalformedChunkType);
        Assert.False(client.TryPollTransmit(out _));
    }

    [Fact]
    public void TruncatedSackAfterGoodData_CountedMalformedOnce_RestOfPacketDropped()
    {
        var (server, serverTag, _) = Accept();
        var good = new DataChunk { Tsn = ChromeTsn, StreamId = 1, Ssn = 0, Ppid = 53, Flags = 0x03, UserData = new byte[] { 7 } };
        var later = new DataChunk { Tsn = ChromeTsn + 1, StreamId = 1, Ssn = 1, Ppid = 53, Flags = 0x03, UserData = new byte[] { 8 } };
        var packet = Packet(serverTag, good);
        // A SACK chunk (type 3) whose 8 bytes are too short for its fixed 12-byte part, then another DATA chunk.
        byte[] truncatedSack = [SctpChunkType.Sack, 0, 0, 8, 0, 0, 0, 0];
        var tail = SctpPacketWriter.Build(new SctpCommonHeader(5000, 5000, serverTag), [later]).AsSpan(12).ToArray();
        var body = packet.AsSpan(12).ToArray().Concat(truncatedSack).Concat(tail).ToArray();
        var forged = new byte[12 + body.Length];
        packet.AsSpan(0, 12).CopyTo(forged);
        body.CopyTo(forged, 12);
        SctpCommonHeader.Seal(forged);

        server.HandleInput(2 * RtcTime.NsPerMs, forged);

        Assert.Equal(1, server.Stats.MalformedPackets);
        Assert.Equal(SctpChunkType.Sack, server.Stats.LastMalformedChunkType);
        Assert.Equal(1, server.Stats.DataChunksReceived); // The DATA after the malformed chunk was not read.
    }

    [Fact]
    public void DataChunkWithNoUserData_AnsweredWithAbortNoUserDataCarryingItsTsn_AssociationEnds()
    {
        var (server, serverTag, _) = Accept();
        while (server.TryPollEvent(out _))
        {
        }

        // RFC 9260 §6.2: Length 16, no user data. A good chunk before it in the same packet is still taken.
        var good = new DataChunk { Tsn = ChromeTsn, StreamId = 1, Ssn = 0, Ppid = 53, Flags = 0x03, UserData = new byte[] { 7 } };
        var empty = new DataChunk { Tsn = ChromeTsn + 1, StreamId = 1, Ssn = 1, Ppid = 53, Flags = 0x03, UserData = ReadOnlyMemory<byte>.Empty };
        server.HandleInput(2 * RtcTime.NsPerMs, Packet(serverTag, good, empty));

        Assert.True(server.TryPollTransmit(out var packet));
        Assert.Equal(SctpReadResult.Ok, SctpCommonHeader.TryRead(packet, out var header));
        Assert.Equal(ChromeTag, header.VerificationTag);
        var chunks = Chunks(packet);
        Assert.Single(chunks);
        Assert.True(AbortChunk.TryRead(chunks[0].Span, out var abort));
        Assert.False(abort.TagReflected);
        var cause = Assert.Single(abort.Items);
        Assert.Equal(SctpErrorCauseCode.NoUserData, cause.Type);
        Assert.Equal(ChromeTsn + 1, BinaryPrimitives.ReadUInt32BigEndian(cause.Value)); // §3.3.10.9: the chunk's TSN
        Assert.False(server.TryPollTransmit(out _)); // No SACK after the ABORT.

        Assert.True(server.TryPollEvent(out var message, out var m));
        Assert.Null(message);
        Assert.Equal(new byte[] { 7 }, m.Data.ToArray());
        Assert.True(server.TryPollEvent(out var closed, out _));
        var c = Assert.IsType<SctpClosed>(closed);
        Assert.Equal(SctpCloseReason.ProtocolViolation, c.Reason);
        Assert.Contains("no user data", c.Detail, StringComparison.Ordinal);
        Assert.Equal(SctpState.Closed, server.State);
        Assert.Equal(1, server.Stats.NoUserDataChunks);
    }

    [Fact]
    public void TamperedCookie_Rejected()
    {
        var server = new SctpAssociation();
        server.HandleInput(0, Packet(0, ChromiumInit()));
        server.TryPollTransmit(out var p);
        InitAckChunk.TryRead(Chunks(p)[0].Span, out var ack);
        var cookie = ack.StateCookie!;
        cookie[5] ^= 1;
        server.HandleInput(1, Packet(ack.InitiateTag, new CookieEchoChunk { Cookie = cookie }));
        Assert.Equal(SctpState.Closed, server.State);
        Assert.Equal(1, server.Stats.BadCookies);
        Assert.Equal(0, server.Stats.MalformedPackets); // Counted as a bad cookie, not also as malformed.
    }

    [Fact]
    public void Fragments_OutOfOrder_ReassembledAndSackedWithGap()
    {
        var (server, serverTag, _) = Accept();
        DataChunk Frag(uint i, byte flags) =>
            new() { Tsn = ChromeTsn + i, StreamId = 1, Ssn = 0, Ppid = 53, Flags = flags, UserData = new byte[] { (byte)i, (byte)i } };
        server.HandleInput(2, Packet(serverTag, Frag(2, DataChunk.FlagEnding)));
        Assert.True(server.TryPollTransmit(out var sackPacket)); // gap: SACK at once
        Assert.True(SackChunk.TryRead(Chunks(sackPacket)[0].Span, out var sack));
        Assert.Equal(ChromeTsn - 1, sack.CumulativeTsnAck);
        Assert.Equal([((ushort)3, (ushort)3)], sack.GapBlocks);
        server.HandleInput(3, Packet(serverTag, Frag(0, DataChunk.FlagBeginning), Frag(1, 0)));
        Assert.True(server.TryPollEvent(out var ev));
        var m = Assert.IsType<SctpMessageReceived>(ev);
        Assert.Equal(new byte[] { 0, 0, 1, 1, 2, 2 }, m.Data);
        server.TryPollTransmit(out sackPacket);
        SackChunk.TryRead(Chunks(sackPacket)[0].Span, out sack);
        Assert.Equal(ChromeTsn + 2, sack.CumulativeTsnAck);
        Assert.Empty(sack.GapBlocks);

        server.HandleInput(4, Packet(serverTag, Frag(1, 0)));
        server.TryPollTransmit(out sackPacket);
        SackChunk.TryRead(Chunks(sackPacket)[0].Span, out sack);
        Assert.Equal([ChromeTsn + 1], sack.DuplicateTsns);
    }

    [Fact]
    public void ReConfig_FromChromium_AnsweredWithResultPerformed_AndBadSeqRejected()
    {
        var (server, serverTag, _) = Accept();
        var req = new OutgoingSsnResetRequest(ChromeTsn, 0, ChromeTsn - 1, [1]);
        server.HandleInput(2, Packet(serverTag, new ReConfigChunk { Items = [req.ToTlv()] }));
        Assert.True(server.TryPollTransmit(out var p));
        Assert.True(ReConfigChunk.TryRead(Chunks(p)[0].Span, out var rc));
        Assert.True(ReconfigResponse.TryRead(rc.Items[0], out var resp));
        Assert.Equal(new ReconfigResponse(ChromeTsn, ReconfigResponse.SuccessPerformed), resp);
        Assert.True(server.TryPollEvent(out var ev) && ev is SctpStreamReset { Incoming: true });

        server.HandleInput(3, Packet(serverTag, new ReConfigChunk { Items = [(req with { RequestSeq = 5 }).ToTlv()] }));
        server.TryPollTransmit(out p);
        ReConfigChunk.TryRead(Chunks(p)[0].Span, out rc);
        ReconfigResponse.TryRead(rc.Items[0], out resp);
        Assert.Equal(ReconfigResponse.ErrorBadSequenceNumber, resp.Result);
    }

    [Fact]
    public void OurResetRequest_UsesInitialTsnAsFirstSequenceNumber()
    {
        var (server, _, serverTsn) = Accept();
        server.ResetStreams([1]);
        Assert.True(server.TryPollTransmit(out var p));
        Assert.True(ReConfigChunk.TryRead(Chunks(p)[0].Span, out var rc));
        Assert.True(OutgoingSsnResetRequest.TryRead(rc.Items[0], out var req));
        Assert.Equal(serverTsn, req.RequestSeq);
        Assert.Equal(serverTsn - 1, req.SendersLastAssignedTsn);
        Assert.Equal(ChromeTsn - 1, req.ResponseSeq);
    }

    [Fact]
    public void UnknownChunks_FollowUpperTwoBits()
    {
        var (server, tag, _) = Accept();
        var data = new DataChunk { Tsn = ChromeTsn, Flags = 3, Ppid = 51, UserData = "x"u8.ToArray() };
        // 0x40: stop and report; the DATA after it must not be processed.
        server.HandleInput(2, Packet(tag, new RawChunk(0x40), data));
        Assert.False(server.TryPollEvent(out _));
        Assert.True(server.TryPollTransmit(out var p));
        Assert.True(ErrorChunk.TryRead(Chunks(p)[0].Span, out var err));
        Assert.Equal(SctpErrorCauseCode.UnrecognizedChunkType, err.Items[0].Type);
        // 0x80: skip silently and go on.
        server.HandleInput(3, Packet(tag, new RawChunk(0x80), data));
        Assert.True(server.TryPollEvent(out var ev) && ev is SctpMessageReceived);
        Assert.Equal(2, server.Stats.UnknownChunks);
    }

    [Fact]
    public void HostileInput_NeverThrows_CountsAndKeepsWorking()
    {
        var pair = new SctpPair(77, new SimulatedLinkOptions());
        var b = pair.B.Association;
        var captured = new List<byte[]>();
        pair.Net.AfterStep = _ => { };
        for (var i = 0; i < 20; i++)
        {
            pair.A.Association.Send(0, 53, SctpMessages.Payload(i, 3000));
        }

        while (pair.A.Association.TryPollTransmit(out var pkt))
        {
            captured.Add(pkt);
            b.HandleInput(pair.Net.NowNs, pkt);
        }

        var rnd = new Random(99);
        var now = pair.Net.NowNs;
        long badChecksum = 0;
        for (var i = 0; i < 20_000; i++)
        {
            byte[] p;
            switch (i % 4)
            {
                case 0:
                    p = new byte[rnd.Next(0, 200)];
                    rnd.NextBytes(p);
                    break;
                case 1: // mutated but resealed: reaches the chunk parsers
                    p = (byte[])captured[rnd.Next(captured.Count)].Clone();
                    for (var k = rnd.Next(1, 6); k > 0; k--)
                    {
                        p[rnd.Next(12, p.Length)] = (byte)rnd.Next(256);
                    }

                    SctpCommonHeader.Seal(p);
                    break;
                case 2: // bad checksum
                    p = (byte[])captured[rnd.Next(captured.Count)].Clone();
                    p[8] ^= 0xFF;
                    badChecksum++;
                    break;
                default: // random chunks with a good checksum and tag
                    p = new byte[12 + rnd.Next(4, 100)];
                    rnd.NextBytes(p);
                    BinaryPrimitives.WriteUInt16BigEndian(p, 5000);
                    BinaryPrimitives.WriteUInt16BigEndian(p.AsSpan(2), 5000);
                    captured[0].AsSpan(4, 4).CopyTo(p.AsSpan(4));
                    p[12] = (byte)rnd.Next(0, 16);
                    BinaryPrimitives.WriteUInt16BigEndian(p.AsSpan(14), (ushort)(p.Length - 12 - rnd.Next(0, 3)));
                    SctpCommonHeader.Seal(p);
                    break;
            }

            if (HasDataWithoutUserData(p))
            {
                continue; // Ends the association by design (RFC 9260 §6.2): DataChunkWithNoUserData_… tests it.
            }

            b.HandleInput(now, p);
            b.HandleTimeout(now);
            while (b.TryPollTransmit(out _))
            {
            }

            while (b.TryPollEvent(out _))
            {
            }
        }

        Assert.True(b.Stats.ChecksumErrors >= badChecksum);
        Assert.True(b.Stats.MalformedPackets > 0);
        Assert.True(b.Stats.BadVerificationTags + b.Stats.BadPorts > 0);

        var wrongTag = (byte[])captured[0].Clone();
        wrongTag[4] ^= 1;
        SctpCommonHeader.Seal(wrongTag);
        var before = b.Stats.BadVerificationTags;
        b.HandleInput(now, wrongTag);
        Assert.Equal(before + 1, b.Stats.BadVerificationTags);
    }

    [Fact]
    public void HostileInput_AfterFuzz_AssociationStillDelivers()
    {
        var pair = new SctpPair(78, new SimulatedLinkOptions());
        var rnd = new Random(5);
        for (var i = 0; i < 2000; i++)
        {
            var p = new byte[rnd.Next(16, 100)];
            rnd.NextBytes(p);
            SctpCommonHeader.Seal(p);
            pair.B.Association.HandleInput(pair.Net.NowNs, p);
        }

        pair.A.Association.Send(0, 51, "still alive"u8);
        pair.Require(pair.RunUntil(() => pair.B.Messages.Count == 1, 5 * RtcTime.NsPerSecond), "delivery after fuzz");
    }

    /// <summary>Whether a packet holds a well-formed DATA chunk of Length 16 (no user data).</summary>
    private static bool HasDataWithoutUserData(byte[] packet)
    {
        if (packet.Length < SctpCommonHeader.Length)
        {
            return false;
        }

        var reader = new SctpChunkReader(packet.AsSpan(SctpCommonHeader.Length));
        while (reader.TryNext(out var chunk))
        {
            if (chunk[0] == SctpChunkType.Data && chunk.Length == DataChunk.DataHeaderLength)
            {
                return true;
            }
        }

        return false;
    }

    private sealed class RawChunk(byte type) : SctpChunk
    {
        public override byte Type => type;

        public override int Length => 8;

        public override void Write(Span<byte> dest)
        {
            WriteHeader(dest, type, 0, 8);
            dest[4..8].Clear();
        }
    }
}
