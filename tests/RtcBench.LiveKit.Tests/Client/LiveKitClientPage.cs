using System.Collections.Concurrent;
using Microsoft.Playwright;
using RtcBench.LiveKit.Tests.Auth;

namespace RtcBench.LiveKit.Tests.Client;

/// <summary>
/// LiveKit's own browser SDK, <c>livekit-client</c> (the exact version in node/package.json, its UMD build loaded
/// into a page of <see cref="RtcBench.Interop.Tests.ChromiumNetns"/>), with a few helpers as <c>window.lk</c>:
/// <list type="bullet">
/// <item><c>join(url, token, other)</c>: a <c>Room</c> on LiveKit's v0 signalling path (<c>singlePeerConnection:
/// false</c>, the two-peer-connection protocol our client and the stand-in speak), <c>autoSubscribe: false</c>, and
/// waits until <c>other</c> is in the room;</item>
/// <item><c>pingPong(pings, reliable, to, timeoutMs)</c>: publishes each base64 payload to <c>to</c> only, one at a
/// time, and waits for the next data packet (or the timeout) before the next: one answer per ping, or null;</item>
/// <item><c>echoBack()</c>: from now on answers every data packet to its sender, on its kind, with the same bytes;</item>
/// <item><c>received()</c>, <c>leave()</c>.</item>
/// </list>
/// Every received packet is recorded with the sender the SDK resolved (<c>participant.identity</c>) and its kind
/// (LiveKit's DataPacket_Kind: 0 reliable, 1 lossy).
/// </summary>
internal static class LiveKitClientPage
{
    public static string UmdPath { get; } = Path.Combine(NodeScripts.Directory, "node_modules", "livekit-client", "dist", "livekit-client.umd.js");

    private const string Helpers = """
        (() => {
          const b64 = (bytes) => { let s = ''; for (const b of bytes) s += String.fromCharCode(b); return btoa(s); };
          const unb64 = (text) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
          const state = { room: null, received: [], next: null, echo: false, echoErrors: [] };
          window.lk = {
            version: LivekitClient.version,
            async join(url, token, other) {
              const { Room, RoomEvent } = LivekitClient;
              const room = new Room({ singlePeerConnection: false });
              state.room = room;
              room.on(RoomEvent.DataReceived, (payload, participant, kind) => {
                const from = participant ? participant.identity : null;
                state.received.push({ data: b64(payload), from, kind });
                if (state.next) { const resolve = state.next; state.next = null; resolve({ data: b64(payload), from, kind }); }
                if (state.echo && from) {
                  room.localParticipant.publishData(payload, { reliable: kind === 0, destinationIdentities: [from] })
                    .catch((e) => state.echoErrors.push(String(e)));
                }
              });
              const present = new Promise((resolve) => {
                room.on(RoomEvent.ParticipantConnected, (p) => { if (p.identity === other) resolve(); });
              });
              await room.connect(url, token, { autoSubscribe: false });
              if (!room.remoteParticipants.has(other)) await present;
              return { identity: room.localParticipant.identity, sid: room.localParticipant.sid, room: room.name };
            },
            async pingPong(pings, reliable, to, timeoutMs) {
              const answers = [];
              for (const ping of pings) {
                const answer = new Promise((resolve) => {
                  state.next = resolve;
                  setTimeout(() => { if (state.next === resolve) { state.next = null; resolve(null); } }, timeoutMs);
                });
                await state.room.localParticipant.publishData(unb64(ping), { reliable, destinationIdentities: [to] });
                answers.push(await answer);
              }
              return answers;
            },
            echoBack() { state.echo = true; },
            received() { return { packets: state.received, echoErrors: state.echoErrors }; },
            async leave() { await state.room.disconnect(); },
          };
        })();
        """;

    /// <summary>
    /// Loads livekit-client and the helpers into <paramref name="page"/> (a ChromiumNetns page). Returns what the page
    /// complains of from then on (console errors and warnings, failed requests, WebSocket errors), for the tests to
    /// assert empty: the SDK logs a warning for what it finds wrong in the server's messages or data packets.
    /// </summary>
    public static async Task<ConcurrentQueue<string>> LoadAsync(IPage page)
    {
        var complaints = new ConcurrentQueue<string>();
        if (!File.Exists(UmdPath))
        {
            throw new InvalidOperationException($"{UmdPath} is missing: the test project's build runs npm ci in {NodeScripts.Directory}");
        }

        page.Console += (_, m) =>
        {
            if (m.Type is "error" or "warning")
            {
                complaints.Enqueue($"console {m.Type}: {m.Text}");
            }
        };
        page.RequestFailed += (_, r) => complaints.Enqueue($"request failed: {r.Failure}"); // Not the URL: it holds a token.
        page.WebSocket += (_, w) => w.SocketError += (_, e) => complaints.Enqueue($"WebSocket error: {e}");
        await page.AddScriptTagAsync(new() { Path = UmdPath });
        await page.AddScriptTagAsync(new() { Content = Helpers });
        return complaints;
    }
}
