using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using RtcBench.Agent;
using RtcBench.Core.Protocol;
using Xunit.Abstractions;

namespace RtcBench.Interop.Tests;

/// <summary>
/// The real echo agent (<c>direct</c> platform) against Chromium in a network namespace: the agent listens on the
/// root side of the veth, the page gets credentials from <c>/connect</c>, POSTs its offer to
/// <c>/direct/{room}/offer</c> and the agent answers as ICE-lite (<c>a=setup:passive</c>: we are the DTLS server).
/// The page then sends PingCodec pings on a schedule on both channels and times the pongs with performance.now().
/// </summary>
[Collection(ChromiumNetnsCollection.Name)]
public sealed class ChromiumDirectEchoTests(ChromiumNetns chromium, ITestOutputHelper output)
{
    private const int Pings = 1000;
    private const int IntervalMs = 2;
    private const string ApiKey = "interop-test-key";

    [Fact]
    public async Task ChromiumOffers_AgentAnswersAsIceLite_1000PingsPerChannelEchoedWithNoLoss()
    {
        await using var agent = await AgentHost.StartAsync(new AgentOptions
        {
            Listen = new IPEndPoint(chromium.RootAddress, 0),
            ApiKey = ApiKey, // Required off loopback; the offer itself is authorised by the room token.
        });
        using var http = new HttpClient { BaseAddress = agent.BaseUrl, Timeout = TimeSpan.FromSeconds(15) };
        http.DefaultRequestHeaders.Add("X-Api-Key", ApiKey);
        var connect = await http.PostAsJsonAsync("connect", new { platforms = new[] { "direct" } });
        connect.EnsureSuccessStatusCode();
        var credentials = (await connect.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("platforms").GetProperty("direct");

        var page = await chromium.NewPageAsync();
        try
        {
            string offer = await page.EvaluateAsync<string>("""
                async () => {
                  const pc = rt.start();
                  rt.watch(pc.createDataChannel('reliable'));
                  rt.watch(pc.createDataChannel('lossy', { ordered: false, maxRetransmits: 0 }));
                  await pc.setLocalDescription(await pc.createOffer());
                  return await rt.gathered();
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
            Assert.Contains($" {chromium.RootAddress} ", answer, StringComparison.Ordinal);

            string run = RunId.New().ToString();
            string json = await page.EvaluateAsync<string>(PingScript, new object[] { answer, run, Pings, IntervalMs });
            output.WriteLine(json);
            using var report = JsonDocument.Parse(json);
            foreach (var channel in report.RootElement.EnumerateArray())
            {
                string label = channel.GetProperty("label").GetString()!;
                Assert.True(channel.GetProperty("received").GetInt32() == Pings, $"{label}: {channel}");
                Assert.True(channel.GetProperty("missing").GetInt32() == 0, $"{label}: {channel}");
                Assert.True(channel.GetProperty("duplicates").GetInt32() == 0, $"{label}: {channel}");
                Assert.True(channel.GetProperty("bad").GetInt32() == 0, $"{label}: {channel}");
                // RTTs were measured (no speed bound here: a loaded CI machine stretches them; speed lives in bench/).
                double p50 = channel.GetProperty("p50").GetDouble();
                Assert.True(p50 > 0 && p50 <= channel.GetProperty("max").GetDouble(), $"{label}: {channel}");
            }
        }
        finally
        {
            await page.CloseAsync();
        }
    }

    /// <summary>
    /// Applies the answer, then every <c>intervalMs</c> (catching up when timers are late) sends the next ping on
    /// both channels; returns, per channel, how many distinct pongs came back, and the RTT percentiles in ms.
    /// </summary>
    private const string PingScript = """
        async ([answer, run, count, intervalMs]) => {
          await rt.pc.setRemoteDescription({ type: 'answer', sdp: answer });
          await rt.allOpen(15000);
          const labels = ['reliable', 'lossy'];
          const results = {};
          for (const label of labels) {
            const r = results[label] = { sent: new Map(), rtts: [], dup: 0, bad: 0 };
            rt.chans[label].onmessage = e => {
              const now = performance.now();
              let m;
              try { m = JSON.parse(e.data); } catch { r.bad++; return; }
              if (m.v !== 1 || m.t !== 'pong' || String(m.run).toLowerCase() !== run || !(m.tx >= m.rx)) { r.bad++; return; }
              const t = r.sent.get(m.seq);
              if (t === undefined) { r.dup++; return; }
              r.sent.delete(m.seq);
              r.rtts.push(now - t);
            };
          }
          const t0 = performance.now();
          let seq = 0;
          await new Promise(resolve => {
            const timer = setInterval(() => {
              const due = Math.min(count, Math.floor((performance.now() - t0) / intervalMs) + 1);
              while (seq < due) {
                for (const label of labels) {
                  const ts = performance.now();
                  results[label].sent.set(seq, ts);
                  rt.chans[label].send('{"v":1,"t":"ping","run":"' + run + '","seq":' + seq + ',"ts":' + (ts * 1000).toFixed(3) + '}');
                }
                seq++;
              }
              if (seq >= count) { clearInterval(timer); resolve(); }
            }, intervalMs);
          });
          await rt.until(() => labels.every(l => results[l].sent.size === 0), 5000, 'every pong').catch(() => {});
          return JSON.stringify(labels.map(label => {
            const r = results[label];
            const s = r.rtts.slice().sort((a, b) => a - b);
            const q = p => s.length ? s[Math.min(s.length - 1, Math.floor(p * s.length))] : -1;
            return { label, sent: count, received: s.length, missing: r.sent.size, duplicates: r.dup, bad: r.bad,
                     p50: q(0.5), p99: q(0.99), max: s.length ? s[s.length - 1] : -1, durationMs: performance.now() - t0 };
          }));
        }
        """;
}
