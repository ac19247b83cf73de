using System.Net;
using System.Net.Http.Headers;
using RtcBench.Platforms.Daily;

namespace RtcBench.Platforms.Tests.Daily;

public sealed class DailyRestClientTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private static readonly DateTimeOffset Expiry = new(2026, 11, 21, 13, 0, 0, TimeSpan.Zero);
    private DailyStandIn _daily = null!;

    public async Task InitializeAsync() => _daily = await DailyStandIn.StartAsync();

    public async Task DisposeAsync() => await _daily.DisposeAsync();

    private DailyRestClient Client(string? key = null, TimeProvider? time = null) =>
        new(key ?? DailyStandIn.ApiKey, _daily.BaseUrl, time: time);

    [Theory]
    [InlineData(DailyTopology.Sfu, 0.5)]
    [InlineData(DailyTopology.P2P, 4.0)]
    public async Task CreateRoom_Topology_SendsDocumentedPropertiesAndReturnsRoom(DailyTopology topology, double switchover)
    {
        using var client = Client();

        var room = await client.CreateRoomAsync(new DailyRoomRequest { Name = "rtcbench-a1", ExpiresAt = Expiry, Topology = topology, Geo = "eu-central-1" }, CancellationToken.None);

        Assert.Equal("rtcbench-a1", room.Name);
        Assert.Equal(new Uri("https://standin.daily.co/rtcbench-a1"), room.Url);
        var props = _daily.Rooms["rtcbench-a1"]["config"]!;
        Assert.Equal(Expiry.ToUnixTimeSeconds(), props["exp"]!.GetValue<long>());
        Assert.True(props["eject_at_room_exp"]!.GetValue<bool>());
        Assert.Equal(switchover, props["sfu_switchover"]!.GetValue<double>());
        Assert.Equal("eu-central-1", props["geo"]!.GetValue<string>());
        Assert.Equal(2, props["max_participants"]!.GetValue<int>());
        Assert.Equal("private", _daily.Rooms["rtcbench-a1"]["privacy"]!.GetValue<string>());
    }

    [Fact]
    public async Task CreateMeetingToken_ScopedToRoomWithExpiry()
    {
        using var client = Client();

        string token = await client.CreateMeetingTokenAsync("rtcbench-a1", Expiry, "runner", CancellationToken.None);

        Assert.Equal("eyJ.standin.rtcbench-a1", token);
        var request = _daily.Requests.Last();
        var props = request.Body!["properties"]!;
        Assert.Equal("rtcbench-a1", props["room_name"]!.GetValue<string>());
        Assert.Equal(Expiry.ToUnixTimeSeconds(), props["exp"]!.GetValue<long>());
        Assert.False(props["is_owner"]!.GetValue<bool>());
    }

    [Fact]
    public async Task DeleteRoom_ExistingThenMissing_TrueThenFalse()
    {
        using var client = Client();
        await client.CreateRoomAsync(new DailyRoomRequest { Name = "gone-soon", ExpiresAt = Expiry }, CancellationToken.None);

        Assert.True(await client.DeleteRoomAsync("gone-soon", CancellationToken.None));
        Assert.False(await client.DeleteRoomAsync("gone-soon", CancellationToken.None));
    }

    [Fact]
    public async Task AnyCall_WrongKey_AuthenticationErrorWithoutTheKeyInTheMessage()
    {
        using var client = Client(key: "secret-wrong-key-xyz");

        var ex = await Assert.ThrowsAsync<DailyApiException>(() => client.CreateRoomAsync(new DailyRoomRequest { Name = "x", ExpiresAt = Expiry }, CancellationToken.None));

        Assert.Equal(DailyErrorKind.Authentication, ex.Kind);
        Assert.Equal(HttpStatusCode.Unauthorized, ex.Status);
        Assert.DoesNotContain("secret-wrong-key-xyz", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateRoom_DuplicateName_InvalidRequestWithDailysInfo()
    {
        using var client = Client();
        await client.CreateRoomAsync(new DailyRoomRequest { Name = "dup", ExpiresAt = Expiry }, CancellationToken.None);

        var ex = await Assert.ThrowsAsync<DailyApiException>(() => client.CreateRoomAsync(new DailyRoomRequest { Name = "dup", ExpiresAt = Expiry }, CancellationToken.None));

        Assert.Equal(DailyErrorKind.InvalidRequest, ex.Kind);
        Assert.Contains("already exists", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("has space")]
    [InlineData("")]
    [InlineData("dots.are.bad")]
    public async Task CreateRoom_InvalidName_RejectedBeforeAnyRequest(string name)
    {
        using var client = Client();

        await Assert.ThrowsAsync<ArgumentException>(() => client.CreateRoomAsync(new DailyRoomRequest { Name = name, ExpiresAt = Expiry }, CancellationToken.None));

        Assert.Empty(_daily.Requests);
    }

    [Fact]
    public async Task CreateRoom_RateLimitedTwiceWithRetryAfterZero_SucceedsOnTheThirdAttempt()
    {
        using var client = Client();
        _daily.RateLimitNext(2, "0");

        var room = await client.CreateRoomAsync(new DailyRoomRequest { Name = "patient", ExpiresAt = Expiry }, CancellationToken.None);

        Assert.Equal("patient", room.Name);
        Assert.Equal(3, _daily.Requests.Count);
    }

    [Fact]
    public async Task CreateRoom_AlwaysRateLimited_GivesUpAfterTheRetryBudget()
    {
        using var client = new DailyRestClient(DailyStandIn.ApiKey, _daily.BaseUrl) { MaxRateLimitRetries = 3 };
        _daily.RateLimitNext(1000, "0");

        var ex = await Assert.ThrowsAsync<DailyApiException>(() => client.CreateRoomAsync(new DailyRoomRequest { Name = "never", ExpiresAt = Expiry }, CancellationToken.None));

        Assert.Equal(DailyErrorKind.RateLimit, ex.Kind);
        Assert.Equal(4, _daily.Requests.Count);
    }

    [Fact]
    public async Task CreateRoom_RetryAfterSeconds_WaitsExactlyThatLongOnTheClock()
    {
        var time = new ManualTimeProvider();
        using var client = Client(time: time);
        _daily.RateLimitNext(1, "7");

        var call = client.CreateRoomAsync(new DailyRoomRequest { Name = "waits", ExpiresAt = Expiry }, CancellationToken.None);
        // Wait until the client is sleeping on the clock (its back-off timer exists), then move time.
        var spin = System.Diagnostics.Stopwatch.StartNew();
        while (time.PendingTimers == 0 && spin.Elapsed < Timeout && !call.IsCompleted)
        {
            await Task.Yield();
        }
        Assert.Equal(1, time.PendingTimers);
        time.Advance(TimeSpan.FromSeconds(6.9));
        Assert.False(call.IsCompleted);
        Assert.Single(_daily.Requests);
        time.Advance(TimeSpan.FromSeconds(0.1));
        var room = await call.WaitAsync(Timeout);

        Assert.Equal("waits", room.Name);
        Assert.Equal(2, _daily.Requests.Count);
    }

    [Fact]
    public async Task AnyCall_NothingListening_PlatformExceptionNamingTheHost()
    {
        using var client = new DailyRestClient(DailyStandIn.ApiKey, new Uri("http://127.0.0.1:9/v1/"));

        var ex = await Assert.ThrowsAsync<PlatformException>(() => client.DeleteRoomAsync("x", CancellationToken.None));

        Assert.Contains("Cannot reach Daily", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_NoKey_ExplainsTheEnvironmentVariable()
    {
        var ex = Assert.Throws<ArgumentException>(() => new DailyRestClient(" "));
        Assert.Contains("DAILY_API_KEY", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RetryAfter_DeltaDateAndNone_GiveTheDocumentedWaits()
    {
        var now = new DateTimeOffset(2026, 11, 21, 12, 0, 0, TimeSpan.Zero);
        Assert.Equal(TimeSpan.FromSeconds(3), RetryAfter.Delay(new RetryConditionHeaderValue(TimeSpan.FromSeconds(3)), 1, now));
        Assert.Equal(TimeSpan.FromSeconds(5), RetryAfter.Delay(new RetryConditionHeaderValue(now.AddSeconds(5)), 1, now));
        Assert.Equal(TimeSpan.Zero, RetryAfter.Delay(new RetryConditionHeaderValue(now.AddSeconds(-5)), 1, now));
        Assert.Equal(TimeSpan.FromMilliseconds(500), RetryAfter.Delay(null, 1, now));
        Assert.Equal(TimeSpan.FromSeconds(2), RetryAfter.Delay(null, 3, now));
        Assert.Equal(RetryAfter.MaxWait, RetryAfter.Delay(new RetryConditionHeaderValue(TimeSpan.FromHours(1)), 1, now));
    }
}
