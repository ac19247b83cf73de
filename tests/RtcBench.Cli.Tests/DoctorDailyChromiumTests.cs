using System.Diagnostics;
using RtcBench.Platforms.Tests.Daily;

namespace RtcBench.Cli.Tests;

/// <summary>
/// <c>rtcbench doctor daily</c> as its own process (the built rtcbench.dll) against the Daily REST STAND-IN, with
/// <c>RTCBENCH_CHROMIUM</c> pointing at a Chromium that is not there: the Chromium step fails with one line that says
/// how to install it, nothing is launched, no stack trace, and the room it created is deleted.
/// </summary>
public sealed class DoctorDailyChromiumTests
{
    private static readonly TimeSpan HangGuard = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task DoctorDaily_ChromiumMissing_OneLineNamingTheInstallAndTheRoomIsDeleted()
    {
        await using var rest = await DailyStandIn.StartAsync().WaitAsync(HangGuard);
        var env = new Dictionary<string, string>
        {
            ["DAILY_API_KEY"] = DailyStandIn.ApiKey,
            ["RTCBENCH_DAILY_API_URL"] = rest.BaseUrl.AbsoluteUri,
            ["RTCBENCH_CHROMIUM"] = "/nonexistent/chromium",
        };

        var (exit, stdout, stderr) = await RunCliAsync(env, "doctor", "daily").WaitAsync(HangGuard);

        Assert.True(exit == ExitCodes.RunFailed, $"exit {exit}\n{stdout}\n{stderr}");
        Assert.Matches(@"(?m)^ok      create room \(\d+ ms\): https://standin\.daily\.co/rtcbench-doctor-", stdout);
        Assert.Matches(
            @"(?m)^FAILED  launch Chromium \(\d+ ms\): Chromium is not installed at /nonexistent/chromium \(Debian: apt-get install chromium; or set RTCBENCH_CHROMIUM\)\.$",
            stdout);
        Assert.DoesNotContain("load daily-js", stdout, StringComparison.Ordinal);
        Assert.Matches(@"(?m)^ok      delete room \(\d+ ms\)", stdout);
        Assert.Empty(rest.Rooms);
        Assert.DoesNotContain("   at ", stdout + stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", stdout + stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(DailyStandIn.ApiKey, stdout + stderr, StringComparison.Ordinal);
    }

    private static async Task<(int Exit, string Stdout, string Stderr)> RunCliAsync(Dictionary<string, string> env, params string[] args)
    {
        string dll = Path.Combine(AppContext.BaseDirectory, "rtcbench.dll");
        string dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
        var info = new ProcessStartInfo(dotnet)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add("exec");
        info.ArgumentList.Add(dll);
        foreach (string arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        foreach (var (name, value) in env)
        {
            info.Environment[name] = value;
        }
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout, await stderr);
    }
}
