using System.Text.Json;
using RtcBench.LiveKit.Auth;

namespace RtcBench.LiveKit.Tests.Auth;

public sealed class LiveKitTokensTests
{
    private static readonly LiveKitCredentials Credentials = new("APIkey123", "a-secret-of-at-least-thirty-two-characters!");
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 2, 0, 0, TimeSpan.Zero);

    private static readonly VideoGrant DataOnlyJoin = new()
    {
        RoomJoin = true,
        Room = "bench-1",
        CanPublish = false,
        CanSubscribe = true,
        CanPublishData = true,
    };

    [Fact]
    public void Create_DataOnlyJoin_WritesLiveKitClaimsAndGrantKeys()
    {
        string jwt = LiveKitTokens.Create(Credentials, "bench-a", DataOnlyJoin, TimeSpan.FromHours(1), new ManualTime(Now), name: "Bench A", metadata: "{\"run\":1}");

        using var payload = JsonDocument.Parse(HandMadeJwt.PayloadJson(jwt));
        var root = payload.RootElement;
        long now = Now.ToUnixTimeSeconds();
        Assert.Equal("APIkey123", root.GetProperty("iss").GetString());
        Assert.Equal("bench-a", root.GetProperty("sub").GetString());
        Assert.Equal(now, root.GetProperty("nbf").GetInt64());
        Assert.Equal(now, root.GetProperty("iat").GetInt64());
        Assert.Equal(now + 3600, root.GetProperty("exp").GetInt64());
        Assert.Equal("Bench A", root.GetProperty("name").GetString());
        Assert.Equal("{\"run\":1}", root.GetProperty("metadata").GetString());
        Assert.Equal(
            """{"roomJoin":true,"room":"bench-1","canPublish":false,"canSubscribe":true,"canPublishData":true}""",
            root.GetProperty("video").GetRawText());
        Assert.Equal(
            ["iss", "sub", "nbf", "iat", "exp", "name", "metadata", "video"],
            root.EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public void Create_AnyToken_IsHs256SignedWithTheSecretBytes()
    {
        string jwt = LiveKitTokens.Create(Credentials, "bench-a", DataOnlyJoin, TimeSpan.FromHours(1));

        using var header = JsonDocument.Parse(HandMadeJwt.HeaderJson(jwt));
        Assert.Equal("HS256", header.RootElement.GetProperty("alg").GetString());
        Assert.Equal(HandMadeJwt.SignatureWith(jwt, Credentials.ApiSecret), jwt.Split('.')[2]);
    }

    [Fact]
    public void Create_ShortDevSecret_SignsWithExactlyThatSecret()
    {
        // LiveKit's dev server uses devkey/secret; IdentityModel refuses such short keys unless we zero-pad them.
        var dev = new LiveKitCredentials("devkey", "secret");

        string jwt = LiveKitTokens.Create(dev, "bench-a", DataOnlyJoin, TimeSpan.FromMinutes(5));

        Assert.Equal(HandMadeJwt.SignatureWith(jwt, "secret"), jwt.Split('.')[2]);
        Assert.Equal("bench-a", LiveKitTokens.Validate(jwt, dev).Identity);
    }

    [Fact]
    public void Create_AdminGrantWithoutIdentity_HasNoSubAndOnlyTheSetFlags()
    {
        string jwt = LiveKitTokens.Create(Credentials, "", new VideoGrant { RoomAdmin = true, Room = "bench-1" }, TimeSpan.FromMinutes(10));

        using var payload = JsonDocument.Parse(HandMadeJwt.PayloadJson(jwt));
        Assert.False(payload.RootElement.TryGetProperty("sub", out _));
        Assert.False(payload.RootElement.TryGetProperty("name", out _));
        Assert.Equal("""{"roomAdmin":true,"room":"bench-1"}""", payload.RootElement.GetProperty("video").GetRawText());
    }

    [Fact]
    public void Create_JoinWithoutIdentity_ThrowsArgumentException()
    {
        var e = Assert.Throws<ArgumentException>(() => LiveKitTokens.Create(Credentials, "", DataOnlyJoin, TimeSpan.FromHours(1)));
        Assert.Contains("identity", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_JoinWithoutRoom_ThrowsArgumentException()
    {
        var e = Assert.Throws<ArgumentException>(() => LiveKitTokens.Create(Credentials, "a", new VideoGrant { RoomJoin = true }, TimeSpan.FromHours(1)));
        Assert.Contains("room", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-60)]
    [InlineData(400 * 86400)]
    public void Create_TtlOutOfRange_ThrowsArgumentOutOfRange(int seconds)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => LiveKitTokens.Create(Credentials, "a", DataOnlyJoin, TimeSpan.FromSeconds(seconds)));
    }

    [Fact]
    public void Validate_OwnToken_RoundTripsEveryClaim()
    {
        var grant = DataOnlyJoin with { Hidden = true, CanUpdateOwnMetadata = true, CanPublishSources = ["microphone"] };
        string jwt = LiveKitTokens.Create(Credentials, "bench-a", grant, TimeSpan.FromHours(6), new ManualTime(Now), "Bench A", "m");

        var claims = LiveKitTokens.Validate(jwt, Credentials, new ManualTime(Now.AddHours(1)));

        Assert.Equal("APIkey123", claims.ApiKey);
        Assert.Equal("bench-a", claims.Identity);
        Assert.Equal("Bench A", claims.Name);
        Assert.Equal("m", claims.Metadata);
        Assert.Equal(grant, claims.Grant);
        Assert.NotEqual(DataOnlyJoin, claims.Grant);
        Assert.Equal(Now.AddHours(6), claims.Expires);
        Assert.Equal(Now, claims.NotBefore);
        Assert.Equal(Now, claims.IssuedAt);
    }

    [Theory]
    [InlineData(0, true)]
    [InlineData(59, true)]
    [InlineData(61, false)]
    [InlineData(3600, false)]
    public void Validate_AroundExpiry_AllowsOneMinuteOfLeeway(int secondsPastExpiry, bool accepted)
    {
        string jwt = LiveKitTokens.Create(Credentials, "bench-a", DataOnlyJoin, TimeSpan.FromMinutes(10), new ManualTime(Now));
        var at = new ManualTime(Now.AddMinutes(10).AddSeconds(secondsPastExpiry));

        if (accepted)
        {
            Assert.Equal("bench-a", LiveKitTokens.Validate(jwt, Credentials, at).Identity);
        }
        else
        {
            var e = Assert.Throws<LiveKitTokenException>(() => LiveKitTokens.Validate(jwt, Credentials, at));
            Assert.Contains("expired", e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Validate_BeforeNotBeforeMinusLeeway_Throws()
    {
        string jwt = LiveKitTokens.Create(Credentials, "bench-a", DataOnlyJoin, TimeSpan.FromMinutes(10), new ManualTime(Now));

        Assert.Equal("bench-a", LiveKitTokens.Validate(jwt, Credentials, new ManualTime(Now.AddSeconds(-59))).Identity);
        var e = Assert.Throws<LiveKitTokenException>(() => LiveKitTokens.Validate(jwt, Credentials, new ManualTime(Now.AddSeconds(-61))));
        Assert.Contains("not valid before", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_TamperedPayload_ThrowsSignatureError()
    {
        string jwt = LiveKitTokens.Create(Credentials, "bench-a", DataOnlyJoin, TimeSpan.FromHours(1));
        string[] parts = jwt.Split('.');
        string forged = HandMadeJwt.PayloadJson(jwt).Replace("\"roomJoin\":true", "\"roomAdmin\":true,\"roomJoin\":true", StringComparison.Ordinal);
        Assert.NotEqual(HandMadeJwt.PayloadJson(jwt), forged);

        var e = Assert.Throws<LiveKitTokenException>(() =>
            LiveKitTokens.Validate($"{parts[0]}.{HandMadeJwt.Encode(forged)}.{parts[2]}", Credentials));

        Assert.Contains("signature", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_TamperedSignature_ThrowsSignatureError()
    {
        string jwt = LiveKitTokens.Create(Credentials, "bench-a", DataOnlyJoin, TimeSpan.FromHours(1));
        char last = jwt[^2];
        string tampered = jwt[..^2] + (last == 'A' ? 'B' : 'A') + jwt[^1];

        var e = Assert.Throws<LiveKitTokenException>(() => LiveKitTokens.Validate(tampered, Credentials));

        Assert.Contains("signature", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_WrongSecret_ThrowsWithoutRevealingEitherSecret()
    {
        string jwt = LiveKitTokens.Create(Credentials, "bench-a", DataOnlyJoin, TimeSpan.FromHours(1));
        var other = new LiveKitCredentials(Credentials.ApiKey, "another-secret-of-thirty-two-characters-or-more");

        var e = Assert.Throws<LiveKitTokenException>(() => LiveKitTokens.Validate(jwt, other));

        Assert.Contains("signature", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Credentials.ApiSecret, e.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(other.ApiSecret, e.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(jwt, e.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_OtherApiKeySameSecret_ThrowsIssuerError()
    {
        string jwt = LiveKitTokens.Create(Credentials, "bench-a", DataOnlyJoin, TimeSpan.FromHours(1));

        var e = Assert.Throws<LiveKitTokenException>(() =>
            LiveKitTokens.Validate(jwt, new LiveKitCredentials("OtherKey", Credentials.ApiSecret)));

        Assert.Contains("issued for API key 'APIkey123'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_NoExpClaim_Throws()
    {
        long now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        string jwt = HandMadeJwt.Sign(
            """{"alg":"HS256","typ":"JWT"}""",
            $$"""{"iss":"APIkey123","sub":"bench-a","nbf":{{now}},"video":{"roomJoin":true,"room":"bench-1"} }""",
            Credentials.ApiSecret);

        var e = Assert.Throws<LiveKitTokenException>(() => LiveKitTokens.Validate(jwt, Credentials));

        Assert.Contains("no exp", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_HandMadeTokenWithExp_IsAccepted()
    {
        // The positive twin of the test above: the same token with exp passes, so that one fails for the exp alone.
        long now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        string jwt = HandMadeJwt.Sign(
            """{"alg":"HS256","typ":"JWT"}""",
            $$"""{"iss":"APIkey123","sub":"bench-a","nbf":{{now}},"exp":{{now + 60}},"video":{"roomJoin":true,"room":"bench-1"} }""",
            Credentials.ApiSecret);

        Assert.True(LiveKitTokens.Validate(jwt, Credentials).Grant.AllowsJoin("bench-1"));
    }

    [Fact]
    public void Validate_UnsignedAlgNone_Throws()
    {
        long exp = DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 60;
        string jwt = HandMadeJwt.Encode("""{"alg":"none"}""") + "." + HandMadeJwt.Encode($$"""{"iss":"APIkey123","exp":{{exp}} }""") + ".";

        Assert.Throws<LiveKitTokenException>(() => LiveKitTokens.Validate(jwt, Credentials));
    }

    [Fact]
    public void Validate_Hs512WithTheRightSecret_ThrowsAlgorithmError()
    {
        long exp = DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 60;
        string input = HandMadeJwt.Encode("""{"alg":"HS512","typ":"JWT"}""") + "." + HandMadeJwt.Encode($$"""{"iss":"APIkey123","exp":{{exp}} }""");
        byte[] mac = System.Security.Cryptography.HMACSHA512.HashData(
            System.Text.Encoding.UTF8.GetBytes(Credentials.ApiSecret), System.Text.Encoding.ASCII.GetBytes(input));
        string jwt = input + "." + Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Encode(mac);

        var e = Assert.Throws<LiveKitTokenException>(() => LiveKitTokens.Validate(jwt, Credentials));

        Assert.Contains("HS256", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not-a-jwt")]
    [InlineData("a.b")]
    [InlineData("e30.e30.!!")]
    public void Validate_Garbage_ThrowsLiveKitTokenException(string jwt)
    {
        Assert.Throws<LiveKitTokenException>(() => LiveKitTokens.Validate(jwt, Credentials));
    }

    [Fact]
    public void Validate_VideoClaimOfWrongType_ThrowsLiveKitTokenException()
    {
        long exp = DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 60;
        string jwt = HandMadeJwt.Sign("""{"alg":"HS256"}""", $$"""{"iss":"APIkey123","exp":{{exp}},"video":{"roomJoin":"yes"} }""", Credentials.ApiSecret);

        var e = Assert.Throws<LiveKitTokenException>(() => LiveKitTokens.Validate(jwt, Credentials));

        Assert.Contains("video", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_MutatedTokens_OnlyEverThrowLiveKitTokenException()
    {
        string jwt = LiveKitTokens.Create(Credentials, "bench-a", DataOnlyJoin, TimeSpan.FromHours(1), name: "n", metadata: "m");
        const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/ ";
        var random = new Random(5);
        int accepted = 0;
        for (int i = 0; i < 3000; i++)
        {
            var chars = jwt.ToCharArray().ToList();
            for (int e = random.Next(1, 4); e > 0 && chars.Count > 0; e--)
            {
                int at = random.Next(chars.Count);
                switch (random.Next(3))
                {
                    case 0: chars.RemoveAt(at); break;
                    case 1: chars.Insert(at, Alphabet[random.Next(Alphabet.Length)]); break;
                    default: chars[at] = Alphabet[random.Next(Alphabet.Length)]; break;
                }
            }
            string mutated = new(chars.ToArray());
            try
            {
                var claims = LiveKitTokens.Validate(mutated, Credentials);
                Assert.Equal(DataOnlyJoin, claims.Grant); // only harmless mutations may pass (e.g. base64url padding bits)
                accepted++;
            }
            catch (LiveKitTokenException)
            {
            }
            catch (Exception e)
            {
                Assert.Fail($"{e.GetType().Name} on case {i} (seed 5): {e.Message}");
            }
        }
        Assert.True(accepted < 300, $"{accepted} of 3000 mutated tokens were accepted");
    }
}
