using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using RtcBench.Cli;
using RtcBench.LiveKit.Tests.StandIn;

namespace RtcBench.LiveKit.Tests.EndToEnd;

/// <summary>
/// `rtcbench agent` configured for livekit the way a user does it, by LIVEKIT_URL, LIVEKIT_API_KEY and
/// LIVEKIT_API_SECRET (here pointing at the stand-in): all three enable the platform, some of them stop the agent
/// with the missing ones named and the secret never printed.
/// </summary>
public sealed partial class AgentCommandEndToEndTests
{
    [Fact]
    public async Task Agent_AllThreeVariables_OffersLiveKitCreatesRoomsAndDeletesThemOnShutdown()
    {
        using var guard = new CancellationTokenSource(StandInDeployment.Guard);
        await using var server = await StandInLiveKitServer.StartAsync();
        var env = new Dictionary<string, string>
        {
            ["LIVEKIT_URL"] = server.SignalUrl.AbsoluteUri,
            ["LIVEKIT_API_KEY"] = server.Options.Credentials.ApiKey,
            ["LIVEKIT_API_SECRET"] = server.Options.Credentials.ApiSecret,
        };
        var stderr = new LineWatcher(ListeningLine());
        using var interrupts = new Interrupts();
        var ctx = new CliContext { Out = new StringWriter(), Error = stderr, Interrupts = interrupts, GetEnvironment = n => env.GetValueOrDefault(n) };
        var agent = CliApp.RunAsync(["agent", "--listen", "127.0.0.1:0"], ctx);

        var listening = await stderr.Matched.WaitAsync(guard.Token);
        using var http = new HttpClient { BaseAddress = new Uri(listening.Groups["url"].Value) };
        var health = await http.GetFromJsonAsync<JsonElement>("health", guard.Token);
        using var connect = await http.PostAsJsonAsync("connect", new { platforms = new[] { "livekit" } }, guard.Token);
        var body = await connect.Content.ReadFromJsonAsync<JsonElement>(guard.Token);
        string room = body.GetProperty("platforms").GetProperty("livekit").GetProperty("room").GetString()!;
        Assert.NotNull(server.Rooms.Find(room));
        interrupts.Interrupt();
        int exit = await agent.WaitAsync(guard.Token);

        Assert.Equal(0, exit);
        Assert.Contains("livekit", health.GetProperty("platforms").EnumerateArray().Select(p => p.GetString()));
        Assert.Contains("udp, direct, livekit", listening.Groups["platforms"].Value, StringComparison.Ordinal);
        Assert.Null(server.Rooms.Find(room)); // The agent's shutdown made the echo leave and deleted the room.
        Assert.DoesNotContain(server.Options.Credentials.ApiSecret, stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Agent_SecretMissing_Exit2NamingItAndPrintingNoValue()
    {
        var env = new Dictionary<string, string> { ["LIVEKIT_URL"] = "wss://x.livekit.cloud", ["LIVEKIT_API_KEY"] = "APIkey-value-1" };
        var stderr = new StringWriter();
        using var interrupts = new Interrupts();
        var ctx = new CliContext { Out = new StringWriter(), Error = stderr, Interrupts = interrupts, GetEnvironment = n => env.GetValueOrDefault(n) };

        int exit = await CliApp.RunAsync(["agent", "--listen", "127.0.0.1:0"], ctx).WaitAsync(StandInDeployment.Guard);

        Assert.Equal(2, exit);
        Assert.Contains("LiveKit is partly configured: LIVEKIT_API_SECRET is not set", stderr.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("APIkey-value-1", stderr.ToString(), StringComparison.Ordinal);
    }

    [GeneratedRegex(@"listening on (?<url>http://\S+) .*platforms: (?<platforms>[^;]+);")]
    private static partial Regex ListeningLine();

    /// <summary>stderr that completes <see cref="Matched"/> when a written line matches.</summary>
    private sealed class LineWatcher(Regex pattern) : StringWriter
    {
        private readonly TaskCompletionSource<Match> _matched = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly StringBuilder _line = new();

        public Task<Match> Matched => _matched.Task;

        public override void Write(char value)
        {
            lock (_line)
            {
                base.Write(value);
                if (value != '\n')
                {
                    _line.Append(value);
                    return;
                }

                if (pattern.Match(_line.ToString()) is { Success: true } match)
                {
                    _matched.TrySetResult(match);
                }

                _line.Clear();
            }
        }

        public override void Write(string? value)
        {
            foreach (char c in value ?? string.Empty)
            {
                Write(c);
            }
        }

        public override void WriteLine(string? value)
        {
            Write(value);
            Write('\n');
        }

        public override string ToString()
        {
            lock (_line)
            {
                return base.ToString();
            }
        }
    }
}
