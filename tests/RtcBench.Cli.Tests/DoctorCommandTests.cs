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
        Assert.Contains("failed  create room: Cannot reach Daily", result.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("test-key", result.Stdout + result.Stderr, StringComparison.Ordinal);
    }
}
