using RtcBench.LiveKit.Protocol;

namespace RtcBench.LiveKit.Tests.StandIn;

public sealed class StandInRoomServiceRoomsTests
{
    [Fact]
    public void GetOrCreate_Existing_ReturnsItUnchanged()
    {
        var rooms = new StandInRooms();
        var first = rooms.GetOrCreate("r", emptyTimeout: 30);

        var second = rooms.GetOrCreate("r", emptyTimeout: 99);

        Assert.Equal(first.Sid, second.Sid);
        Assert.Equal(30u, second.EmptyTimeout);
    }

    [Fact]
    public void AddParticipant_FullRoomMissingRoomAndSameIdentity_AnswerAsLiveKit()
    {
        var rooms = new StandInRooms();
        rooms.GetOrCreate("r", maxParticipants: 1);

        Assert.Equal(StandInRooms.JoinResult.Joined, rooms.AddParticipant("r", new ParticipantInfo { Identity = "a" }));
        Assert.Equal(StandInRooms.JoinResult.RoomFull, rooms.AddParticipant("r", new ParticipantInfo { Identity = "b" }));
        Assert.Equal(StandInRooms.JoinResult.Replaced, rooms.AddParticipant("r", new ParticipantInfo { Identity = "a", Name = "again" }));
        Assert.Equal(StandInRooms.JoinResult.RoomNotFound, rooms.AddParticipant("nope", new ParticipantInfo { Identity = "a" }));
        Assert.Equal("again", Assert.Single(rooms.Participants("r")!).Name);
        Assert.Equal(1u, rooms.Find("r")!.NumParticipants);
    }

    [Fact]
    public void Participants_AreCopies()
    {
        var rooms = new StandInRooms();
        rooms.GetOrCreate("r");
        var original = new ParticipantInfo { Identity = "a" };
        rooms.AddParticipant("r", original);

        rooms.Participants("r")![0].Identity = "changed";
        original.Name = "changed";

        Assert.Equal("a", rooms.Participants("r")![0].Identity);
        Assert.Equal("", rooms.Participants("r")![0].Name);
    }

    [Fact]
    public void Delete_RoomWithParticipants_RaisesRoomDeletedWithThem()
    {
        var rooms = new StandInRooms();
        rooms.GetOrCreate("r");
        rooms.AddParticipant("r", new ParticipantInfo { Identity = "a" });
        (string Room, IReadOnlyList<ParticipantInfo> Participants)? deleted = null;
        rooms.RoomDeleted += (room, participants) => deleted = (room, participants);

        Assert.True(rooms.Delete("r"));
        Assert.False(rooms.Delete("r"));

        Assert.Equal("r", deleted!.Value.Room);
        Assert.Equal("a", Assert.Single(deleted.Value.Participants).Identity);
        Assert.Null(rooms.Participants("r"));
        Assert.False(rooms.RemoveParticipant("r", "a"));
    }

    [Fact]
    public async Task AddAndRemove_FromManyThreads_KeepsCountsConsistent()
    {
        var rooms = new StandInRooms();
        rooms.GetOrCreate("r");

        await Task.WhenAll(Enumerable.Range(0, 8).Select(t => Task.Run(() =>
        {
            for (int i = 0; i < 200; i++)
            {
                string identity = $"p{t}-{i}";
                Assert.Equal(StandInRooms.JoinResult.Joined, rooms.AddParticipant("r", new ParticipantInfo { Identity = identity }));
                if (i % 2 == 0)
                {
                    Assert.True(rooms.RemoveParticipant("r", identity));
                }
            }
        }))).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(800, rooms.Participants("r")!.Count);
        Assert.Equal(800u, rooms.Find("r")!.NumParticipants);
        Assert.Equal(800, rooms.Participants("r")!.Select(p => p.Sid).Distinct().Count());
    }
}
