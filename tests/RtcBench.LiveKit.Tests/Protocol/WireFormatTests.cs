using Google.Protobuf;
using RtcBench.LiveKit.Protocol;

namespace RtcBench.LiveKit.Tests.Protocol;

/// <summary>Our .proto subset against bytes worked out by hand from the protobuf encoding rules.</summary>
public sealed class WireFormatTests
{
    [Fact]
    public void DataPacket_UserPayloadToOneIdentity_EncodesFieldNumbersAsLiveKitDoes()
    {
        var packet = new DataPacket
        {
            User = new UserPacket { Payload = ByteString.CopyFrom(1, 2) },
            DestinationIdentities = { "a" },
        };

        // field 2 (user, len 4) { field 2 (payload, len 2) 01 02 }, field 5 (destination_identities, len 1) "a"
        Assert.Equal(new byte[] { 0x12, 0x04, 0x12, 0x02, 0x01, 0x02, 0x2A, 0x01, 0x61 }, packet.ToByteArray());
    }

    [Fact]
    public void SignalResponse_UnknownOneofCase_IsSkippedNotFatal()
    {
        // field 6 (track_published, length-delimited, not in our subset) then field 18 (pong, varint 5)
        byte[] wire = [0x32, 0x01, 0x00, 0x90, 0x01, 0x05];

        var response = SignalResponse.Parser.ParseFrom(wire);

        Assert.Equal(SignalResponse.MessageOneofCase.Pong, response.MessageCase);
        Assert.Equal(5, response.Pong);
    }
}
