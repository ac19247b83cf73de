using System.Globalization;
using System.Text;
using RtcBench.Janus.Api;
using RtcBench.Janus.Client;
using RtcBench.Janus.Plugins;
using RtcBench.Janus.Plugins.VideoRoom;
using RtcBench.Janus.Tests.Support;
using RtcBench.Janus.Transport;
using RtcBench.Rtc.Peer;
using RtcBench.Rtc.Sdp;

namespace RtcBench.Janus.Tests.Interop;

/// <summary>
/// Janus as an SFU for data (the VideoRoom plugin, the <c>sfu</c> path of the janus platform): one of our peers
/// publishes a data-only stream (we offer, Janus answers), another subscribes to that feed (Janus offers, we answer),
/// and what the publisher sends reaches the subscriber on the channel Janus opens, labelled with the publisher's id.
/// Janus relays to a subscriber only once its association has carried data, so the subscriber first opens a channel
/// of its own (as janus.js does). Janus then opens the relay channel itself (lowest free stream id ≥ 1, reliable and
/// ordered whatever the publisher used), so the subscriber answers as DTLS client: its own streams are even and
/// Janus's odd ids are the peer's parity.
/// </summary>
[Collection(JanusCollection.Name)]
public sealed class VideoRoomInteropTests(JanusFixture fixture)
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(30);
    private readonly JanusServer _janus = fixture.Server;

    [Theory]
    [InlineData(JanusTransportKind.Http, true)]
    [InlineData(JanusTransportKind.WebSocket, false)]
    public async Task VideoRoom_DataOnlyPublisherAndSubscriber_MessagesRelayedInOrderOnJanusReliableChannel(JanusTransportKind kind, bool publisherReliable)
    {
        var peers = new List<PeerConnection>();
        try
        {
            await using var client = await JanusClient.ConnectAsync(_janus.ClientOptions(kind));
            await using var session = await client.CreateSessionAsync();
            var publisher = await session.AttachAsync(JanusPlugins.VideoRoom);
            long room = Random.Shared.NextInt64(1, 1L << 40);
            string secret = JanusSecrets.New();
            await publisher.SendAsync(new VideoRoomCreateRoom { Room = room, Secret = secret, AdminKey = _janus.Secrets.VideoRoomAdminKey, Publishers = 2 });
            Assert.True(VideoRoomJoined.TryRead(await publisher.SendAsync(new VideoRoomJoinPublisher { Room = room, Display = "pub" }), out var joined));

            var pub = PeerConnection.CreateOfferer(new PeerConnectionOptions { LocalAddress = _janus.ClientAddress });
            peers.Add(pub);
            var send = pub.CreateDataChannel("pings", ordered: publisherReliable, maxRetransmits: publisherReliable ? null : 0);
            var configured = await publisher.SendAsync(VideoRoomPublish.DataOnly, JanusJsep.Offer(pub.CreateOffer()));
            Assert.Equal("ok", configured.GetString("configured"));
            pub.SetRemoteAnswer(configured.Jsep!.Sdp);
            await JanusPeerConnect.ConnectedAsync(pub, publisher, _janus);
            Assert.True(await send.WhenOpen.WaitAsync(Guard));

            var subscriber = await session.AttachAsync(JanusPlugins.VideoRoom);
            var attached = await subscriber.SendAsync(new VideoRoomJoinSubscriber { Room = room, Streams = [(joined!.Id, null)] });
            Assert.Equal("attached", attached.GetString("videoroom"));
            Assert.Contains("m=application", attached.Jsep!.Sdp, StringComparison.Ordinal);
            var sub = PeerConnection.AcceptOffer(attached.Jsep.Sdp, new PeerConnectionOptions
            {
                LocalAddress = _janus.ClientAddress,
                AnswerSetup = SdpSetup.Active,
                AnswererIceMode = AnswererIceMode.Full,
            });
            peers.Add(sub);
            var relayed = new TaskCompletionSource<DataChannel>(TaskCreationOptions.RunContinuationsAsynchronously);
            var inboxes = new List<MessageInbox>();
            sub.DataChannelOpened += channel =>
            {
                lock (inboxes)
                {
                    inboxes.Add(new MessageInbox(channel));
                }

                relayed.TrySetResult(channel);
            };
            var started = await subscriber.SendAsync(VideoRoomSimpleRequest.Start, JanusJsep.Answer(sub.LocalDescription!));
            Assert.Equal("ok", started.GetString("started"));
            await JanusPeerConnect.ConnectedAsync(sub, subscriber, _janus);
            // Janus relays to a subscriber only once its SCTP association has carried something ("data ready", on
            // usrsctp's SENDER_DRY): as janus.js does, the subscriber opens a channel of its own first.
            var own = sub.CreateDataChannel("JanusDataChannel");
            Assert.True(await own.WhenOpen.WaitAsync(Guard), "Janus did not acknowledge the subscriber's channel");

            // Janus opens the subscriber's channel when it first relays: keep sending until it is there.
            var expected = new List<string>();
            int n = 0;
            while (!relayed.Task.IsCompleted && n < 200)
            {
                await send.WhenOpen;
                string text = $"ping {n++}";
                send.SendText(Encoding.UTF8.GetBytes(text));
                expected.Add(text);
                await Task.WhenAny(relayed.Task, Task.Delay(50));
            }

            var channel = await relayed.Task.WaitAsync(Guard);
            Assert.Equal(joined.Id.ToString(CultureInfo.InvariantCulture), channel.Label);
            Assert.True(channel.Ordered); // Janus's own channel: reliable, whatever the publisher used.
            MessageInbox inbox;
            lock (inboxes)
            {
                inbox = inboxes[0];
            }

            for (int i = 0; i < 20; i++)
            {
                string text = $"ping {n++}";
                Assert.True(send.SendText(Encoding.UTF8.GetBytes(text)));
                expected.Add(text);
                byte[] binary = [1, 2, 3, (byte)i];
                Assert.True(send.Send(binary));
                expected.Add("binary " + Convert.ToHexString(binary));
            }

            var received = new List<string>();
            while (received.Count == 0 || received[^1] != expected[^1])
            {
                var m = await inbox.NextAsync();
                received.Add(m.IsText ? m.Text : "binary " + Convert.ToHexString(m.Data));
            }

            // Pings sent before Janus's relay channel existed may be lost (Janus drops what it cannot relay yet); from
            // the first one relayed on, everything came once and in order: a suffix of what was sent, the last 40 included.
            Assert.True(received.Count >= 40, $"only {received.Count} relayed");
            Assert.Equal(expected.Skip(expected.Count - received.Count), received);
            await publisher.SendAsync(new JanusRoomDestroy { Room = room, Secret = secret });
        }
        catch (Exception ex) when (ex is not Xunit.Sdk.XunitException)
        {
            throw new Xunit.Sdk.XunitException(_janus.Explain($"{ex}\n--- our side ---\n{PeerReport.Describe(peers)}"));
        }
        finally
        {
            foreach (var pc in peers)
            {
                await pc.DisposeAsync();
            }
        }
    }
}
