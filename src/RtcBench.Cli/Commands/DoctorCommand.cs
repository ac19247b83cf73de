using System.CommandLine;
using System.Diagnostics;
using RtcBench.Cli.Parsing;
using RtcBench.Core.Protocol;
using RtcBench.Core.Timing;
using RtcBench.Platforms;
using RtcBench.Platforms.Daily;
using RtcBench.Platforms.Daily.Browser;

namespace RtcBench.Cli.Commands;

/// <summary>
/// <c>rtcbench doctor daily</c>: a live check for users with a Daily account. Runs every step the daily platform
/// needs with the environment's DAILY_API_KEY (create a room, mint tokens, launch Chromium, load daily-js, join
/// both pages, one app-message round trip, delete the room) and reports each as ok or FAILED with the reason.
/// <c>rtcbench doctor livekit</c> is <see cref="DoctorLiveKitCommand"/>, <c>rtcbench doctor janus</c> <see cref="DoctorJanusCommand"/>.
/// </summary>
internal static class DoctorCommand
{
    public static Command Create(CliContext ctx)
    {
        var platform = CliOption.ChoiceArgument("doctor", "platform", "The platform to check (daily, livekit, janus).", "daily", "livekit", "janus");
        var topology = CliOption.Choice("--daily-topology", "Topology of the Daily test room.", "sfu", "sfu", "p2p");
        topology.HelpName = "sfu|p2p";
        var command = new Command("doctor", "Check a platform live, step by step, with this machine's credentials (DAILY_API_KEY for daily; " +
            "LIVEKIT_URL, LIVEKIT_API_KEY and LIVEKIT_API_SECRET for livekit; JANUS_URL, and JANUS_ADMIN_KEY / JANUS_API_SECRET / JANUS_TOKEN when Janus wants them, for janus). " +
            "Exit 0: every step passed, 2: credentials missing, 6: a step failed.");
        command.Arguments.Add(platform);
        command.Options.Add(topology);
        command.SetAction(async (parse, _) =>
        {
            if (parse.GetValue(platform) == "livekit")
            {
                return await DoctorLiveKitCommand.RunAsync(ctx);
            }
            if (parse.GetValue(platform) == "janus")
            {
                return await DoctorJanusCommand.RunAsync(ctx);
            }
            string? key = ctx.GetEnvironment("DAILY_API_KEY");
            if (string.IsNullOrWhiteSpace(key))
            {
                return ctx.Fail(ExitCodes.Usage, "DAILY_API_KEY is missing: set it to your Daily API key (dashboard.daily.co → Developers) and run again");
            }
            if (!DailyCredentials.TryParseTopology(parse.GetValue(topology), out var top))
            {
                return ctx.Fail(ExitCodes.Usage, "--daily-topology must be sfu or p2p");
            }
            return await CheckDailyAsync(ctx, key.Trim(), top);
        });
        return command;
    }

    private static async Task<int> CheckDailyAsync(CliContext ctx, string key, DailyTopology topology)
    {
        var clock = ctx.Clock;
        using var rest = new DailyRestClient(key, Uri.TryCreate(ctx.GetEnvironment("RTCBENCH_DAILY_API_URL"), UriKind.Absolute, out var url) ? url : null);
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(ctx.Interrupts.AbortRequested);
        cancel.CancelAfter(TimeSpan.FromMinutes(3));
        var ct = cancel.Token;
        bool allOk = true;
        DailyRoom? room = null;
        DailyEchoCall? echo = null;
        DailyPingChannel? channel = null;
        string echoToken = "", runnerToken = "";
        var expires = clock.UtcNow().AddMinutes(10);

        async Task<bool> Step(string name, Func<Task<string>> action)
        {
            var watch = Stopwatch.StartNew();
            try
            {
                string detail = await action();
                ctx.Out.WriteLine($"ok      {name} ({watch.ElapsedMilliseconds} ms){(detail.Length > 0 ? ": " + detail : "")}");
                return true;
            }
            catch (Exception ex) when (ex is PlatformException or DailyApiException or IOException or TimeoutException or OperationCanceledException or ArgumentException)
            {
                ctx.Out.WriteLine($"FAILED  {name} ({watch.ElapsedMilliseconds} ms): {ex.Message}");
                allOk = false;
                return false;
            }
        }

        try
        {
            if (!await Step("create room", async () =>
                {
                    room = await rest.CreateRoomAsync(new DailyRoomRequest
                    {
                        Name = "rtcbench-doctor-" + Guid.NewGuid().ToString("N"),
                        ExpiresAt = expires,
                        Topology = topology,
                    }, ct);
                    return room.Url.AbsoluteUri;
                }))
            {
                return ExitCodes.RunFailed;
            }
            if (await Step("create meeting tokens", async () =>
                {
                    echoToken = await rest.CreateMeetingTokenAsync(room!.Name, expires, "rtcbench-echo", ct);
                    runnerToken = await rest.CreateMeetingTokenAsync(room!.Name, expires, "rtcbench-runner", ct);
                    return "";
                })
                && await Step("launch Chromium", async () =>
                {
                    await BrowserHost.Shared.GetBrowserAsync(ct);
                    return BrowserHost.Shared.ChromiumVersion ?? "";
                })
                && await Step("load daily-js", async () =>
                {
                    await using var page = await BrowserHost.Shared.OpenCallPageAsync(ct);
                    return "version " + await page.DailyJsVersionAsync(ct);
                })
                && await Step("join (echo page)", async () =>
                {
                    echo = await DailyEchoCall.StartAsync(BrowserHost.Shared, room!.Url, echoToken, null, clock, ct);
                    return "topology " + echo.JoinInfo.Topology;
                })
                && await Step("join (runner page)", async () =>
                {
                    var creds = System.Text.Json.JsonSerializer.SerializeToElement(
                        new DailyCredentials(room!.Url.AbsoluteUri, runnerToken, DailyCredentials.TopologyName(topology), null, null));
                    var channels = await new DailyPlatformClient().JoinAsync(creds, new PlatformJoinContext(Guid.NewGuid().ToString("N"), clock), ct);
                    channel = (DailyPingChannel)channels[0];
                    return "topology " + channel.JoinInfo.Topology;
                }))
            {
                await Step("app-message round trip", () => RoundTripAsync(channel!, clock, ct));
            }
        }
        finally
        {
            if (channel is not null)
            {
                await channel.DisposeAsync();
            }
            if (echo is not null)
            {
                await echo.DisposeAsync();
            }
            if (room is not null)
            {
                await Step("delete room", async () =>
                {
                    using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
                    return await rest.DeleteRoomAsync(room.Name, timeout.Token) ? "" : "already gone";
                });
            }
        }
        return allOk ? ExitCodes.Ok : ExitCodes.RunFailed;
    }

    private static async Task<string> RoundTripAsync(DailyPingChannel channel, MonoTime clock, CancellationToken ct)
    {
        var sink = new FirstPong();
        channel.SetSink(sink);
        var buffer = new byte[PingCodec.MaxMessageBytes];
        var run = RunId.New();
        for (int seq = 0; seq < 20; seq++)
        {
            long sent = clock.NowNs();
            channel.Send(buffer.AsSpan(0, PingCodec.WritePing(buffer, run, seq, sent, 128)));
            try
            {
                long rtt = await sink.Answer.Task.WaitAsync(TimeSpan.FromSeconds(1), ct);
                var path = channel.DescribePath();
                return $"RTT {rtt / 1e6:0.###} ms over {path.Details?["daily_transport"]} (topology {path.Details?["daily_topology"]})";
            }
            catch (TimeoutException)
            {
                // the echo may still be joining: try again
            }
        }
        throw new TimeoutException("no pong within 20 s: " + (channel.ExplainSilence() ?? "the echo page did not answer"));
    }

    private sealed class FirstPong : IMessageSink
    {
        public TaskCompletionSource<long> Answer { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void OnMessage(ReadOnlySpan<byte> message, long receivedNs)
        {
            if (PingCodec.TryReadPong(message, out var pong))
            {
                Answer.TrySetResult(receivedNs - pong.SentNs);
            }
        }
    }
}
