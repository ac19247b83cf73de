using System.Text.Json;
using System.Text.Json.Nodes;
using RtcBench.LiveKit.Auth;

namespace RtcBench.LiveKit.Tests.Auth;

/// <summary>
/// Wire check against LiveKit's own livekit-server-sdk (npm, run with node): its TokenVerifier accepts our tokens and
/// reads our grants, and our Validate accepts tokens its AccessToken mints.
/// </summary>
public sealed class LiveKitServerSdkTokenTests
{
    private static readonly LiveKitCredentials Credentials = new("APIwire", "wire-check-secret-of-more-than-32-chars");

    [Fact]
    public async Task TokenVerifier_OurDataOnlyJoinToken_AcceptsAndReadsClaims()
    {
        var grant = new VideoGrant { RoomJoin = true, Room = "bench-1", CanPublish = false, CanSubscribe = true, CanPublishData = true };
        string jwt = LiveKitTokens.Create(Credentials, "bench-a", grant, TimeSpan.FromHours(1), name: "Bench A", metadata: "meta");

        var payload = JsonNode.Parse(await VerifyAsync(jwt, Credentials))!;

        Assert.Equal("APIwire", (string?)payload["iss"]);
        Assert.Equal("bench-a", (string?)payload["sub"]);
        Assert.Equal("Bench A", (string?)payload["name"]);
        Assert.Equal("meta", (string?)payload["metadata"]);
        Assert.True(JsonNode.DeepEquals(
            JsonNode.Parse("""{"roomJoin":true,"room":"bench-1","canPublish":false,"canSubscribe":true,"canPublishData":true}"""),
            payload["video"]));
    }

    [Fact]
    public async Task TokenVerifier_OurAdminTokenWithDevSecret_AcceptsAndReadsGrant()
    {
        var dev = new LiveKitCredentials("devkey", "secret");
        string jwt = LiveKitTokens.Create(dev, "", new VideoGrant { RoomCreate = true, RoomList = true, RoomAdmin = true, Room = "r" }, TimeSpan.FromMinutes(10));

        var payload = JsonNode.Parse(await VerifyAsync(jwt, dev))!;

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"roomCreate":true,"roomList":true,"roomAdmin":true,"room":"r"}"""), payload["video"]));
        Assert.Null(payload["sub"]);
    }

    [Fact]
    public async Task TokenVerifier_OurTokenCheckedWithAnotherSecret_Refuses()
    {
        string jwt = LiveKitTokens.Create(Credentials, "bench-a", new VideoGrant { RoomJoin = true, Room = "r" }, TimeSpan.FromHours(1));

        var result = await NodeScripts.RunAsync("verify-token.mjs", Input(jwt, new LiveKitCredentials(Credentials.ApiKey, "some-other-secret")));

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("signature", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TokenVerifier_OurExpiredToken_Refuses()
    {
        var twoHoursAgo = new ManualTime(DateTimeOffset.UtcNow.AddHours(-2));
        string jwt = LiveKitTokens.Create(Credentials, "bench-a", new VideoGrant { RoomJoin = true, Room = "r" }, TimeSpan.FromHours(1), twoHoursAgo);

        var result = await NodeScripts.RunAsync("verify-token.mjs", Input(jwt, Credentials));

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("exp", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_AccessTokenFromServerSdk_ReadsIdentityNameAndGrant()
    {
        string input = JsonSerializer.Serialize(new
        {
            apiKey = Credentials.ApiKey,
            apiSecret = Credentials.ApiSecret,
            identity = "echo",
            name = "Echo",
            metadata = "m",
            ttlSeconds = 600,
            grant = new { roomJoin = true, room = "bench-1", canPublish = false, canPublishData = true, hidden = true, canUpdateOwnMetadata = true },
        });
        string jwt = await NodeScripts.RunOkAsync("mint-token.mjs", input);

        var claims = LiveKitTokens.Validate(jwt.Trim(), Credentials);

        Assert.Equal("APIwire", claims.ApiKey);
        Assert.Equal("echo", claims.Identity);
        Assert.Equal("Echo", claims.Name);
        Assert.Equal("m", claims.Metadata);
        Assert.Equal(
            new VideoGrant { RoomJoin = true, Room = "bench-1", CanPublish = false, CanPublishData = true, Hidden = true, CanUpdateOwnMetadata = true },
            claims.Grant);
        Assert.InRange(claims.Expires - DateTimeOffset.UtcNow, TimeSpan.FromMinutes(8), TimeSpan.FromMinutes(11));
    }

    [Fact]
    public async Task Validate_AccessTokenFromServerSdkWithAnotherSecret_Throws()
    {
        string input = JsonSerializer.Serialize(new
        {
            apiKey = Credentials.ApiKey,
            apiSecret = "the-sdk-signs-with-another-secret",
            identity = "echo",
            ttlSeconds = 600,
            grant = new { roomJoin = true, room = "bench-1" },
        });
        string jwt = await NodeScripts.RunOkAsync("mint-token.mjs", input);

        var e = Assert.Throws<LiveKitTokenException>(() => LiveKitTokens.Validate(jwt.Trim(), Credentials));
        Assert.Contains("signature", e.Message, StringComparison.Ordinal);
    }

    private static Task<string> VerifyAsync(string jwt, LiveKitCredentials credentials) =>
        NodeScripts.RunOkAsync("verify-token.mjs", Input(jwt, credentials));

    private static string Input(string jwt, LiveKitCredentials credentials) =>
        JsonSerializer.Serialize(new { token = jwt, apiKey = credentials.ApiKey, apiSecret = credentials.ApiSecret });
}
