using System.Text;
using RtcBench.Rtc.Peer;
using RtcBench.Rtc.Tests.Turn;

namespace RtcBench.Interop.Tests;

/// <summary>
/// Our TURN relay candidate against a real browser: Chromium (in its network namespace) offers; we answer as a full
/// ICE agent with relay-only ICE through a real coturn on the root side of the veth, and trickle the relay candidate
/// to Chromium. Chromium's checks and data reach us only through coturn; ours reach it from the relayed address.
/// </summary>
[Collection(ChromiumNetnsCollection.Name)]
public sealed class ChromiumRelayTests(ChromiumNetns chromium)
{
    [Fact]
    public async Task ChromiumOffers_WeAnswerRelayOnlyThroughCoturn_TrickledRelayCandidate_MessagesEchoByteExact()
    {
        var coturn = new CoturnServer { ListenAddress = chromium.RootAddress };
        await coturn.InitializeAsync();
        var page = await chromium.NewPageAsync();
        try
        {
            string offer = await page.EvaluateAsync<string>("""
                async () => {
                  const pc = rt.start();
                  rt.echo = true;
                  rt.watch(pc.createDataChannel('reliable'));
                  await pc.setLocalDescription(await pc.createOffer());
                  return await rt.gathered();
                }
                """);
            var options = new PeerConnectionOptions
            {
                LocalAddress = chromium.RootAddress,
                AnswererIceMode = AnswererIceMode.Full,
                IceServers = [new RtcIceServer([$"turn:{coturn.Endpoint.Address}:{coturn.Endpoint.Port}?transport=udp"], CoturnServer.Username, CoturnServer.Password)],
                IceTransportPolicy = IceTransportPolicy.Relay,
            };
            await using var peer = PeerConnection.AcceptOffer(offer, options);
            var opened = new TaskCompletionSource<DataChannel>(TaskCreationOptions.RunContinuationsAsynchronously);
            peer.DataChannelOpened += channel => opened.TrySetResult(channel);
            Assert.DoesNotContain("a=candidate", peer.LocalDescription!, StringComparison.Ordinal);
            await peer.WhenGatheringComplete.WaitAsync(InteropSession.Timeout);
            string relay = Assert.Single(peer.LocalCandidates);
            Assert.Contains($" {chromium.RootAddress} ", relay, StringComparison.Ordinal);
            Assert.Contains(" typ relay ", relay, StringComparison.Ordinal);

            string mid = peer.LocalDescription!.Split('\n').First(l => l.StartsWith("a=mid:", StringComparison.Ordinal))["a=mid:".Length..].Trim();
            await page.EvaluateAsync("""
                async ([answer, candidate, mid]) => {
                  await rt.pc.setRemoteDescription({ type: 'answer', sdp: answer });
                  await rt.pc.addIceCandidate({ candidate, sdpMid: mid, sdpMLineIndex: 0 });
                  await rt.allOpen(15000);
                }
                """, new object[] { peer.LocalDescription!, relay, mid });
            var outcome = await peer.WhenConnected.WaitAsync(InteropSession.Timeout);
            Assert.True(outcome.Connected, outcome + "; " + peer.RelayStatus);

            var pair = peer.SelectedPair!;
            Assert.Equal("relay", pair.LocalType);
            Assert.Equal(coturn.Endpoint.Address, pair.Local.Address);
            Assert.InRange(pair.Local.Port, coturn.MinRelayPort, coturn.MaxRelayPort);
            Assert.Equal(chromium.NamespaceAddress, pair.Remote.Address);

            // Chromium's own view: the remote candidate of its selected pair is our relay.
            string remoteType = await page.EvaluateAsync<string>("""
                async () => {
                  const stats = await rt.pc.getStats();
                  let pairId = null;
                  stats.forEach(r => { if (r.type === 'transport') pairId = r.selectedCandidatePairId; });
                  const pair = stats.get(pairId);
                  return stats.get(pair.remoteCandidateId).candidateType;
                }
                """);
            Assert.Equal("relay", remoteType);

            var channel = await opened.Task.WaitAsync(InteropSession.Timeout);
            var echoes = new List<byte[]>();
            var all = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            const int count = 200;
            channel.OnMessage = (_, message, _, _) =>
            {
                lock (echoes)
                {
                    echoes.Add(message.ToArray());
                    if (echoes.Count == count)
                    {
                        all.TrySetResult();
                    }
                }
            };
            var sent = Enumerable.Range(0, count).Select(i => Encoding.UTF8.GetBytes($"relayed {i} " + new string('r', i * 5))).ToArray();
            foreach (var message in sent)
            {
                Assert.True(channel.SendText(message));
            }

            await all.Task.WaitAsync(InteropSession.Timeout);
            lock (echoes)
            {
                Assert.Equal(sent, echoes);
            }
        }
        finally
        {
            await page.CloseAsync();
            await coturn.DisposeAsync();
        }
    }
}
