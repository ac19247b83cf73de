using System.Text;
using RtcBench.LiveKit.Protocol;
using RtcBench.LiveKit.Rooms;

namespace RtcBench.LiveKit.Tests.Rooms;

/// <summary>Mutated server answers: parsing either succeeds or throws TwirpException (malformed), never anything else.</summary>
public sealed class RoomServiceResponseFuzzTests
{
    private const string Valid = """
        {"rooms":[{"sid":"RM_1","name":"bench-1","empty_timeout":300,"departure_timeout":20,"max_participants":0,
        "creation_time":"1795312345","creation_time_ms":"1795312345678","metadata":"","num_participants":2}]}
        """;

    private const string ValidParticipants = """
        {"participants":[{"sid":"PA_1","identity":"runner","state":"ACTIVE","joined_at":"1795312345",
        "permission":{"can_subscribe":true,"can_publish_data":true},"kind":"AGENT","attributes":{"a":"b"}}]}
        """;

    [Fact]
    public void ParseList_ValidAnswers_ReadTheFields()
    {
        var room = Assert.Single(RoomServiceClient.ParseList<Room>("ListRooms", Valid, "rooms"));
        var participant = Assert.Single(RoomServiceClient.ParseList<ParticipantInfo>("ListParticipants", ValidParticipants, "participants"));

        Assert.Equal(1_795_312_345_678, room.CreationTimeMs);
        Assert.Equal(ParticipantInfo.Types.Kind.Agent, participant.Kind);
        Assert.Equal("b", participant.Attributes["a"]);
    }

    [Theory]
    [InlineData("""{"rooms":[1]}""")]
    [InlineData("""{"rooms":{"name":"x"}}""")]
    [InlineData("""{"rooms":[{"empty_timeout":-1}]}""")]
    [InlineData("""{"rooms":[{"creation_time":"soon"}]}""")]
    [InlineData("""{"rooms":[{"sid":5}]}""")]
    public void ParseList_WrongTypes_ThrowMalformed(string json)
    {
        var e = Assert.Throws<TwirpException>(() => RoomServiceClient.ParseList<Room>("ListRooms", json, "rooms"));
        Assert.Equal(TwirpErrorCodes.Malformed, e.Code);
    }

    [Fact]
    public void ParseList_MutatedAnswers_NeverThrowAnythingButTwirpException()
    {
        var random = new Random(20261122);
        foreach (string valid in new[] { Valid, ValidParticipants })
        {
            for (int i = 0; i < 2000; i++)
            {
                string json = Mutate(valid, random);
                try
                {
                    if (valid == Valid)
                    {
                        RoomServiceClient.ParseList<Room>("ListRooms", json, "rooms");
                    }
                    else
                    {
                        RoomServiceClient.ParseList<ParticipantInfo>("ListParticipants", json, "participants");
                    }
                }
                catch (TwirpException)
                {
                }
                catch (System.Text.Json.JsonException)
                {
                    // Not reachable through the client: it only parses bodies that are a JSON object.
                    Assert.False(IsJsonObject(json), $"JsonException on a valid JSON object (seed 20261122, case {i}): {json}");
                }
                catch (Exception e)
                {
                    Assert.Fail($"{e.GetType().Name} on case {i} (seed 20261122): {e.Message}\n{json}");
                }
            }
        }
    }

    private const string Alphabet = "{}[]\":,-0123456789e.\\nulltrue";

    private static string Mutate(string valid, Random random)
    {
        var sb = new StringBuilder(valid);
        int edits = random.Next(1, 4);
        for (int e = 0; e < edits && sb.Length > 0; e++)
        {
            int at = random.Next(sb.Length);
            switch (random.Next(3))
            {
                case 0:
                    sb.Remove(at, 1);
                    break;
                case 1:
                    sb.Insert(at, Alphabet[random.Next(Alphabet.Length)]);
                    break;
                default:
                    sb[at] = Alphabet[random.Next(Alphabet.Length)];
                    break;
            }
        }
        return sb.ToString();
    }

    private static bool IsJsonObject(string json)
    {
        try
        {
            using var doc = System.Text.Json.JsonDocument.Parse(json);
            return doc.RootElement.ValueKind == System.Text.Json.JsonValueKind.Object;
        }
        catch (System.Text.Json.JsonException)
        {
            return false;
        }
    }
}
