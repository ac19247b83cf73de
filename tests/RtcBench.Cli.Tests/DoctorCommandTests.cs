namespace RtcBench.Cli.Tests;

public sealed class DoctorCommandTests : IDisposable
{
    private readonly CliHarness _cli = new();

    public void Dispose() => _cli.Dispose();

    [Fact]
    public async Task DoctorDaily_NoApiKey_SaysTheKeyIsMissingAndExits2()
    {
        var result = await _cli.RunAsync("doctor", "daily").WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("DAILY_API_KEY is missing", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DoctorDaily_DailyUnreachable_ReportsTheFailedStepAndExits6()
    {
        _cli.Environment["DAILY_API_KEY"] = "test-key";
        _cli.Environment["RTCBENCH_DAILY_API_URL"] = "http://127.0.0.1:9/v1/";

        var result = await _cli.RunAsync("doctor", "daily").WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(ExitCodes.RunFailed, result.ExitCode);
        Assert.Matches(@"FAILED  create room \(\d+ ms\): Cannot reach Daily", result.Stdout);
        Assert.DoesNotContain("test-key", result.Stdout + result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DoctorLiveKit_NothingSet_NamesAllThreeVariablesHowToSetThemAndExits2()
    {
        var result = await _cli.RunAsync("doctor", "livekit").WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("rtcbench: error: LIVEKIT_URL, LIVEKIT_API_KEY and LIVEKIT_API_SECRET are missing: set LIVEKIT_URL,", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("Settings → API keys", result.Stderr, StringComparison.Ordinal);
        Assert.Equal(string.Empty, result.Stdout);
    }

    [Fact]
    public async Task DoctorLiveKit_OnlySecretMissing_NamesExactlyThatVariableAndChecksNothing()
    {
        _cli.Environment["LIVEKIT_URL"] = "wss://example.livekit.cloud";
        _cli.Environment["LIVEKIT_API_KEY"] = "APIdoctor";

        var result = await _cli.RunAsync("doctor", "livekit").WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.StartsWith("rtcbench: error: LIVEKIT_API_SECRET is missing: set ", result.Stderr, StringComparison.Ordinal);
        Assert.Single(result.Stderr.TrimEnd().Split('\n'));
        Assert.Equal(string.Empty, result.Stdout);
    }

    [Theory]
    [InlineData("example.livekit.cloud", "'example.livekit.cloud' is not a wss://")]
    [InlineData("ftp://example.livekit.cloud", "'ftp://example.livekit.cloud' is not a wss://")]
    [InlineData("wss://example.livekit.cloud?access_token=eyJsecret", "must be the bare server URL")]
    public async Task DoctorLiveKit_MalformedUrl_SaysWhatIsWrongWithoutEchoingAQueryAndExits2(string url, string expected)
    {
        _cli.Environment["LIVEKIT_URL"] = url;
        _cli.Environment["LIVEKIT_API_KEY"] = "APIdoctor";
        _cli.Environment["LIVEKIT_API_SECRET"] = "doctor-secret-of-more-than-32-characters";

        var result = await _cli.RunAsync("doctor", "livekit").WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("rtcbench: error: LIVEKIT_URL " + expected, result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("eyJsecret", result.Stderr + result.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("doctor-secret", result.Stderr + result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DoctorLiveKit_ServerUnreachable_FailsTheSignalStepOnlyAndExits6WithoutSecrets()
    {
        _cli.Environment["LIVEKIT_URL"] = "ws://127.0.0.1:9";
        _cli.Environment["LIVEKIT_API_KEY"] = "APIdoctor";
        _cli.Environment["LIVEKIT_API_SECRET"] = "doctor-secret-of-more-than-32-characters";

        var result = await _cli.RunAsync("doctor", "livekit").WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(ExitCodes.RunFailed, result.ExitCode);
        string[] lines = result.Stdout.TrimEnd().Split('\n');
        Assert.Equal(2, lines.Length);
        Assert.StartsWith("ok      credentials (0 ms): LIVEKIT_URL ws://127.0.0.1:9/, LIVEKIT_API_KEY APIdoctor, LIVEKIT_API_SECRET set", lines[0], StringComparison.Ordinal);
        Assert.Matches(@"^FAILED  signal endpoint takes our join token \(GET /rtc/validate\) \(\d+ ms\): cannot reach http://127\.0\.0\.1:9/rtc/validate: ", lines[1]);
        Assert.DoesNotContain("doctor-secret", result.Stdout + result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("access_token", result.Stdout + result.Stderr, StringComparison.Ordinal);
    }
}
