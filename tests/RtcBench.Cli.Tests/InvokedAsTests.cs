namespace RtcBench.Cli.Tests;

/// <summary>
/// Hints name the program the way the user started it: <c>./rtcbench</c> when the repo launcher exported
/// RTCBENCH_INVOKED_AS so, plain <c>rtcbench</c> (the dotnet tool) otherwise. Help text always says <c>rtcbench</c>.
/// The launcher's side (it exports the variable) is in <see cref="LauncherTests"/>.
/// </summary>
public sealed class InvokedAsTests : IDisposable
{
    private readonly CliHarness _cli = new();

    public void Dispose() => _cli.Dispose();

    [Theory]
    [InlineData(null, "rtcbench")]
    [InlineData("", "rtcbench")]
    [InlineData("  ", "rtcbench")]
    [InlineData("./rtcbench", "./rtcbench")]
    [InlineData("rtcbench", "rtcbench")]
    [InlineData("/home/me/src/rtc-bench/rtcbench", "/home/me/src/rtc-bench/rtcbench")]
    [InlineData("/home/me/my clone/rtcbench", "'/home/me/my clone/rtcbench'")]
    [InlineData("/tmp/it's/rtcbench", "'/tmp/it'\\''s/rtcbench'")]
    [InlineData("./rtcbench\nrm -rf /", "rtcbench")]
    [InlineData("./rtc\u001b[31mbench", "rtcbench")]
    public void Name_AsInvokedQuotedForAShellOrDefault(string? variable, string expected) =>
        Assert.Equal(expected, InvokedAs.Name(variable));

    public static readonly TheoryData<string[], string> Hints = new()
    {
        { [], "    {0} quickstart\n" },
        { [], "See `{0} --help` or `{0} COMMAND --help`." },
        { ["run"], "rtcbench: error: --agent is required (or set RTCBENCH_AGENT_URL); to try it all locally run: {0} quickstart\n" },
        { ["run", "--agent", "http://127.0.0.1:9", "--frob"], "rtcbench: error: unknown option '--frob' for `{0} run`; see `{0} run --help`\n" },
        { ["results"], "rtcbench: error: `{0} results` needs a command: list, show or export; see `{0} results --help`\n" },
        { ["quickstrat"], "rtcbench: error: unknown command 'quickstrat' for `{0}`; did you mean quickstart?" },
    };

    [Theory]
    [MemberData(nameof(Hints))]
    public async Task Hints_WithoutTheVariable_SayRtcbench(string[] args, string expected)
    {
        var result = await _cli.RunAsync(args);

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains(string.Format(System.Globalization.CultureInfo.InvariantCulture, expected, "rtcbench"), result.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Hints))]
    public async Task Hints_StartedByTheLauncher_SayDotSlashRtcbench(string[] args, string expected)
    {
        _cli.Environment[InvokedAs.Variable] = "./rtcbench";

        var result = await _cli.RunAsync(args);

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains(string.Format(System.Globalization.CultureInfo.InvariantCulture, expected, "./rtcbench"), result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("`rtcbench", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StoreHints_StartedByTheLauncher_SayDotSlashRtcbench()
    {
        _cli.Environment[InvokedAs.Variable] = "./rtcbench";
        string missing = Path.Combine(_cli.TempDir, "missing.db");

        var notFound = await _cli.RunAsync("results", "list", "--store", "sqlite:" + missing);
        Assert.Equal(ExitCodes.NotFound, notFound.ExitCode);
        Assert.Contains($"`./rtcbench run` stores runs there, `./rtcbench db migrate --store sqlite:{missing}` creates it empty", notFound.Stderr, StringComparison.Ordinal);

        Assert.Equal(ExitCodes.Ok, (await _cli.RunAsync("db", "migrate", "--store", _cli.StoreSpec)).ExitCode);
        var empty = await _cli.RunAsync("results", "list", "--store", _cli.StoreSpec);
        Assert.Contains("rtcbench: no stored runs match; run `./rtcbench quickstart` to make one", empty.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_StartedByTheLauncher_StillSaysRtcbench()
    {
        _cli.Environment[InvokedAs.Variable] = "./rtcbench";

        var result = await _cli.RunAsync("--help");

        Assert.Equal(ExitCodes.Ok, result.ExitCode);
        Assert.Contains("Start here:  rtcbench quickstart", result.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("./rtcbench", result.Stdout, StringComparison.Ordinal);
    }
}
