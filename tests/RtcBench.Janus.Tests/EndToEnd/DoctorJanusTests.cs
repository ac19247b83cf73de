using RtcBench.Cli;
using RtcBench.Janus.Admin;
using RtcBench.Janus.Tests.Support;

namespace RtcBench.Janus.Tests.EndToEnd;

/// <summary>`rtcbench doctor janus` (in-process) against a real Janus: every step live, a clear failure, and nothing left behind.</summary>
public sealed class DoctorJanusTests
{
    private static readonly TimeSpan Guard = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task DoctorJanus_HealthyJanus_EveryStepOkExit0AndNothingLeft()
    {
        await using var janus = await JanusServer.StartAsync(new JanusServerOptions { ApiSecret = JanusSecrets.New() });
        var (exit, stdout, stderr) = await DoctorAsync(janus, janus.Secrets.VideoRoomAdminKey).WaitAsync(Guard);

        Assert.True(exit == 0, janus.Explain(stdout + stderr));
        string[] steps = ["server info", "create a session", "attach the VideoRoom", "create a private room", "join and publish as A",
            "join and publish as B (the echo)", "subscribe to each other", "20 round trips A → Janus → B → Janus → A", "clean up: both leave, the room is destroyed"];
        foreach (string step in steps)
        {
            Assert.Contains($"ok      {step} (", stdout, StringComparison.Ordinal);
        }

        Assert.Contains("Janus 1.1.2", stdout, StringComparison.Ordinal);
        Assert.Contains("RTT min", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(janus.Options.ApiSecret!, stdout + stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(janus.Secrets.VideoRoomAdminKey, stdout + stderr, StringComparison.Ordinal);
        using var admin = new JanusAdminClient(janus.AdminUrl, janus.Secrets.AdminSecret);
        Assert.Empty(await admin.ListSessionsAsync());
    }

    [Fact]
    public async Task DoctorJanus_WrongAdminKey_RoomStepFailsExit6WithJanusReason()
    {
        await using var janus = await JanusServer.StartAsync();
        var (exit, stdout, _) = await DoctorAsync(janus, "wrong-key").WaitAsync(Guard);

        Assert.Equal(6, exit);
        Assert.Contains("FAILED  create a private room", stdout, StringComparison.Ordinal);
        Assert.Contains("433 Unauthorized (wrong admin_key)", stdout, StringComparison.Ordinal);
        Assert.Contains("ok      clean up", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("join and publish", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DoctorJanus_NoJanusUrl_Exit2SayingWhatToSet()
    {
        var (exit, _, stderr) = await RunAsync(_ => null);
        Assert.Equal(2, exit);
        Assert.Contains("JANUS_URL is missing", stderr, StringComparison.Ordinal);
    }

    private static Task<(int, string, string)> DoctorAsync(JanusServer janus, string adminKey) => RunAsync(name => name switch
    {
        "JANUS_URL" => janus.WebSocketUrl.AbsoluteUri,
        "JANUS_ADMIN_KEY" => adminKey,
        "JANUS_API_SECRET" => janus.Options.ApiSecret,
        _ => null,
    });

    private static async Task<(int, string, string)> RunAsync(Func<string, string?> environment)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        using var interrupts = new Interrupts();
        var ctx = new CliContext
        {
            Out = stdout,
            Error = TextWriter.Synchronized(stderr),
            Interrupts = interrupts,
            GetEnvironment = environment,
        };
        int exit = await CliApp.RunAsync(["doctor", "janus"], ctx);
        return (exit, stdout.ToString(), stderr.ToString());
    }
}
