using System.Collections.Concurrent;
using System.Net;
using System.Text;
using RtcBench.Rtc.Net;
using RtcBench.Rtc.Peer;
using RtcBench.Rtc.Sdp;
using static RtcBench.Rtc.Tests.Peer.PeerTestKit;

namespace RtcBench.Rtc.Tests.Peer;

/// <summary>Answerers on one shared UDP socket (<see cref="UdpMux"/>), as the echo agent runs them; offerers on their own.</summary>
public sealed class PeerConnectionSharedSocketTests
{
    [Theory]
    [InlineData(AnswererIceMode.Lite, SdpSetup.Passive, 1)]
    [InlineData(AnswererIceMode.Lite, SdpSetup.Active, 1)]
    [InlineData(AnswererIceMode.Full, SdpSetup.Passive, 1)]
    [InlineData(AnswererIceMode.Lite, SdpSetup.Passive, 3)]
    public async Task TwoSessions_OneSharedPort_BothEchoWithoutCrossTalk(AnswererIceMode mode, SdpSetup setup, int receiveThreads)
    {
        using var mux = new UdpMux(new IPEndPoint(IPAddress.Loopback, 0), PeerConnectionOptions.DefaultClock, receiveThreads: receiveThreads);
        var offerers = new PeerConnection[2];
        var answerers = new PeerConnection[2];
        var channels = new DataChannel[2];
        var heard = new[] { new ConcurrentQueue<string>(), new ConcurrentQueue<string>() };
        var echoed = new[] { new ConcurrentQueue<string>(), new ConcurrentQueue<string>() };
        try
        {
            for (int i = 0; i < 2; i++)
            {
                offerers[i] = PeerConnection.CreateOfferer(Options());
                channels[i] = offerers[i].CreateDataChannel("reliable");
                answerers[i] = PeerConnection.AcceptOffer(offerers[i].CreateOffer(), Options(o => o with { SharedSocket = mux, AnswererIceMode = mode, AnswerSetup = setup }));
                EchoTagged(answerers[i], $"a{i}", heard[i]);
                int k = i;
                channels[i].OnMessage = (_, m, _, _) => echoed[k].Enqueue(Encoding.UTF8.GetString(m));
                offerers[i].SetRemoteAnswer(answerers[i].LocalDescription!);
            }

            for (int i = 0; i < 2; i++)
            {
                Assert.Equal(PeerOutcome.Success, await WithTimeout(offerers[i].WhenConnected));
                Assert.True(await WithTimeout(channels[i].WhenOpen));
                Assert.Equal(mux.LocalEndPoint, answerers[i].LocalEndPoint);
                Assert.Equal(mux.LocalEndPoint, offerers[i].SelectedPair!.Remote);
                Assert.Contains($" {mux.LocalEndPoint.Port} typ host", answerers[i].LocalDescription!);
                Assert.Same(mux, answerers[i].MuxSession!.Mux);
                Assert.Contains(offerers[i].LocalEndPoint, answerers[i].MuxSession!.Remotes);
                Assert.Throws<InvalidOperationException>(() => answerers[i].Socket);
            }

            Assert.Null(offerers[0].MuxSession);
            Assert.Equal(2, mux.Sessions);
            for (int n = 0; n < 50; n++)
            {
                for (int i = 0; i < 2; i++)
                {
                    Assert.True(channels[i].SendText(Encoding.UTF8.GetBytes($"o{i} #{n}")));
                }
            }

            await WaitUntilAsync(() => echoed[0].Count == 50 && echoed[1].Count == 50);
            for (int i = 0; i < 2; i++)
            {
                Assert.Equal(Enumerable.Range(0, 50).Select(n => $"o{i} #{n}"), heard[i]);
                Assert.Equal(Enumerable.Range(0, 50).Select(n => $"a{i}:o{i} #{n}"), echoed[i]);
            }

            // One session ends: its ufrag and routes go, the other goes on.
            await offerers[0].DisposeAsync();
            await answerers[0].DisposeAsync();
            Assert.Equal(1, mux.Sessions);
            Assert.DoesNotContain(offerers[0].LocalEndPoint, answerers[1].MuxSession!.Remotes);
            Assert.True(channels[1].SendText("after"u8));
            await WaitUntilAsync(() => echoed[1].Count == 51);
            Assert.Equal("a1:after", echoed[1].Last());
            Assert.Equal(0, mux.ReceiveErrors);
        }
        finally
        {
            foreach (var pc in offerers.Concat(answerers))
            {
                if (pc is not null)
                {
                    await pc.DisposeAsync();
                }
            }
        }

        Assert.Equal(0, mux.Sessions);
        Assert.Equal(0, mux.Routes);
    }

    [Fact]
    public void Options_SharedSocket_WrongAddressPortOrTurn_AreListed()
    {
        using var mux = new UdpMux(new IPEndPoint(IPAddress.Loopback, 0), PeerConnectionOptions.DefaultClock);
        var error = Assert.Throws<ArgumentException>(() => PeerConnection.CreateOfferer(new PeerConnectionOptions
        {
            LocalAddress = IPAddress.Parse("127.0.0.2"),
            LocalPort = 5000,
            SharedSocket = mux,
            IceServers = [new RtcIceServer(["turn:127.0.0.1:3478"], "u", "p")],
            AnswererIceMode = AnswererIceMode.Full,
        }));
        Assert.Contains("LocalAddress must be the shared socket's address (127.0.0.1)", error.Message);
        Assert.Contains("LocalPort must be 0 with a SharedSocket", error.Message);
        Assert.Contains("IceServers (a TURN relay) need a socket of the connection's own", error.Message);
        Assert.Equal(0, mux.Sessions);
    }

    /// <summary>Echoes every text message prefixed with <paramref name="tag"/>, and records what it heard.</summary>
    private static void EchoTagged(PeerConnection answerer, string tag, ConcurrentQueue<string> heard) =>
        answerer.DataChannelOpened += channel => channel.OnMessage = (ch, message, _, _) =>
        {
            string text = Encoding.UTF8.GetString(message);
            heard.Enqueue(text);
            ch.SendText(Encoding.UTF8.GetBytes($"{tag}:{text}"));
        };
}
