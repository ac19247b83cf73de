using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Playwright;
using RtcBench.Rtc.Dtls;
using RtcBench.Rtc.Peer;
using RtcBench.Rtc.Sctp;
using RtcBench.Rtc.Sdp;

namespace RtcBench.Interop.Tests;

/// <summary>Who makes the offer.</summary>
public enum Offerer
{
    /// <summary>Chromium offers (actpass); our <see cref="PeerConnection.AcceptOffer"/> answers as ICE-lite.</summary>
    Chromium,

    /// <summary>Our full ICE agent offers (actpass); Chromium answers.</summary>
    Us,
}

/// <summary>
/// One connected pair: a fresh Chromium page (window.rt) and our <see cref="PeerConnection"/>, with two channels
/// opened by the offerer, <c>reliable</c> (ordered) and <c>lossy</c> (unordered, maxRetransmits 0). Our side either
/// echoes every message (<see cref="Echo"/>) or queues it in <see cref="Received"/>.
/// </summary>
internal sealed class InteropSession : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    private readonly ConcurrentDictionary<string, DataChannel> _channels = new();

    private InteropSession(IPage page, PeerConnection peer)
    {
        Page = page;
        Peer = peer;
    }

    public IPage Page { get; }

    public PeerConnection Peer { get; }

    /// <summary>Our side sends back every message on the channel it came in on, as text or binary as it came.</summary>
    public bool Echo { get; set; }

    public Channel<(string Label, bool IsText, byte[] Data)> Received { get; } = Channel.CreateUnbounded<(string, bool, byte[])>();

    public DataChannel this[string label] => _channels[label];

    /// <summary>
    /// Connects with our DTLS role given by <paramref name="ourSetup"/>: passive = we are the DTLS server. When we
    /// offer and want to be the client, Chromium's answer is munged to <c>a=setup:passive</c> before it applies it.
    /// </summary>
    public static async Task<InteropSession> ConnectAsync(
        ChromiumNetns chromium, Offerer offerer, SdpSetup ourSetup, AnswererIceMode answererIce = AnswererIceMode.Lite)
    {
        var page = await chromium.NewPageAsync();
        PeerConnection? peer = null;
        try
        {
            var options = new PeerConnectionOptions { LocalAddress = chromium.RootAddress, AnswerSetup = ourSetup, AnswererIceMode = answererIce };
            InteropSession session;
            if (offerer == Offerer.Chromium)
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
                Assert.Contains($" {chromium.NamespaceAddress} ", offer, StringComparison.Ordinal); // The raw host candidate, no mDNS.
                peer = PeerConnection.AcceptOffer(offer, options);
                session = new InteropSession(page, peer);
                peer.DataChannelOpened += session.Attach;
                await page.EvaluateAsync("async answer => { await rt.pc.setRemoteDescription({ type: 'answer', sdp: answer }); await rt.allOpen(15000); }", peer.LocalDescription);
                var outcome = await peer.WhenConnected.WaitAsync(Timeout);
                Assert.True(outcome.Connected, outcome.ToString());
                await WaitUntilAsync(() => session._channels.Count == 2, "our side sees both of Chromium's channels");
            }
            else
            {
                peer = PeerConnection.CreateOfferer(options);
                session = new InteropSession(page, peer);
                session.Attach(peer.CreateDataChannel("reliable"));
                session.Attach(peer.CreateDataChannel("lossy", ordered: false, maxRetransmits: 0));
                string answer = await page.EvaluateAsync<string>("""
                    async ([offer, munge]) => {
                      const pc = rt.start();
                      await pc.setRemoteDescription({ type: 'offer', sdp: offer });
                      const answer = await pc.createAnswer();
                      const sdp = munge ? answer.sdp.replace('a=setup:active', 'a=setup:passive') : answer.sdp;
                      await pc.setLocalDescription({ type: 'answer', sdp });
                      return await rt.gathered();
                    }
                    """, new object[] { peer.CreateOffer(), ourSetup == SdpSetup.Active });
                Assert.Contains($" {chromium.NamespaceAddress} ", answer, StringComparison.Ordinal);
                peer.SetRemoteAnswer(answer);
                var outcome = await peer.WhenConnected.WaitAsync(Timeout);
                Assert.True(outcome.Connected, outcome + "\n--- answer ---\n" + answer);
                Assert.True(await session["reliable"].WhenOpen.WaitAsync(Timeout));
                Assert.True(await session["lossy"].WhenOpen.WaitAsync(Timeout));
                await page.EvaluateAsync("() => rt.until(() => Object.keys(rt.chans).length === 2, 15000, 'both channels').then(() => rt.allOpen(15000))");
            }

            Assert.Equal(ourSetup == SdpSetup.Passive ? DtlsRole.Server : DtlsRole.Client, peer.DtlsRole);
            // RFC 8832 §6: the DTLS client's channels take even stream ids, the server's odd ones.
            bool creatorIsServer = (offerer == Offerer.Us) == (ourSetup == SdpSetup.Passive);
            Assert.Equal(creatorIsServer ? 1 : 0, session["reliable"].StreamId % 2);
            Assert.NotNull(peer.SelectedPair);
            return session;
        }
        catch
        {
            await page.CloseAsync();
            if (peer is not null)
            {
                await peer.DisposeAsync();
            }

            throw;
        }
    }

    public static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("Timed out: " + what);
            }

            await Task.Delay(10);
        }
    }

    /// <summary>Both sides' counters, for failure messages.</summary>
    public async Task<string> DiagnosticsAsync()
    {
        string page = await Page.EvaluateAsync<string>("async () => rt.state() + '; ' + await rt.stats()");
        var socket = Peer.Socket;
        string channels = string.Join(", ", _channels.Values.Select(c => $"{c} sent={c.MessagesSent} recv={c.MessagesReceived} refused={c.SendsRefused}"));
        return $"page: {page}\nours: {Peer.State}, udp recv={socket.Received} sent={socket.Sent} droppedOther={socket.DroppedOther} " +
            $"dropped={Peer.Dropped} callbackErrors={Peer.CallbackErrors}; {channels}\nour sctp: {Describe(Peer.SctpStats)}";
    }

    private static string Describe(SctpStats? stats) => stats is null ? "none" : string.Join(" ",
        typeof(SctpStats).GetProperties().Select(p => $"{p.Name}={p.GetValue(stats)}"));

    /// <summary>The next message our side received within <paramref name="wait"/>, or null.</summary>
    public async Task<(string Label, bool IsText, byte[] Data)?> TryNextReceivedAsync(TimeSpan wait)
    {
        using var cts = new CancellationTokenSource(wait);
        try
        {
            return await Received.Reader.ReadAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    /// <summary>The next message our side received (when not echoing), or a timeout with both sides' counters.</summary>
    public async Task<(string Label, bool IsText, byte[] Data)> NextReceivedAsync(string what)
    {
        try
        {
            return await Received.Reader.ReadAsync().AsTask().WaitAsync(Timeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"No echo of {what} within {Timeout.TotalSeconds} s.\n{await DiagnosticsAsync()}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Page.CloseAsync();
        await Peer.DisposeAsync();
    }

    private void Attach(DataChannel channel)
    {
        _channels[channel.Label] = channel;
        channel.OnMessage = (ch, message, isText, receivedNs) =>
        {
            if (Echo)
            {
                _ = isText ? ch.SendText(message) : ch.Send(message);
            }
            else
            {
                Received.Writer.TryWrite((ch.Label, isText, message.ToArray()));
            }
        };
    }
}
