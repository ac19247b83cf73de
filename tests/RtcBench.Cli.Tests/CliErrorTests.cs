using System.Net;
using System.Net.Sockets;

namespace RtcBench.Cli.Tests;

/// <summary>Bad input gets one clear line on stderr and a stable exit code; nothing crashes.</summary>
public sealed class CliErrorTests : IDisposable
{
    private readonly CliHarness _cli = new();

    public void Dispose() => _cli.Dispose();

    private static void AssertOneErrorLine(CliResult result, int exitCode, string fragment)
    {
        Assert.True(exitCode == result.ExitCode, $"exit {result.ExitCode}, stderr: {result.Stderr}");
        Assert.Contains(fragment, result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Stderr, StringComparison.Ordinal); // no stack trace
        Assert.Equal("", result.Stdout);
    }

    /// <summary>A usage error is exactly one line on stderr, nothing on stdout, exit 2.</summary>
    private static void AssertSingleUsageLine(CliResult result, string fragment)
    {
        AssertOneErrorLine(result, ExitCodes.Usage, fragment);
        string[] lines = result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, $"expected one line on stderr, got:\n{result.Stderr}");
        Assert.StartsWith("rtcbench: error: ", lines[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoArguments_SuggestsQuickstart()
    {
        var result = await _cli.RunAsync();
        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("rtcbench quickstart", result.Stderr, StringComparison.Ordinal);
    }

    private const string Agent = "http://127.0.0.1:9";

    /// <summary>
    /// Every option of every command with a bad value (or none), and the one line it must produce. The test below
    /// checks that each option taking a value has a row here, so an option added later cannot be forgotten.
    /// </summary>
    public static readonly TheoryData<string[], string> BadValues = new()
    {
        // run: agent and platform selection
        { ["run", "--agent", "ftp://x"], "--agent: 'ftp://x' is not an http(s) URL, e.g. http://127.0.0.1:8080" },
        { ["run", "--agent"], "--agent: needs a value; give an http(s) URL, e.g. http://127.0.0.1:8080" },
        { ["run", "--agent", Agent, "--platform", "carrier-pigeon"], "--platform: 'carrier-pigeon' is not a platform; available: udp, direct, daily, livekit" },
        { ["run", "--agent", Agent, "-p", "udp,foo,bar"], "--platform: 'foo', 'bar' are not platforms; available: udp, direct, daily, livekit" },
        { ["run", "--agent", Agent, "-p"], "--platform: needs a value; give one or more of udp, direct, daily, livekit" },
        { ["run", "--agent", Agent, "--daily-topology", "mesh"], "--daily-topology: 'mesh' is not a choice; use sfu or p2p" },
        { ["run", "--agent", Agent, "--janus-path", "mesh"], "--janus-path: 'mesh' is not a choice; use sfu, textroom or echo" },
        { ["run", "--agent", Agent, "--api-key-file", ""], "--api-key-file: '' is not a file path" },
        { ["run", "--agent", Agent, "--api-key-file", "/nonexistent/rtcbench-key"], "cannot read --api-key-file /nonexistent/rtcbench-key" },

        // run and quickstart: measurement options (MeasurementOptions)
        { ["run", "--agent", Agent, "--count", "abc"], "--count: 'abc' is not a whole number; give one from 1 to 10000000" },
        { ["run", "--agent", Agent, "--count", "0"], "--count: 0 is out of range; give one from 1 to 10000000" },
        { ["run", "--agent", Agent, "--count", "99999999999999999999"], "--count: 99999999999999999999 is out of range; give one from 1 to 10000000" },
        { ["run", "--agent", Agent, "--count", "1.5"], "--count: '1.5' is not a whole number" },
        { ["run", "--agent", Agent, "--count"], "--count: needs a value; give a whole number from 1 to 10000000" },
        { ["run", "--agent", Agent, "--count", "1", "--count", "2"], "--count: given 2 times ('1', '2'); give it once" },
        { ["run", "--agent", Agent, "--interval", "0"], "--interval: '0' has no unit; give a duration from 1ms to 10m, e.g. 100ms" },
        { ["run", "--agent", Agent, "--interval", "100"], "--interval: '100' has no unit; write e.g. 100ms (from 1ms to 10m)" },
        { ["run", "--agent", Agent, "--interval", "0ms"], "--interval: '0ms' is out of range; give a duration from 1ms to 10m" },
        { ["run", "--agent", Agent, "--interval", "11m"], "--interval: '11m' is out of range; give a duration from 1ms to 10m" },
        { ["run", "--agent", Agent, "--interval", "fast"], "--interval: 'fast' is not a duration" },
        { ["run", "--agent", Agent, "--warmup", "-1"], "--warmup: -1 is out of range; give one from 0 to 100000" },
        { ["run", "--agent", Agent, "--warmup", "ten"], "--warmup: 'ten' is not a whole number; give one from 0 to 100000" },
        { ["run", "--agent", Agent, "--deadline", "5parsecs"], "--deadline: '5parsecs' has an unknown unit 'parsecs'; use us, ms, s, m or h (from 1ms to 5m, e.g. 5s)" },
        { ["run", "--agent", Agent, "--deadline", "6m"], "--deadline: '6m' is out of range; give a duration from 1ms to 5m" },
        { ["run", "--agent", Agent, "--payload-bytes", "999999"], "--payload-bytes: 999999 is out of range; give one from 0 to 16384" },
        { ["run", "--agent", Agent, "--payload-bytes", "1k"], "--payload-bytes: '1k' is not a whole number; give one from 0 to 16384" },
        { ["run", "--agent", Agent, "--schedule", "bursty"], "--schedule: 'bursty' is not a choice; use fixed or poisson" },
        { ["run", "--agent", Agent, "--channel", "both-ways"], "--channel: 'both-ways' is not a choice; use reliable, lossy or both" },
        { ["run", "--agent", Agent, "--seed", "x"], "--seed: 'x' is not a whole number; give one from -2147483648 to 2147483647" },
        { ["run", "--agent", Agent, "--location", new string('x', 129)], "--location: too long (129 characters); give at most 128" },
        { ["run", "--agent", Agent, "--location", "eu\u0007west"], "--location: contains control characters" },
        { ["run", "--agent", Agent, "--lat", "200", "--lon", "0"], "--lat: 200 is out of range; give a latitude from -90 to 90" },
        { ["run", "--agent", Agent, "--lat", "abc", "--lon", "0"], "--lat: 'abc' is not a number; give a latitude from -90 to 90" },
        { ["run", "--agent", Agent, "--lat", "NaN", "--lon", "0"], "--lat: 'NaN' is not a number; give a latitude from -90 to 90" },
        { ["run", "--agent", Agent, "--lat", "0", "--lon", "-181"], "--lon: -181 is out of range; give a longitude from -180 to 180" },
        { ["run", "--agent", Agent, "--lat", "10"], "--lat and --lon: give both, or neither" },
        { ["run", "--agent", Agent, "--output", ""], "--output: '' is not a file path" },
        { ["run", "--agent", Agent, "--store", "mysql:db"], "--store: " },
        { ["run", "--agent", Agent, "--store-token"], "--store-token: needs a value" },
        { ["run", "--agent", Agent, "--api-key"], "--api-key: needs a value" },
        { ["run", "--agent", Agent, "--frob"], "unknown option '--frob' for `rtcbench run`; see `rtcbench run --help`" },
        { ["run", "--agent", Agent, "--cuont", "5"], "unknown option '--cuont' for `rtcbench run`; did you mean --count?" },
        { ["run", "--agent", Agent, "--cuont=5"], "unknown option '--cuont=5' for `rtcbench run`; did you mean --count?" },
        { ["quickstart", "--count", "abc"], "--count: 'abc' is not a whole number; give one from 1 to 10000000" },
        { ["quickstart", "--interval", "0"], "--interval: '0' has no unit; give a duration from 1ms to 10m, e.g. 100ms" },
        { ["quickstart", "--warmup", "-5"], "--warmup: -5 is out of range" },
        { ["quickstart", "--deadline", "0s"], "--deadline: '0s' is out of range; give a duration from 1ms to 5m" },
        { ["quickstart", "--payload-bytes", "-1"], "--payload-bytes: -1 is out of range" },
        { ["quickstart", "--schedule", "x"], "--schedule: 'x' is not a choice; use fixed or poisson" },
        { ["quickstart", "--channel", "x"], "--channel: 'x' is not a choice; use reliable, lossy or both" },
        { ["quickstart", "--seed", "1e3"], "--seed: '1e3' is not a whole number" },
        { ["quickstart", "--location", new string('x', 200)], "--location: too long (200 characters); give at most 128" },
        { ["quickstart", "--lat", "-91", "--lon", "0"], "--lat: -91 is out of range; give a latitude from -90 to 90" },
        { ["quickstart", "--lat", "0", "--lon", "east"], "--lon: 'east' is not a number; give a longitude from -180 to 180" },
        { ["quickstart", "--output", ""], "--output: '' is not a file path" },
        { ["quickstart", "--store", "mysql:db"], "--store: " },
        { ["quickstart", "--store-token"], "--store-token: needs a value" },
        { ["run", "--agent", Agent, "--threshold", "p95"], "--threshold: 'p95' has no comparison (<, <=, > or >=)" },
        { ["run", "--agent", Agent, "--threshold", "p96<5ms"], "--threshold: 'p96<5ms': 'p96' is not a metric; use one of min, mean, p50, p90, p95, p99, p99.9, max, jitter, loss, late" },
        { ["run", "--agent", Agent, "--threshold", "p95<50"], "--threshold: 'p95<50': '50' has no unit; add one of us, ms, s, m or h" },
        { ["run", "--agent", Agent, "--threshold", "loss<0.01"], "--threshold: 'loss<0.01': '0.01' is not a percentage; loss is a rate, write it with %" },
        { ["run", "--agent", Agent, "--threshold", "loss<101%"], "--threshold: 'loss<101%': '101%' is not a percentage" },
        { ["run", "--agent", Agent, "--threshold", "mars:p95<5ms"], "--threshold: 'mars:p95<5ms': 'mars' is neither a platform" },
        { ["run", "--agent", Agent, "--threshold", "reliable:direct:p95<5ms"], "--threshold: 'reliable:direct:p95<5ms': the scope is a platform, a channel or platform:channel (in that order)" },
        { ["run", "--agent", Agent, "--threshold", "1ms<p95<5ms"], "--threshold: '1ms<p95<5ms'" },
        { ["run", "--agent", Agent, "--threshold", ""], "--threshold: a threshold is required" },
        { ["quickstart", "--threshold", "p95<"], "--threshold: 'p95<': a value is required" },

        // agent
        { ["agent", "--listen", "8080"], "--listen: '8080' has no host; write 127.0.0.1:8080 (loopback) or 0.0.0.0:8080 (all interfaces)" },
        { ["agent", "--listen", "somewhere:80"], "--listen: 'somewhere:80' is not HOST:PORT" },
        { ["agent", "--listen", "::1:80"], "in brackets" },
        { ["agent", "--udp-port", "99999"], "--udp-port: 99999 is out of range; give one from 0 to 65535" },
        { ["agent", "--udp-port", "x"], "--udp-port: 'x' is not a whole number; give one from 0 to 65535" },
        { ["agent", "--public-host", "a b"], "--public-host: 'a b' is not a host name or IP address" },
        { ["agent", "--location", new string('x', 129)], "--location: too long (129 characters); give at most 128" },
        { ["agent", "--room-ttl", "0"], "--room-ttl: '0' has no unit; give a duration from 1s to 24h, e.g. 10m" },
        { ["agent", "--room-ttl", "25h"], "--room-ttl: '25h' is out of range; give a duration from 1s to 24h" },
        { ["agent", "--max-rooms", "0"], "--max-rooms: 0 is out of range; give one from 1 up" },
        { ["agent", "--direct-dtls-role", "sideways"], "--direct-dtls-role: 'sideways' is not a choice; use server or client" },
        { ["agent", "--direct-socket", "pooled"], "--direct-socket: 'pooled' is not a choice; use shared or per-session" },
        { ["agent", "--direct-engine", "fast"], "--direct-engine: 'fast' is not a choice; use peer or core" },
        { ["agent", "--direct-engine", "core", "--direct-socket", "per-session"], "--direct-engine core runs on the shared socket: it cannot be combined with --direct-socket per-session" },
        { ["agent", "--metrics-auth", "token"], "--metrics-auth: 'token' is not a choice; use key or open" },
        { ["agent", "--log-format", "xml"], "--log-format: 'xml' is not a choice; use text or json" },
        { ["agent", "--api-key-file", ""], "--api-key-file: '' is not a file path" },
        { ["agent", "--api-key"], "--api-key: needs a value" },

        // serve and push
        { ["serve", "--listen", "8090"], "--listen: '8090' has no host" },
        { ["serve", "--store", "mysql:db"], "--store: " },
        { ["serve", "--ingest-token-file", "/nonexistent/rtcbench-token"], "cannot read --ingest-token-file /nonexistent/rtcbench-token" },
        { ["serve", "--max-body-mib", "0"], "--max-body-mib: 0 is out of range; give one from 1 to 1024" },
        { ["serve", "--max-body-mib", "lots"], "--max-body-mib: 'lots' is not a whole number; give one from 1 to 1024" },
        { ["serve", "--metrics-auth", "key"], "--metrics-auth: 'key' is not a choice; use open or token" },
        { ["serve", "--log-format", ""], "--log-format: '' is not a choice; use text or json" },
        { ["push", "--store", "ftp://results"], "--store: push needs the results service's URL, http(s)://HOST:PORT" },
        { ["push", "--store-token"], "--store-token: needs a value" },

        // results, db, doctor
        { ["results", "list", "--store", "mysql:db"], "--store: " },
        { ["results", "list", "--platform"], "--platform: needs a value" },
        { ["results", "list", "--location"], "--location: needs a value" },
        { ["results", "list", "--channel", "both"], "--channel: 'both' is not a choice; use reliable or lossy" },
        { ["results", "list", "--limit", "0"], "--limit: 0 is out of range; give one from 1 to 1000" },
        { ["results", "list", "--limit", "all"], "--limit: 'all' is not a whole number; give one from 1 to 1000" },
        { ["results", "list", "--offset", "-1"], "--offset: -1 is out of range; give one from 0 up" },
        { ["results", "show"], "`rtcbench results show` needs its RUN-ID argument; see `rtcbench results show --help`" },
        { ["results", "show", new string('a', 32), "--store", "mysql:db"], "--store: " },
        { ["db", "migrate", "--store", "mysql:db"], "--store: " },
        { ["compare", "udp", "direct", "--store", "mysql:db"], "--store: " },
        { ["runner", "--plan", ""], "--plan: '' is not a file path" },
        { ["runner", "--plan", "/nonexistent/plan.json"], "cannot read /nonexistent/plan.json" },
        { ["runner", "--plan", "/nonexistent/plan.json", "--status-file", ""], "--status-file: '' is not a file path" },
        { ["runner", "--store"], "--store: needs a value" },
        { ["runner", "--store-token"], "--store-token: needs a value" },
        { ["runner", "--api-key"], "--api-key: needs a value" },
        { ["runner", "--api-key-file", ""], "--api-key-file: '' is not a file path" },
        { ["runner"], "--plan is required" },
        { ["run", "--agent", Agent, "--log-format", "yaml"], "--log-format: 'yaml' is not a choice; use text or json" },
        { ["quickstart", "--log-format", ""], "--log-format: '' is not a choice; use text or json" },
        { ["runner", "--plan", "/nonexistent/plan.json", "--log-format", "xml"], "--log-format: 'xml' is not a choice; use text or json" },
        { ["results", "export", "--format", "xml"], "--format: 'xml' is not a choice; use csv, json or hdr" },
        { ["results", "export", "--limit", "0"], "--limit: 0 is out of range" },
        { ["results", "export", "--output", ""], "--output: '' is not a file path" },
        { ["results", "export", "--store", "mysql:db"], "--store: " },
        { ["results", "export", "--platform"], "--platform: needs a value" },
        { ["results", "export", "--location"], "--location: needs a value" },
        { ["results", "export", "--channel", "both"], "--channel: 'both' is not a choice; use reliable or lossy" },
        { ["compare", "udp", "direct", "--location", new string('x', 129)], "--location: too long (129 characters); give at most 128" },
        { ["compare", "udp", "direct", "--channel", "both"], "--channel: 'both' is not a choice; use reliable or lossy" },
        { ["compare", "udp", "direct", "--window", "0"], "--window: '0' has no unit" },
        { ["compare", "udp"], "`rtcbench compare` needs its B argument" },
        { ["db", "rebuild-rollups", "--store", "mysql:db"], "--store: " },
        { ["serve", "--ping-retention", "30x"], "--ping-retention: '30x' is not a period; give a whole number of days or hours" },
        { ["serve", "--ping-retention", "0h"], "--ping-retention: 0h is out of range" },
        { ["doctor"], "`rtcbench doctor` needs PLATFORM: daily, livekit or janus" },
        { ["doctor", "zoom"], "doctor PLATFORM: 'zoom' is not a choice; use daily, livekit or janus" },
        { ["doctor", "daily", "--daily-topology", "mesh"], "--daily-topology: 'mesh' is not a choice; use sfu or p2p" },

        // commands
        { ["frob"], "unknown command 'frob' for `rtcbench` (commands: quickstart, run, runner, agent, serve, push, results, compare, db, doctor)" },
        { ["quickstrat"], "unknown command 'quickstrat' for `rtcbench`; did you mean quickstart?" },
        { ["results"], "`rtcbench results` needs a command: list, show or export; see `rtcbench results --help`" },
        { ["db"], "`rtcbench db` needs a command: migrate or rebuild-rollups; see `rtcbench db --help`" },
        { ["results", "list", "extra"], "unexpected argument 'extra' for `rtcbench results list`; see `rtcbench results list --help`" },
    };

    [Theory]
    [MemberData(nameof(BadValues))]
    public async Task AnyCommand_BadOptionValue_OneClearLineAndExit2(string[] args, string expected)
    {
        var result = await _cli.RunAsync(args);

        AssertSingleUsageLine(result, expected);
        Assert.DoesNotContain("System.", result.Stderr, StringComparison.Ordinal); // no .NET type names
    }

    [Fact]
    public void BadValues_CoverEveryOptionThatTakesAValue()
    {
        var rows = BadValues.Select(row => (string[])row[0]).ToList();
        var missing = CommandTree.ValueOptions()
            .Where(o => !rows.Any(args =>
                string.Join(' ', args).StartsWith(o.Command + " ", StringComparison.Ordinal)
                && args.Any(a => a == o.Option.Name || o.Option.Aliases.Contains(a))))
            .Select(o => $"rtcbench {o.Command} {o.Option.Name}")
            .ToList();
        Assert.True(missing.Count == 0, "options without a bad-value row in BadValues: " + string.Join(", ", missing));
    }

    [Fact]
    public async Task Run_IntervalWithoutUnitZero_NeverSuggestsAnInvalidValue()
    {
        var result = await _cli.RunAsync("run", "--agent", Agent, "--interval", "0");

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.DoesNotMatch(@"(?<![0-9.])0ms", result.Stderr); // "e.g. 100ms" is fine, "0ms" is refused too
        Assert.Contains("1ms to 10m", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_TwoBadValues_OneLineEach()
    {
        var result = await _cli.RunAsync("run", "--agent", Agent, "--count", "abc", "--lat", "200", "--lon", "0");

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        string[] lines = result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.Contains(lines, l => l.StartsWith("rtcbench: error: --count:", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("rtcbench: error: --lat:", StringComparison.Ordinal));
    }

    [Fact]
    public void MeasurementRanges_EdgesTheCliAccepts_RunConfigAcceptsToo()
    {
        var options = new Commands.MeasurementOptions();
        var command = new System.CommandLine.Command("x");
        options.AddTo(command);
        foreach (string[] args in new[]
        {
            new[] { "--count", "10000000", "--warmup", "100000", "--interval", "10m", "--deadline", "5m", "--payload-bytes", "16384" },
            new[] { "--count", "1", "--warmup", "0", "--interval", "1ms", "--deadline", "1ms", "--payload-bytes", "0" },
        })
        {
            var p = command.Parse(args);
            Assert.Empty(p.Errors);
            options.ToConfig(p, out var errors);
            Assert.Empty(errors);
        }
    }

    [Theory]
    [InlineData(new string[0], 10)] // the default interval, 100 ms: ten pings fill the first second
    [InlineData(new[] { "--interval", "10ms" }, 100)]
    [InlineData(new[] { "--interval", "1ms" }, 1000)]
    [InlineData(new[] { "--interval", "3ms" }, 334)]
    [InlineData(new[] { "--interval", "1s" }, 10)]
    [InlineData(new[] { "--interval", "10ms", "--warmup", "0" }, 0)]
    [InlineData(new[] { "--interval", "10ms", "--warmup", "25" }, 25)]
    public void Warmup_NotGiven_FillsTheFirstSecondWithAtLeastTen(string[] args, int expected)
    {
        var options = new Commands.MeasurementOptions();
        var command = new System.CommandLine.Command("x");
        options.AddTo(command);

        var config = options.ToConfig(command.Parse(args), out var errors);

        Assert.Empty(errors);
        Assert.Equal(expected, config.Warmup);
    }

    [Fact]
    public async Task Run_NoAgent_ExplainsHowToGiveOneOrUseQuickstart()
    {
        var result = await _cli.RunAsync("run");
        AssertOneErrorLine(result, ExitCodes.Usage, "--agent is required");
        Assert.Contains("quickstart", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_NothingListeningAtAgentUrl_ExitsAgentUnreachable()
    {
        // A port that was just free: bind, note it, release.
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }
        var result = await _cli.RunAsync("run", "--agent", $"http://127.0.0.1:{port}", "--no-store");
        AssertOneErrorLine(result, ExitCodes.AgentUnreachable, "Cannot reach the agent");
    }

    [Fact]
    public async Task Run_WrongApiKey_ExitsAgentRejectedWithoutEchoingTheKey()
    {
        await using var agent = await CliHarness.StartAgentAsync(o => o.ApiKey = "correct-key-123456");
        _cli.Environment["RTCBENCH_AGENT_KEY"] = "wrong-key-abcdef";

        var result = await _cli.RunAsync("run", "--agent", agent.BaseUrl.ToString(), "--no-store", "--quiet");

        AssertOneErrorLine(result, ExitCodes.AgentRejected, "401");
        Assert.DoesNotContain("wrong-key-abcdef", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("correct-key-123456", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_RightApiKeyFromEnvironment_Succeeds()
    {
        await using var agent = await CliHarness.StartAgentAsync(o => o.ApiKey = "correct-key-123456");
        _cli.Environment["RTCBENCH_AGENT_KEY"] = "correct-key-123456";

        var result = await _cli.RunAsync("run", "--agent", agent.BaseUrl.ToString(), "--count", "5", "--warmup", "0",
            "--interval", "5ms", "--no-store", "--quiet", "--json");

        Assert.True(result.ExitCode == 0, result.Stderr);
    }

    [Fact]
    public async Task Agent_PublicAddressWithoutKey_RefusesToStart()
    {
        var result = await _cli.RunAsync("agent", "--listen", "0.0.0.0:0");
        AssertOneErrorLine(result, ExitCodes.Usage, "API key");
    }

    [Fact]
    public async Task ResultsShow_UnknownOrMalformedRunId_ClearError()
    {
        var malformed = await _cli.RunAsync("results", "show", "not-a-run", "--store", _cli.StoreSpec);
        AssertOneErrorLine(malformed, ExitCodes.Usage, "is not a run id");

        var unknown = await _cli.RunAsync("results", "show", new string('a', 32), "--store", _cli.StoreSpec);
        AssertOneErrorLine(unknown, ExitCodes.NotFound, "no result store at");
    }

    [Fact]
    public async Task UnknownCommand_ExitsWithUsageError()
    {
        var result = await _cli.RunAsync("frobnicate");
        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("commands: quickstart, run,", result.Stderr, StringComparison.Ordinal);
    }
}
