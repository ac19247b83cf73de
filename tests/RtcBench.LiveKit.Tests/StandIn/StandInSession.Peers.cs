using System.Text.Json;
using RtcBench.LiveKit.Protocol;
using RtcBench.LiveKit.Signalling;

namespace RtcBench.LiveKit.Tests.StandIn;

/// <summary>
/// The session's two peer connections in werift, as LiveKit sets them up (PROTOCOLS.md §2 A3, livekit/livekit
/// pkg/rtc/transportmanager.go): the subscriber connection the server offers with its channels already created, the
/// publisher connection it answers; candidates only by trickle, one step late with the last marked final; the
/// client's trickles handed to werift as they are (LiveKit ignores their <c>final</c>); later subscriber offers.
/// </summary>
internal sealed partial class StandInSession
{
    private async Task OfferSubscriberAsync()
    {
        // As LiveKit (TransportManager.createDataChannelsForSubscriber): the server creates its channels on the
        // subscriber connection before offering it, in-band (DCEP), ids chosen by the stack.
        var subscriber = _server.Media.CreatePeer(Sid + "/subscriber");
        _subscriber = subscriber;
        AdoptSubscriberChannels(subscriber);
        WhenPrimaryConnected(subscriber);
        var offer = await subscriber.OfferAsync(
        [
            new WeriftChannelSpec(ReliableLabel, Ordered: true),
            new WeriftChannelSpec(LossyLabel, Ordered: false, MaxRetransmits: 0),
            new WeriftChannelSpec(DataTrackLabel, Ordered: false, MaxRetransmits: 0),
        ]);
        string sdp = _server.Faults.CorruptSubscriberOffer ? "v=0\r\nthis is not an offer\r\n" : OwnSdp(offer.Sdp);
        _subscriberOfferId = 1;
        SubscriberOfferSdp = sdp;
        await SendAsync(new SignalResponse { Offer = new SessionDescription { Type = "offer", Sdp = sdp, Id = 1 } });
        await TrickleOwnAsync(offer, SignalTarget.Subscriber);
    }

    private string OwnSdp(string sdp) => _server.Options.CandidatesByTrickleOnly ? StandInTrickle.StripCandidates(sdp) : sdp;

    private async Task TrickleOwnAsync(WeriftDescription local, SignalTarget target)
    {
        foreach (var trickle in StandInTrickle.Candidates(local, target))
        {
            await SendAsync(trickle);
        }
    }

    private async Task ApplyClientCandidateAsync(TrickleRequest trickle)
    {
        // LiveKit hands the client's RTCIceCandidateInit to its stack as it is, and ignores `final`.
        Interlocked.Increment(ref _trickleReceived);
        var peer = trickle.Target == SignalTarget.Subscriber ? _subscriber : _publisher;
        if (peer is null || !TrickleCandidate.TryParse(trickle.CandidateInit, out _))
        {
            Interlocked.Increment(ref _malformedSignal);
            return;
        }

        try
        {
            using var init = JsonDocument.Parse(trickle.CandidateInit);
            await peer.AddCandidateAsync(init.RootElement);
        }
        catch (NodeCommandException)
        {
            Interlocked.Increment(ref _malformedSignal);
        }
    }

    /// <summary>
    /// Renegotiates the subscriber connection in werift with an audio sender added, as LiveKit does when the
    /// subscriber session changes (a track to subscribe); <paramref name="restartIce"/> also restarts ICE (new
    /// credentials), which the client cannot follow. The answer is checked and applied in
    /// <see cref="ApplySubscriberAnswerAsync"/> and counted in <see cref="SubscriberReanswers"/>.
    /// </summary>
    public async Task ReofferSubscriberAsync(bool restartIce = false)
    {
        var subscriber = _subscriber ?? throw new InvalidOperationException("No subscriber offer was sent yet.");
        string offer = await subscriber.ReofferAsync(addAudio: true, iceRestart: restartIce);
        uint id = (uint)Interlocked.Increment(ref _subscriberOfferId);
        await SendAsync(new SignalResponse { Offer = new SessionDescription { Type = "offer", Sdp = OwnSdp(offer), Id = id } });
    }

    /// <summary>Answers to <see cref="ReofferSubscriberAsync"/> that kept the transport, rejected the added audio and werift took.</summary>
    public int SubscriberReanswers => Volatile.Read(ref _subscriberReanswers);

    /// <summary>Completes with whether the first renegotiation answer was acceptable (see <see cref="SubscriberReanswers"/>).</summary>
    public Task<bool> SubscriberReanswered => _subscriberReanswered.Task;

    private async Task ApplySubscriberAnswerAsync(SessionDescription answer)
    {
        var subscriber = _subscriber;
        if (subscriber is null)
        {
            Interlocked.Increment(ref _malformedSignal);
            return;
        }

        bool renegotiation = answer.Id >= 2;
        bool acceptable = true;
        if (renegotiation)
        {
            // Same ICE credentials as the first answer, the audio section rejected (port 0).
            bool sameIce = _subscriberAnswerUfrag is { } first && answer.Sdp.Contains(first, StringComparison.Ordinal);
            acceptable = sameIce && answer.Sdp.Contains("m=audio 0 ", StringComparison.Ordinal);
        }
        else
        {
            _subscriberAnswerUfrag = answer.Sdp.Split("\r\n").FirstOrDefault(l => l.StartsWith("a=ice-ufrag:", StringComparison.Ordinal));
        }

        try
        {
            await subscriber.SetRemoteAnswerAsync(OwnSdp(answer.Sdp));
        }
        catch (NodeCommandException)
        {
            acceptable = false;
        }

        if (!acceptable)
        {
            Interlocked.Increment(ref _malformedSignal);
        }
        else if (renegotiation)
        {
            Interlocked.Increment(ref _subscriberReanswers);
        }

        if (renegotiation)
        {
            _subscriberReanswered.TrySetResult(acceptable);
        }
    }

    private async Task AnswerPublisherAsync(SessionDescription offer)
    {
        if (_publisher is not null)
        {
            Interlocked.Increment(ref _malformedSignal); // Renegotiation is not imitated.
            return;
        }

        var publisher = _server.Media.CreatePeer(Sid + "/publisher");
        AdoptPublisherChannels(publisher);
        _publisher = publisher;
        if (!SubscriberPrimary)
        {
            WhenPrimaryConnected(publisher);
        }

        WeriftDescription answer;
        try
        {
            answer = await publisher.AnswerAsync(OwnSdp(offer.Sdp));
        }
        catch (NodeCommandException)
        {
            Interlocked.Increment(ref _malformedSignal);
            return;
        }

        if (_server.Faults.TrickleBeforeAnswer)
        {
            await TrickleOwnAsync(answer, SignalTarget.Publisher);
        }

        PublisherAnswerSdp = OwnSdp(answer.Sdp);
        await SendAsync(new SignalResponse { Answer = new SessionDescription { Type = "answer", Sdp = PublisherAnswerSdp, Id = offer.Id } });
        if (!_server.Faults.TrickleBeforeAnswer)
        {
            await TrickleOwnAsync(answer, SignalTarget.Publisher);
        }
    }

    private void WhenPrimaryConnected(WeriftPeer primary) =>
        _ = primary.WhenConnected.ContinueWith(
            t =>
            {
                if (t.Result && _server.Rooms.Participants(_room.Name)?.Any(p => p.Sid == Sid) == true)
                {
                    _server.Rooms.AddParticipant(_room.Name, Info(ParticipantInfo.Types.State.Active));
                    BroadcastUpdate(ParticipantInfo.Types.State.Active);
                }
            },
            CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
}
