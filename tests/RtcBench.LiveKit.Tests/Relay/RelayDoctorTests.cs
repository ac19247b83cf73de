using RtcBench.Cli;
using RtcBench.LiveKit.Protocol;
using RtcBench.LiveKit.Tests.Doctor;
using RtcBench.LiveKit.Tests.StandIn;
using RtcBench.Rtc.Tests.Turn;
using Xunit.Abstractions;

namespace RtcBench.LiveKit.Tests.Relay;

/// <summary><c>rtcbench doctor livekit</c> when the server forces relay through a real coturn: it says whether the relay was allocated.</summary>
public sealed class RelayDoctorTests(CoturnServer coturn, ITestOutputHelper output) : IClassFixture<CoturnServer>
{
    [Fact]
    public async Task DoctorLiveKit_ForceRelayThroughCoturn_ReportsPolicyRelayPairsAndTurnStatusExits0()
    {
        await using var standIn = await DoctorStandIn.StartAsync(new StandInOptions
        {
            ForceRelay = ClientConfigSetting.Enabled,
            IceServers = [RelayHelpers.Turn(coturn)],
        });

        var result = await DoctorCli.RunAsync(DoctorLiveKitCommandTests.Environment(standIn), "doctor", "livekit");
        output.WriteLine(result.Stdout);

        Assert.True(result.ExitCode == ExitCodes.Ok, result.Stdout + result.Stderr);
        string port = coturn.Endpoint.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.Contains($"          ICE server  turn:127.0.0.1:{port}?transport=udp", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("          ICE policy  relay only (the server forces relay: force_relay)", result.Stdout, StringComparison.Ordinal);
        Assert.Matches(@"          publisher   relay 127\.0\.0\.1:\d+ <-> host 127\.0\.0\.1:\d+", result.Stdout);
        Assert.Matches(@"          subscriber  relay 127\.0\.0\.1:\d+ <-> host 127\.0\.0\.1:\d+", result.Stdout);
        Assert.Matches($@"          TURN        publisher: relay 127\.0\.0\.1:\d+ via turn:127\.0\.0\.1:{port}\?transport=udp", result.Stdout);
        Assert.Matches($@"          TURN        subscriber: relay 127\.0\.0\.1:\d+ via turn:127\.0\.0\.1:{port}\?transport=udp", result.Stdout);
        DoctorLiveKitCommandTests.AssertNoSecrets(standIn, result);
    }

    [Fact]
    public async Task DoctorLiveKit_ForceRelayWrongTurnCredential_JoinStepNamesTheTurnErrorNeverTheCredential()
    {
        await using var standIn = await DoctorStandIn.StartAsync(new StandInOptions
        {
            ForceRelay = ClientConfigSetting.Enabled,
            IceServers = [RelayHelpers.Turn(coturn, RelayHelpers.WrongCredential)],
        });

        var result = await DoctorCli.RunAsync(DoctorLiveKitCommandTests.Environment(standIn), "doctor", "livekit");
        output.WriteLine(result.Stdout);

        Assert.Equal(ExitCodes.RunFailed, result.ExitCode);
        var failed = Assert.Single(result.Lines, l => l.StartsWith("FAILED", StringComparison.Ordinal));
        Assert.Contains("join as", failed, StringComparison.Ordinal);
        Assert.Contains("PeerFailed", failed, StringComparison.Ordinal);
        Assert.Contains("TURN allocation", failed, StringComparison.Ordinal);
        Assert.Contains("(401)", failed, StringComparison.Ordinal);
        Assert.DoesNotContain(RelayHelpers.WrongCredential, result.Stdout + result.Stderr, StringComparison.Ordinal);
        DoctorLiveKitCommandTests.AssertNoSecrets(standIn, result);
    }
}
