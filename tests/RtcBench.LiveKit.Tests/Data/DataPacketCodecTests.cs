using System.Text;
using Google.Protobuf;
using RtcBench.LiveKit.Data;
using RtcBench.LiveKit.Protocol;

namespace RtcBench.LiveKit.Tests.Data;

/// <summary>Our hand-written DataPacket writer and reader against Google.Protobuf's encoder and parser.</summary>
public sealed class DataPacketCodecTests
{
    [Fact]
    public void Write_ReliableToOneIdentity_ParsesAsTheDataPacketLiveKitExpects()
    {
        var buffer = new byte[DataPacketWriter.MaxPacketBytes];

        int length = DataPacketWriter.Write(buffer, LiveKitDataKind.Reliable, [1, 2, 3], "echo-ü", sequence: 300);

        var packet = DataPacket.Parser.ParseFrom(buffer, 0, length);
        Assert.Equal(DataPacket.ValueOneofCase.User, packet.ValueCase);
        Assert.Equal(new byte[] { 1, 2, 3 }, packet.User.Payload.ToByteArray());
        Assert.Equal(["echo-ü"], packet.DestinationIdentities);
#pragma warning disable CS0612 // The deprecated copy older servers read.
        Assert.Equal(["echo-ü"], packet.User.DestinationIdentities);
        Assert.Equal(DataPacket.Types.Kind.Reliable, packet.Kind);
#pragma warning restore CS0612
        Assert.Equal(300u, packet.Sequence);
    }

    [Fact]
    public void Write_LossyToEveryone_HasKindLossyNoSequenceNoDestination()
    {
        var buffer = new byte[DataPacketWriter.MaxPacketBytes];
        var payload = Enumerable.Range(0, 1000).Select(i => (byte)i).ToArray();

        int length = DataPacketWriter.Write(buffer, LiveKitDataKind.Lossy, payload, string.Empty, sequence: 0);

        var packet = DataPacket.Parser.ParseFrom(buffer, 0, length);
#pragma warning disable CS0612
        Assert.Equal(DataPacket.Types.Kind.Lossy, packet.Kind);
#pragma warning restore CS0612
        Assert.Empty(packet.DestinationIdentities);
        Assert.Equal(0u, packet.Sequence);
        Assert.Equal(payload, packet.User.Payload.ToByteArray());
        Assert.Equal(packet.CalculateSize(), length);
    }

    [Fact]
    public void Write_PayloadOverLimit_Throws()
    {
        var buffer = new byte[DataPacketWriter.MaxPacketBytes + 100];

        Assert.Throws<ArgumentException>(() => DataPacketWriter.Write(buffer, LiveKitDataKind.Reliable, new byte[DataPacketWriter.MaxPayloadBytes + 1], "b", 1));
    }

    [Fact]
    public void TryRead_ServerStampedPacket_GivesPayloadSenderSidAndSequence()
    {
        var wire = new DataPacket
        {
            ParticipantIdentity = "runner",
            ParticipantSid = "PA_1",
            Sequence = 7,
            DestinationIdentities = { "echo" },
            User = new UserPacket { Payload = ByteString.CopyFromUtf8("ping"), Topic = "t" },
        }.ToByteArray();

        Assert.True(DataPacketReader.TryRead(wire, out var packet));

        Assert.True(packet.IsUser);
        Assert.Equal("ping", Encoding.UTF8.GetString(packet.Payload));
        Assert.Equal("runner", Encoding.UTF8.GetString(packet.SenderIdentity));
        Assert.Equal("PA_1", Encoding.UTF8.GetString(packet.SenderSid));
        Assert.Equal(7u, packet.Sequence);
    }

    [Fact]
    public void TryRead_AnotherOneofValue_IsNotAUserPacket()
    {
        // field 9 (chat_message, length 2) { field 4 "x" } and field 4 participant_identity "a"
        byte[] wire = [0x4A, 0x03, 0x22, 0x01, 0x78, 0x22, 0x01, 0x61];

        Assert.True(DataPacketReader.TryRead(wire, out var packet));

        Assert.False(packet.IsUser);
        Assert.Equal("a", Encoding.UTF8.GetString(packet.SenderIdentity));
    }

    [Theory]
    [InlineData(new byte[] { 0x12 })]                   // user tag, no length
    [InlineData(new byte[] { 0x12, 0x05, 0x12, 0x01 })] // user longer than the buffer
    [InlineData(new byte[] { 0x00, 0x01 })]             // field number 0
    [InlineData(new byte[] { 0x0B })]                   // start group
    [InlineData(new byte[] { 0x08, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01 })] // varint too long
    public void TryRead_Malformed_ReturnsFalse(byte[] wire)
    {
        Assert.False(DataPacketReader.TryRead(wire, out _));
    }

    [Fact]
    public void TryRead_RandomAndMutatedInput_NeverThrows()
    {
        var random = new Random(1234);
        var valid = new DataPacket
        {
            ParticipantIdentity = "runner",
            Sequence = 99,
            User = new UserPacket { Payload = ByteString.CopyFrom(new byte[40]) },
        }.ToByteArray();
        int accepted = 0;
        for (int i = 0; i < 20_000; i++)
        {
            byte[] input;
            if (i % 2 == 0)
            {
                input = new byte[random.Next(0, 64)];
                random.NextBytes(input);
            }
            else
            {
                input = (byte[])valid.Clone();
                for (int m = random.Next(1, 4); m > 0; m--)
                {
                    input[random.Next(input.Length)] = (byte)random.Next(256);
                }

                input = input[..random.Next(input.Length + 1)];
            }

            if (DataPacketReader.TryRead(input, out var packet))
            {
                accepted++;
                Assert.True(packet.Payload.Length <= input.Length);
            }
        }

        Assert.InRange(accepted, 1, 19_999);
    }

    [Fact]
    public void WriteThenRead_WarmedPath_DoesNotAllocate()
    {
        var buffer = new byte[DataPacketWriter.MaxPacketBytes];
        var payload = new byte[64];
        var identities = new IdentityCache();
        identities.Add("runner");
        var stamped = new DataPacket { ParticipantIdentity = "runner", User = new UserPacket { Payload = ByteString.CopyFrom(payload) } }.ToByteArray();
        long sink = 0;
        for (int i = 0; i < 100; i++)
        {
            sink += DataPacketWriter.Write(buffer, LiveKitDataKind.Reliable, payload, "runner", (uint)i + 1);
            DataPacketReader.TryRead(stamped, out var packet);
            sink += identities.Resolve(packet.SenderIdentity).Length;
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10_000; i++)
        {
            sink += DataPacketWriter.Write(buffer, LiveKitDataKind.Reliable, payload, "runner", (uint)i + 1);
            DataPacketReader.TryRead(stamped, out var packet);
            sink += identities.Resolve(packet.SenderIdentity).Length;
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.True(sink > 0);
    }
}
