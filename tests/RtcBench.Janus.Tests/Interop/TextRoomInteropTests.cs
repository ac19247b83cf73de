using RtcBench.Janus.Admin;
using RtcBench.Janus.Client;
using RtcBench.Janus.Plugins;
using RtcBench.Janus.Plugins.TextRoom;
using RtcBench.Janus.Tests.Support;
using RtcBench.Janus.Transport;
using RtcBench.Rtc.Dtls;
using RtcBench.Rtc.Peer;
using RtcBench.Rtc.Sdp;

namespace RtcBench.Janus.Tests.Interop;

/// <summary>
/// Janus offers and our stack answers (TextRoom, PROTOCOLS.md §2 B4): two of our participants join one room, and a
/// message from each reaches the other through Janus. Participant a is signalled over Janus's HTTP transport, b over
/// its WebSocket transport. Each cell answers as DTLS client or server and as a full or
/// lite ICE agent (Janus is full ICE, controlling); the rooms are created with the plugin's admin key and a secret
/// and destroyed afterwards, and no session is left in Janus (Admin API).
/// </summary>
[Collection(JanusCollection.Name)]
public sealed class TextRoomInteropTests(JanusFixture fixture)
{
    private readonly JanusServer _janus = fixture.Server;

    [Theory]
    [InlineData("client", "full")]
    [InlineData("server", "full")]
    [InlineData("client", "lite")]
    [InlineData("server", "lite")]
    public Task TextRoom_JanusOffersWeAnswer_MessagesCrossTheRoomBothWays(string ourDtls, string ourIce) =>
        InteropCellRun.RunAsync(_janus, InteropCell.Them, ourIce, InteropCell.Reliable, async cell =>
        {
            cell.OurDtls = ourDtls;
            var setup = ourDtls == "client" ? SdpSetup.Active : SdpSetup.Passive;
            var ice = ourIce == "lite" ? AnswererIceMode.Lite : AnswererIceMode.Full;
            await using var httpClient = await JanusClient.ConnectAsync(_janus.ClientOptions(JanusTransportKind.Http));
            await using var wsClient = await JanusClient.ConnectAsync(_janus.ClientOptions(JanusTransportKind.WebSocket));
            var sessionA = await httpClient.CreateSessionAsync();
            var sessionB = await wsClient.CreateSessionAsync();
            var admin = await sessionA.AttachAsync(JanusPlugins.TextRoom);
            long room = Random.Shared.NextInt64(1, 1L << 40);
            string secret = JanusSecrets.New(); // The room's own secret: needed to destroy it.
            var created = await admin.SendAsync(new TextRoomCreateRoom { Room = room, Secret = secret, AdminKey = _janus.Secrets.TextRoomAdminKey, Description = "rtcbench interop" });
            Assert.Equal("created", created.GetString("textroom"));

            var a = await InteropCellRun.StepAsync("a (http)", () => TextRoomParticipant.JoinAsync(sessionA, _janus, cell, room, "a", setup, ice));
            var b = await InteropCellRun.StepAsync("b (ws)", () => TextRoomParticipant.JoinAsync(sessionB, _janus, cell, room, "b", setup, ice));
            foreach (var p in new[] { a, b })
            {
                Assert.Equal(ourDtls == "client" ? DtlsRole.Client : DtlsRole.Server, p.Peer.DtlsRole);
                Assert.Equal(ourIce == "lite", p.Peer.IsIceLite);
            }

            await a.NextAsync(m => m.Kind == "join" && m.Username == "b", "b's join, seen by a");
            await a.RequestAsync(tx => TextRoomData.Message(tx, room, "hello from a ✓"), "message");
            var atB = await b.NextAsync(m => m.Kind == "message", "a's message at b");
            Assert.Equal(("a", "hello from a ✓", room), (atB.From, atB.Text, atB.Room ?? 0));
            await b.RequestAsync(tx => TextRoomData.Message(tx, room, "and back from b"), "message");
            var atA = await a.NextAsync(m => m.Kind == "message" && m.From == "b", "b's message at a");
            Assert.Equal("and back from b", atA.Text);

            await a.RequestAsync(tx => TextRoomData.Leave(tx, room), "leave");
            await b.NextAsync(m => m.Kind == "leave" && m.Username == "a", "a's leave, seen by b");
            await admin.SendAsync(new JanusRoomDestroy { Room = room, Secret = secret });
            foreach (var p in new[] { a, b })
            {
                await p.Handle.HangupAsync();
                await p.Handle.WhenHungUp.WaitAsync(TimeSpan.FromSeconds(30));
                await p.Peer.DisposeAsync();
            }

            await sessionA.DestroyAsync();
            await sessionB.DestroyAsync();
            using var adminApi = new JanusAdminClient(_janus.AdminUrl, _janus.Secrets.AdminSecret);
            var left = await adminApi.ListSessionsAsync();
            Assert.DoesNotContain(sessionA.Id, left);
            Assert.DoesNotContain(sessionB.Id, left);
            return $"a (signalled over http) -> b (over ws) and back through room {room}; we answered as DTLS {ourDtls}, ICE {ourIce}; pair {a.Peer.SelectedPair}";
        });
}
