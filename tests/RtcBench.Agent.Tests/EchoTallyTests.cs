using RtcBench.Agent.Platforms;

namespace RtcBench.Agent.Tests;

public sealed class EchoTallyTests
{
    [Fact]
    public void New_HasNoActivity()
    {
        var tally = new EchoTally();

        Assert.Equal(new PlatformRoomActivity(0, null), tally.Activity);
    }

    [Fact]
    public void Answering_CountsThePongBeforeItLeaves_AndNotSentTakesItBack()
    {
        var tally = new EchoTally();

        tally.Answering(100);
        Assert.Equal(new PlatformRoomActivity(1, 100), tally.Activity);

        tally.NotSent();
        Assert.Equal(0, tally.Echoed);
        Assert.Equal(1, tally.SendFailed);
        Assert.Equal(100, tally.Activity.LastActivityNs); // The ping was valid: still activity.
    }

    [Fact]
    public void Seen_IsActivityWithoutAnEcho_AndDropIsNeither()
    {
        var tally = new EchoTally();

        tally.Seen(5);
        tally.Drop();
        tally.Drop();

        Assert.Equal(new PlatformRoomActivity(0, 5), tally.Activity);
        Assert.Equal(2, tally.Dropped);
    }

    [Fact]
    public void ZeroIsATime_NotNoActivity()
    {
        var tally = new EchoTally();

        tally.Answering(0);

        Assert.Equal(0, tally.Activity.LastActivityNs);
    }
}
