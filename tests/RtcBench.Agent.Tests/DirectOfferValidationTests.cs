using System.Net;
using System.Net.Http.Headers;
using System.Text;
using RtcBench.Agent.Tests.Support;

namespace RtcBench.Agent.Tests;

/// <summary>
/// Offers a runner (or anyone holding a room's token) may POST to <c>/direct/{room}/offer</c>: every unusable one is
/// a 400 naming what is wrong — never a 500 — and a valid one is answered 201. Against the real agent on Kestrel.
/// </summary>
public sealed class DirectOfferValidationTests : IAsyncLifetime
{
    /// <summary>A Chromium-shaped data-channel offer (RFC 8839 credentials: 4-character ufrag, 24-character pwd).</summary>
    internal static readonly string ValidOffer = string.Join("\r\n",
        "v=0",
        "o=- 4215775240449105457 2 IN IP4 127.0.0.1",
        "s=-",
        "t=0 0",
        "a=group:BUNDLE 0",
        "a=extmap-allow-mixed",
        "a=msid-semantic: WMS",
        "m=application 9 UDP/DTLS/SCTP webrtc-datachannel",
        "c=IN IP4 0.0.0.0",
        "a=candidate:1467250027 1 udp 2122260223 127.0.0.1 53841 typ host generation 0 network-id 1",
        "a=ice-ufrag:8hhY",
        "a=ice-pwd:asd88fgpdd777uzjYhagZg3v",
        "a=ice-options:trickle",
        "a=fingerprint:sha-256 DD:F8:D3:10:D2:16:93:30:8B:1E:D6:55:3E:49:72:C3:80:73:53:7B:65:6B:6E:8B:95:F6:35:B2:B1:29:AA:56",
        "a=setup:actpass",
        "a=mid:0",
        "a=sctp-port:5000",
        "a=max-message-size:262144",
        "");

    private AgentHarness _h = null!;

    public async Task InitializeAsync() => _h = await AgentHarness.StartAsync(o => o.MaxRooms = 10_000);

    public async Task DisposeAsync() => await _h.DisposeAsync();

    private async Task<(Guid Room, string Url, string Token)> DirectRoomAsync()
    {
        var room = await _h.ConnectAsync("{\"platforms\":[\"udp\",\"direct\"]}");
        var direct = room.Body.GetProperty("platforms").GetProperty("direct");
        return (room.Id, direct.GetProperty("signal_url").GetString()!, direct.GetProperty("token").GetString()!);
    }

    private async Task<HttpResponseMessage> OfferAsync(string url, string token, byte[] sdp)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(sdp) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/sdp");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await _h.Http.SendAsync(request).WaitAsync(AgentHarness.Timeout);
    }

    private static string Replace(string find, string replace)
    {
        Assert.Contains(find, ValidOffer, StringComparison.Ordinal);
        return ValidOffer.Replace(find, replace, StringComparison.Ordinal);
    }

    public static TheoryData<string, string, string> Mutations => new()
    {
        // RFC 8839 §5.4: ice-ufrag is 4..256 ice-chars, ice-pwd 22..256.
        { "a=ice-pwd:asd88fgpdd777uzjYhagZg3v", "a=ice-pwd:x", "a=ice-pwd" },
        { "a=ice-pwd:asd88fgpdd777uzjYhagZg3v", "a=ice-pwd:asd88fgpdd777uzjYhagZ", "a=ice-pwd" },
        { "a=ice-pwd:asd88fgpdd777uzjYhagZg3v", "a=ice-pwd:" + new string('p', 257), "a=ice-pwd" },
        { "a=ice-pwd:asd88fgpdd777uzjYhagZg3v", "a=ice-pwd:asd88fgpdd777uzjYhagZg3v:extra", "a=ice-pwd" },
        { "a=ice-pwd:asd88fgpdd777uzjYhagZg3v", "a=ice-pwd:asd88fgpdd777uzjY-hagZg3v", "a=ice-pwd" },
        { "a=ice-ufrag:8hhY", "a=ice-ufrag:" + new string('u', 10_000), "a=ice-ufrag" },
        { "a=ice-ufrag:8hhY", "a=ice-ufrag:8hh", "a=ice-ufrag" },
        { "a=ice-ufrag:8hhY", "a=ice-ufrag:8hh_", "a=ice-ufrag" },
        { "a=ice-ufrag:8hhY", "a=ice-ufrag:8hhé", "a=ice-ufrag" },
        { "a=ice-ufrag:8hhY\r\n", "", "a=ice-ufrag" },
        { "a=ice-pwd:asd88fgpdd777uzjYhagZg3v\r\n", "", "a=ice-pwd" },
        // DTLS: a fingerprint we can verify is required.
        { "a=fingerprint:sha-256 DD:F8", "a=fingerprint:sha-1 DD:F8", "sha-256" },
        { "a=fingerprint:sha-256 DD:F8", "a=fingerprint:md5 DD:F8", "sha-256" },
        { "a=fingerprint:sha-256 DD:F8:D3", "a=fingerprint:sha-256 ZZ:F8:D3", "fingerprint" },
        { "a=fingerprint:sha-256 DD:F8:D3:10:D2:16:93:30:8B:1E:D6:55:3E:49:72:C3:80:73:53:7B:65:6B:6E:8B:95:F6:35:B2:B1:29:AA:56\r\n", "", "fingerprint" },
        { "a=fingerprint:sha-256 DD:F8:D3:10:D2:16:93:30:8B:1E:D6:55:3E:49:72:C3:80:73:53:7B:65:6B:6E:8B:95:F6:35:B2:B1:29:AA:56", "a=fingerprint:sha-256 DD:F8", "fingerprint" },
        // The data section.
        { "m=application 9 UDP/DTLS/SCTP webrtc-datachannel", "m=audio 9 UDP/TLS/RTP/SAVPF 111", "data-channel" },
        { "m=application 9 UDP/DTLS/SCTP webrtc-datachannel", "m=application 0 UDP/DTLS/SCTP webrtc-datachannel", "data-channel" },
        { "m=application 9 UDP/DTLS/SCTP webrtc-datachannel", "m=application 9 RTP/AVP 0", "data-channel" },
        { "a=sctp-port:5000", "a=sctp-port:70000", "SCTP port" },
        { "a=sctp-port:5000", "a=sctp-port:x", "SCTP port" },
        { "a=max-message-size:262144", "a=max-message-size:-1", "max-message-size" },
        { "a=max-message-size:262144", "a=max-message-size:99999999999999999999999", "max-message-size" },
        // DTLS role.
        { "a=setup:actpass", "a=setup:holdconn", "setup" },
        { "a=setup:actpass", "a=setup:sideways", "setup" },
        // Not SDP at all.
        { ValidOffer, "", "SDP" },
        { ValidOffer, "hello", "SDP" },
        { "v=0", "v=1", "SDP" },
    };

    [Theory]
    [MemberData(nameof(Mutations))]
    public async Task Offer_Unusable_Returns400NamingWhatIsWrong(string find, string replace, string expected)
    {
        var (_, url, token) = await DirectRoomAsync();
        using var response = await OfferAsync(url, token, Encoding.UTF8.GetBytes(Replace(find, replace)));
        string detail = await AgentHarness.AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains(expected, detail, StringComparison.Ordinal);
        _h.Logs.AssertNoStackTraceOrError();
    }

    [Fact]
    public async Task Offer_Valid_Returns201WithAnswer()
    {
        var (_, url, token) = await DirectRoomAsync();
        using var response = await OfferAsync(url, token, Encoding.UTF8.GetBytes(ValidOffer));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("application/sdp", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("a=ice-lite", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Offer_RandomlyMutated_NeverA5xx()
    {
        var random = new Random(20261121);
        var lines = ValidOffer.Split("\r\n");
        int refused = 0;
        for (int round = 0; round < 150; round++)
        {
            byte[] sdp = Encoding.UTF8.GetBytes(Mutate(random, lines));
            var (room, url, token) = await DirectRoomAsync();
            using (var response = await OfferAsync(url, token, sdp))
            {
                int status = (int)response.StatusCode;
                Assert.True(status is 201 or (>= 400 and < 500), $"round {round} (seed 20261121): {status} for\n{Encoding.UTF8.GetString(sdp)}");
                if (status != 201)
                {
                    await AgentHarness.AssertProblemAsync(response, response.StatusCode);
                    refused++;
                }
            }
            using (await _h.PostAsync("/disconnect", $"{{\"room_id\":\"{room:N}\"}}"))
            {
            }
        }
        Assert.True(refused > 0, "no mutation was refused: the mutator is broken");
        _h.Logs.AssertNoStackTraceOrError();
    }

    /// <summary>One to three edits of the offer's lines: drop, duplicate, truncate, swap, or spoil a value.</summary>
    private static string Mutate(Random random, string[] original)
    {
        var lines = original.ToList();
        int edits = random.Next(1, 4);
        for (int e = 0; e < edits && lines.Count > 1; e++)
        {
            int i = random.Next(lines.Count);
            string line = lines[i];
            switch (random.Next(7))
            {
                case 0:
                    lines.RemoveAt(i);
                    break;
                case 1:
                    lines.Insert(i, line);
                    break;
                case 2:
                    lines[i] = line[..random.Next(line.Length + 1)];
                    break;
                case 3:
                    int j = random.Next(lines.Count);
                    (lines[i], lines[j]) = (lines[j], lines[i]);
                    break;
                case 4:
                    int colon = line.IndexOf(':', StringComparison.Ordinal);
                    lines[i] = (colon < 0 ? line : line[..(colon + 1)]) + new string((char)random.Next(0x21, 0x7f), random.Next(0, 400));
                    break;
                case 5:
                    lines[i] = line.Replace(' ', random.Next(2) == 0 ? '\t' : ':');
                    break;
                default:
                    var chars = line.ToCharArray();
                    if (chars.Length > 0)
                    {
                        chars[random.Next(chars.Length)] = (char)random.Next(0x20, 0x7f);
                    }
                    lines[i] = new string(chars);
                    break;
            }
        }
        return string.Join("\r\n", lines);
    }
}
