using System.Text.RegularExpressions;
using RtcBench.Cli;
using Xunit.Abstractions;

namespace RtcBench.LiveKit.Tests.Doctor;

/// <summary>
/// <c>rtcbench doctor livekit</c> (the real CLI, in-process) against the stand-in LiveKit server and RoomService on one
/// URL (<see cref="DoctorStandIn"/>): every step, a refused join after the room exists, and a refused token.
/// </summary>
public sealed partial class DoctorLiveKitCommandTests(ITestOutputHelper output)
{
    [Fact]
    public async Task DoctorLiveKit_AgainstStandIn_EveryStepOkInOrderRoomDeletedAndExits0()
    {
        await using var standIn = await DoctorStandIn.StartAsync();

        var result = await DoctorCli.RunAsync(Environment(standIn), "doctor", "livekit");
        output.WriteLine(result.Stdout);

        Assert.True(result.ExitCode == ExitCodes.Ok, result.Stdout + result.Stderr);
        string[] steps = [.. result.Lines.Where(l => !l.StartsWith(' '))];
        Assert.All(steps, l => Assert.Matches(StepLine(), l));
        Assert.All(steps, l => Assert.StartsWith("ok      ", l, StringComparison.Ordinal));
        string room = RoomName(result.Stdout);
        Assert.Equal(
            [
                "credentials", "signal endpoint takes our join token (GET /rtc/validate)", "Twirp ListRooms", "Twirp CreateRoom",
                $"join as {room}-a", $"join as {room}-b (the echo)", $"{room}-a sees {room}-b in the room",
                "20 pings A→B→A on _reliable", "20 pings A→B→A on _lossy", "both leave", "Twirp DeleteRoom",
            ],
            steps.Select(l => StepLine().Match(l).Groups["name"].Value));
        Assert.Contains($"/rtc/validate answered HTTP 200 success", result.Stdout, StringComparison.Ordinal);
        Assert.Matches(@"ok      20 pings A→B→A on _reliable \(\d+ ms\): 20/20 answered, RTT min \d+\.\d ms, median \d+\.\d ms", result.Stdout);
        Assert.Matches(@"ok      20 pings A→B→A on _lossy \(\d+ ms\): \d+/20 answered, RTT min \d+\.\d ms, median \d+\.\d ms", result.Stdout);
        Assert.Contains("          server      edition Standard, version ", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("region standin-local, node ND_standin1", result.Stdout, StringComparison.Ordinal);
        Assert.Matches(@"          publisher   host 127\.0\.0\.1:\d+ <-> host 127\.0\.0\.1:\d+", result.Stdout);
        Assert.Matches(@"          subscriber  host 127\.0\.0\.1:\d+ <-> host 127\.0\.0\.1:\d+", result.Stdout);
        Assert.Equal(["ListRooms", "CreateRoom", "DeleteRoom"], standIn.Service.Calls.Select(c => c.Method));
        Assert.Null(standIn.Rooms.Find(room));
        AssertNoSecrets(standIn, result);
    }

    [Fact]
    public async Task DoctorLiveKit_StandInRefusesJoinsOnceTheRoomExists_NamesTheJoinStepWithLiveKitsReasonAndDeletesTheRoom()
    {
        await using var standIn = await DoctorStandIn.StartAsync();
        standIn.OnCreateRoom = () => standIn.Signal.Faults.RefuseJoins = true;

        var result = await DoctorCli.RunAsync(Environment(standIn), "doctor", "livekit");
        output.WriteLine(result.Stdout);

        Assert.Equal(ExitCodes.RunFailed, result.ExitCode);
        string room = RoomName(result.Stdout);
        string[] steps = [.. result.Lines.Where(l => !l.StartsWith(' '))];
        var failed = Assert.Single(steps, l => l.StartsWith("FAILED", StringComparison.Ordinal));
        Assert.Matches(
            $@"^FAILED  join as {room}-a \(\d+ ms\): JoinRefused \(HTTP 401\): the access token was rejected .* server says: stand-in: joins are refused \(fault switch\)$",
            failed);
        Assert.Matches(@"^ok      Twirp DeleteRoom \(\d+ ms\): rtcbench-doctor-[0-9a-f]{12}$", steps[^1]);
        Assert.DoesNotContain(steps, l => l.Contains("pings", StringComparison.Ordinal));
        Assert.Equal(["ListRooms", "CreateRoom", "DeleteRoom"], standIn.Service.Calls.Select(c => c.Method));
        Assert.Null(standIn.Rooms.Find(room));
        AssertNoSecrets(standIn, result);
    }

    [Fact]
    public async Task DoctorLiveKit_TokenSignedWithAnotherSecret_ValidateStepFailsWithLiveKitsReasonAndCreatesNothing()
    {
        await using var standIn = await DoctorStandIn.StartAsync();
        var environment = Environment(standIn);
        environment["LIVEKIT_API_SECRET"] = "not-the-stand-in-secret-but-long-enough-0123";

        var result = await DoctorCli.RunAsync(environment, "doctor", "livekit");
        output.WriteLine(result.Stdout);

        Assert.Equal(ExitCodes.RunFailed, result.ExitCode);
        Assert.Equal(2, result.Lines.Length);
        Assert.Matches(
            @"^FAILED  signal endpoint takes our join token \(GET /rtc/validate\) \(\d+ ms\): http://127\.0\.0\.1:\d+/rtc/validate answered HTTP 401: the access token was rejected \(bad signature, expired, or unknown API key\); LiveKit says: invalid token: .*signature.*$",
            result.Lines[1]);
        Assert.Empty(standIn.Service.Calls);
        Assert.DoesNotContain("not-the-stand-in-secret", result.Stdout + result.Stderr, StringComparison.Ordinal);
        AssertNoSecrets(standIn, result);
    }

    [Fact]
    public async Task DoctorLiveKit_DeleteRoomFailsAfterEverythingElsePassed_ReportsItAndExits6()
    {
        await using var standIn = await DoctorStandIn.StartAsync();
        standIn.FailDeleteRoom = true;

        var result = await DoctorCli.RunAsync(Environment(standIn), "doctor", "livekit");
        output.WriteLine(result.Stdout);

        Assert.Equal(ExitCodes.RunFailed, result.ExitCode);
        string[] steps = [.. result.Lines.Where(l => !l.StartsWith(' '))];
        Assert.All(steps[..^1], l => Assert.StartsWith("ok      ", l, StringComparison.Ordinal));
        Assert.Matches(@"^FAILED  Twirp DeleteRoom \(\d+ ms\): LiveKit DeleteRoom at http://127\.0\.0\.1:\d+/: unavailable: stand-in: DeleteRoom fails \(fault switch\) \(HTTP 503\)\.$", steps[^1]);
        AssertNoSecrets(standIn, result);
    }

    [Fact]
    public async Task DoctorLiveKit_CtrlCAsTheRoomIsCreated_StopsStillDeletesTheRoomAndExits130()
    {
        await using var standIn = await DoctorStandIn.StartAsync();
        using var interrupts = new Interrupts();
        standIn.OnCreateRoom = interrupts.Interrupt;

        var result = await DoctorCli.RunAsync(Environment(standIn), interrupts, "doctor", "livekit");
        output.WriteLine(result.Stdout);

        Assert.Equal(ExitCodes.Interrupted, result.ExitCode);
        string[] steps = [.. result.Lines.Where(l => !l.StartsWith(' '))];
        // The CreateRoom answer may or may not beat the cancellation: either that step or the first join is cancelled.
        Assert.Matches(@"^FAILED  (Twirp CreateRoom|join as rtcbench-doctor-[0-9a-f]{12}-a) \(\d+ ms\): cancelled", Assert.Single(steps, l => l.StartsWith("FAILED", StringComparison.Ordinal)));
        Assert.Matches(@"^ok      Twirp DeleteRoom \(\d+ ms\): rtcbench-doctor-[0-9a-f]{12}$", steps[^1]); // it existed: deleted now
        Assert.Empty(standIn.Rooms.List());
        Assert.DoesNotContain(steps, l => l.Contains("pings", StringComparison.Ordinal));
    }

    internal static Dictionary<string, string> Environment(DoctorStandIn standIn) => new(StringComparer.Ordinal)
    {
        ["LIVEKIT_URL"] = standIn.Url.AbsoluteUri,
        ["LIVEKIT_API_KEY"] = standIn.Credentials.ApiKey,
        ["LIVEKIT_API_SECRET"] = standIn.Credentials.ApiSecret,
    };

    private static string RoomName(string stdout) => RoomNamePattern().Match(stdout) is { Success: true } m
        ? m.Value
        : throw new Xunit.Sdk.XunitException("no rtcbench-doctor-… room in:\n" + stdout);

    internal static void AssertNoSecrets(DoctorStandIn standIn, DoctorCli.Result result)
    {
        string all = result.Stdout + result.Stderr;
        Assert.DoesNotContain(standIn.Credentials.ApiSecret, all, StringComparison.Ordinal);
        Assert.DoesNotContain("access_token", all, StringComparison.Ordinal);
        Assert.DoesNotContain("eyJ", all, StringComparison.Ordinal); // a JWT's header
    }

    [GeneratedRegex(@"^(ok    |FAILED)  (?<name>.+?) \(\d+ ms\)(: .*)?$")]
    private static partial Regex StepLine();

    [GeneratedRegex("rtcbench-doctor-[0-9a-f]{12}")]
    private static partial Regex RoomNamePattern();
}
