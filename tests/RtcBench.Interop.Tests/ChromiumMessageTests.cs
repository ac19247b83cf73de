using System.Text;
using RtcBench.Rtc.Sdp;

namespace RtcBench.Interop.Tests;

/// <summary>
/// Messages both ways on both channel kinds, in every offer direction and both DTLS roles: text, binary, empty text,
/// empty binary and 64 KiB (text and binary), first sent by the page and echoed by us, then sent by us and echoed by
/// the page. Each side checks the bytes it gets back. Nothing may be lost, except that a 64 KiB message on the
/// maxRetransmits-0 channel gets six tries: one retransmission timeout on either side (a CPU stall past RTO.Min, 400 ms
/// on our side, on a loaded 2-core runner) abandons all 57 fragments, and that is PR-SCTP working as specified.
/// </summary>
[Collection(ChromiumNetnsCollection.Name)]
public sealed class ChromiumMessageTests(ChromiumNetns chromium)
{
    public static TheoryData<Offerer, SdpSetup> Modes => new()
    {
        { Offerer.Chromium, SdpSetup.Passive },
        { Offerer.Chromium, SdpSetup.Active },
        { Offerer.Us, SdpSetup.Passive },
        { Offerer.Us, SdpSetup.Active },
    };

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task Messages_EveryKindAndSize_EchoedIntactBothWays(Offerer offerer, SdpSetup ourSetup)
    {
        await using var session = await InteropSession.ConnectAsync(chromium, offerer, ourSetup);

        session.Echo = true;
        string[] fromPage = await session.Page.EvaluateAsync<string[]>("""
            async () => {
              const big = new Uint8Array(65536);
              for (let i = 0; i < big.length; i++) big[i] = (i * 7 + 3) & 255;
              const payloads = [
                ['text', 'hello from chromium ✓'], ['binary', Uint8Array.from({ length: 256 }, (_, i) => i).buffer],
                ['empty text', ''], ['empty binary', new ArrayBuffer(0)], ['64 KiB binary', big.buffer], ['64 KiB text', 'x'.repeat(65536)],
              ];
              const out = [];
              for (const label of ['reliable', 'lossy']) {
                for (const [name, p] of payloads) {
                  // maxRetransmits 0: a large message is abandoned whole if a sender's T3 fires (a starved CPU is
                  // enough: three in a row were once abandoned so), so the lossy channel gets six tries; whatever
                  // arrives must be intact.
                  const tries = label === 'lossy' && name.startsWith('64 KiB') ? 6 : 1;
                  let got, error;
                  for (let i = 0; i < tries && got === undefined; i++) {
                    rt.chans[label].send(p);
                    try { got = await rt.next(label, tries > 1 ? 3000 : 10000); } catch (e) { error = e.message; }
                  }
                  if (got === undefined) { out.push(label + ' ' + name + ': ' + error + '; ' + rt.state() + '; ' + await rt.stats()); return out; }
                  const ok = typeof p === typeof got && rt.same(p, got);
                  out.push(label + ' ' + name + ': ' + (ok ? 'ok' : 'sent ' + rt.describe(p) + ', got ' + rt.describe(got)));
                }
              }
              return out;
            }
            """);
        if (fromPage.Length != 12 || !fromPage.All(line => line.EndsWith(": ok", StringComparison.Ordinal)))
        {
            Assert.Fail(string.Join("\n", fromPage) + "\n" + await session.DiagnosticsAsync());
        }

        session.Echo = false;
        await session.Page.EvaluateAsync("() => { rt.echo = true; }");
        byte[] big = new byte[65536];
        for (int i = 0; i < big.Length; i++)
        {
            big[i] = (byte)(i * 13 + 1);
        }

        var payloads = new (bool IsText, byte[] Data)[]
        {
            (true, Encoding.UTF8.GetBytes("hello from us ✓")), (false, Enumerable.Range(0, 256).Select(i => (byte)i).ToArray()),
            (true, []), (false, []), (false, big), (true, Encoding.UTF8.GetBytes(new string('y', 65536))),
        };
        foreach (string label in new[] { "reliable", "lossy" })
        {
            foreach (var (isText, data) in payloads)
            {
                var channel = session[label];
                string what = $"{label} {(isText ? "text" : "binary")}({data.Length})";
                int tries = label == "lossy" && data.Length > 60_000 ? 6 : 1; // As above: maxRetransmits 0 may abandon it.
                (string Label, bool IsText, byte[] Data)? got = null;
                for (int i = 0; i < tries && got is null; i++)
                {
                    Assert.True(isText ? channel.SendText(data) : channel.Send(data));
                    got = tries == 1 ? await session.NextReceivedAsync(what) : await session.TryNextReceivedAsync(TimeSpan.FromSeconds(3));
                }

                var echoed = got ?? throw new TimeoutException($"No echo of {what} in {tries} tries.\n{await session.DiagnosticsAsync()}");
                Assert.Equal(label, echoed.Label);
                Assert.True(isText == echoed.IsText, what + " came back with the other type");
                Assert.True(data.AsSpan().SequenceEqual(echoed.Data), $"{what} came back as {echoed.Data.Length} different bytes");
            }
        }
    }
}
