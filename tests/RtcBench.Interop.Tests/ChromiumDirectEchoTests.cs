using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Playwright;
using RtcBench.Agent;
using RtcBench.Core.Protocol;
using RtcBench.Rtc.Dtls;
using RtcBench.Rtc.Peer;

namespace RtcBench.Interop.Tests;

/// <summary>
/// Real headless Chromium offers a data channel; the real echo agent answers it through its WHIP-like endpoint as
/// ICE-lite (we are the DTLS server) and echoes a ping back on the channel it arrived on.
/// </summary>
/// <remarks>
/// Chromium runs on the host network here. Per PROTOCOLS.md §1 it then needs
/// <c>--disable-features=WebRtcHideLocalIpsWithMdns</c> (raw host candidates, no mDNS multicast); our answer offers a
/// 127.0.0.1 candidate and the agent answers checks from whatever source Chromium uses.
/// </remarks>
public sealed class ChromiumDirectEchoTests
{
    private static readonly string[] Flags =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-features=WebRtcHideLocalIpsWithMdns",
        "--allow-loopback-in-peer-connection",
    ];

    [Fact]
    public async Task ChromiumOffers_AgentAnswersAsIceLite_PingEchoedOnTheSameChannel()
    {
        Chromium.Require();
        await using var agent = await AgentHost.StartAsync(new AgentOptions { Listen = new IPEndPoint(IPAddress.Loopback, 0) });
        using var http = new HttpClient { BaseAddress = agent.BaseUrl };
        var connect = await http.PostAsJsonAsync("connect", new { platforms = new[] { "direct" } });
        connect.EnsureSuccessStatusCode();
        var room = await connect.Content.ReadFromJsonAsync<JsonElement>();
        var credentials = room.GetProperty("platforms").GetProperty("direct");

        using var playwright = await Playwright.CreateAsync();
        string profile = Directory.CreateTempSubdirectory("rtcbench-chromium-").FullName;
        await using var browser = await playwright.Chromium.LaunchPersistentContextAsync(profile, new()
        {
            ExecutablePath = Chromium.Path,
            Headless = true,
            Args = Flags,
        });
        var page = browser.Pages.Count > 0 ? browser.Pages[0] : await browser.NewPageAsync();

        string offer = await page.EvaluateAsync<string>("""
            async () => {
              const pc = new RTCPeerConnection();
              window.pc = pc;
              window.dc = pc.createDataChannel('reliable');
              window.received = new Promise(resolve => { window.dc.onmessage = e => resolve(e.data); });
              window.opened = new Promise((resolve, reject) => {
                window.dc.onopen = () => resolve(true);
                setTimeout(() => reject(new Error('no open; ice=' + pc.iceConnectionState + ' conn=' + pc.connectionState)), 15000);
              });
              await pc.setLocalDescription(await pc.createOffer());
              await new Promise(resolve => {
                if (pc.iceGatheringState === 'complete') return resolve();
                pc.onicegatheringstatechange = () => pc.iceGatheringState === 'complete' && resolve();
                setTimeout(resolve, 3000);
              });
              return pc.localDescription.sdp;
            }
            """);

        using var request = new HttpRequestMessage(HttpMethod.Post, credentials.GetProperty("signal_url").GetString())
        {
            Content = new StringContent(offer, Encoding.UTF8),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/sdp");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", credentials.GetProperty("token").GetString());
        var response = await http.SendAsync(request);
        string answer = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, answer + "\n--- offer ---\n" + offer);
        Assert.Contains("a=ice-lite", answer, StringComparison.Ordinal);
        Assert.Contains("a=setup:passive", answer, StringComparison.Ordinal);

        var runId = RunId.New();
        var pingBytes = new byte[256];
        int n = PingCodec.WritePing(pingBytes, runId, seq: 7, sentNs: 123_456_789, payloadBytes: 0);
        string ping = Encoding.UTF8.GetString(pingBytes, 0, n);
        string echoed = await page.EvaluateAsync<string>("""
            async ([answer, ping]) => {
              await window.pc.setRemoteDescription({ type: 'answer', sdp: answer });
              await window.opened;
              window.dc.send(ping);
              return await Promise.race([window.received, new Promise((_, r) => setTimeout(() => r(new Error('no echo')), 10000))]);
            }
            """, new[] { answer, ping });

        Assert.True(PingCodec.TryReadPong(Encoding.UTF8.GetBytes(echoed), out var pong), echoed);
        Assert.Equal(runId, pong.RunId);
        Assert.Equal(7, pong.Seq);
        Assert.True(pong.EchoTxNs >= pong.EchoRxNs, echoed);
    }

    [Fact]
    public async Task WeOffer_ChromiumAnswersActive_BothChannelsEchoedByThePage()
    {
        Chromium.Require();
        using var playwright = await Playwright.CreateAsync();
        string profile = Directory.CreateTempSubdirectory("rtcbench-chromium-").FullName;
        await using var browser = await playwright.Chromium.LaunchPersistentContextAsync(profile, new()
        {
            ExecutablePath = Chromium.Path,
            Headless = true,
            Args = Flags,
        });
        var page = browser.Pages.Count > 0 ? browser.Pages[0] : await browser.NewPageAsync();
        await using var peer = PeerConnection.CreateOfferer(new PeerConnectionOptions { LocalAddress = IPAddress.Loopback });
        var reliable = peer.CreateDataChannel("reliable");
        var lossy = peer.CreateDataChannel("lossy", ordered: false, maxRetransmits: 0);

        string answer = await page.EvaluateAsync<string>("""
            async (offer) => {
              const pc = new RTCPeerConnection();
              window.pc = pc;
              pc.ondatachannel = e => { const ch = e.channel; ch.onmessage = m => ch.send(m.data); };
              await pc.setRemoteDescription({ type: 'offer', sdp: offer });
              await pc.setLocalDescription(await pc.createAnswer());
              await new Promise(resolve => {
                if (pc.iceGatheringState === 'complete') return resolve();
                pc.onicegatheringstatechange = () => pc.iceGatheringState === 'complete' && resolve();
                setTimeout(resolve, 3000);
              });
              return pc.localDescription.sdp;
            }
            """, peer.CreateOffer());
        peer.SetRemoteAnswer(answer);

        var outcome = await peer.WhenConnected.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.True(outcome.Connected, outcome + "\n--- answer ---\n" + answer);
        Assert.Equal(DtlsRole.Server, peer.DtlsRole);
        Assert.True(await reliable.WhenOpen.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.True(await lossy.WhenOpen.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(1, reliable.StreamId % 2); // DTLS server: odd stream ids.

        foreach (var channel in new[] { reliable, lossy })
        {
            var echoed = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            channel.OnMessage = (_, m, isText, _) => echoed.TrySetResult((isText ? "text:" : "binary:") + Encoding.UTF8.GetString(m));
            channel.SendText(Encoding.UTF8.GetBytes("hello " + channel.Label));
            Assert.Equal("text:hello " + channel.Label, await echoed.Task.WaitAsync(TimeSpan.FromSeconds(10)));
        }

        var big = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        reliable.OnMessage = (_, m, _, _) => big.TrySetResult(m.Length);
        reliable.Send(new byte[5000]); // Fragmented both ways (our 1163-byte packets, Chromium's ~1190-byte ones).
        Assert.Equal(5000, await big.Task.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.NotNull(peer.SelectedPair);
    }
}
