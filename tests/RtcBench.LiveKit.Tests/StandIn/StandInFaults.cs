namespace RtcBench.LiveKit.Tests.StandIn;

/// <summary>Switches that make the stand-in misbehave the way a real server or network can. Thread-safe.</summary>
internal sealed class StandInFaults
{
    private volatile bool _refuseJoins;
    private volatile bool _stopAnsweringPings;
    private volatile bool _ignorePublisherOffers;
    private volatile bool _corruptSubscriberOffer;
    private volatile bool _trickleBeforeAnswer;

    /// <summary>Every join (and /rtc/validate) is refused with 401, as for a bad token.</summary>
    public bool RefuseJoins
    {
        get => _refuseJoins;
        set => _refuseJoins = value;
    }

    /// <summary>The client's publisher offer is never answered: its join cannot finish.</summary>
    public bool IgnorePublisherOffers
    {
        get => _ignorePublisherOffers;
        set => _ignorePublisherOffers = value;
    }

    /// <summary>The subscriber offer's SDP is not an SDP (a server bug the client must survive with an outcome).</summary>
    public bool CorruptSubscriberOffer
    {
        get => _corruptSubscriberOffer;
        set => _corruptSubscriberOffer = value;
    }

    /// <summary>
    /// The server's publisher candidates go out before its answer (the WebSocket keeps their order), so the client
    /// holds candidates for a connection that has no remote description yet.
    /// </summary>
    public bool TrickleBeforeAnswer
    {
        get => _trickleBeforeAnswer;
        set => _trickleBeforeAnswer = value;
    }

    /// <summary>ping / ping_req get no answer, and nothing else is sent either: the client sees silence.</summary>
    public bool StopAnsweringPings
    {
        get => _stopAnsweringPings;
        set => _stopAnsweringPings = value;
    }
}
