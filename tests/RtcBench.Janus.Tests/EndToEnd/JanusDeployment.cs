using System.Net;
using RtcBench.Agent;
using RtcBench.Cli;
using RtcBench.Janus.Admin;
using RtcBench.Janus.Tests.Support;
using RtcBench.Janus.Transport;

namespace RtcBench.Janus.Tests.EndToEnd;

/// <summary>The real echo agent (in-process, loopback HTTP) with its janus platform pointed at a test Janus, and `rtcbench` in-process.</summary>
internal sealed class JanusDeployment : IAsyncDisposable
{
    private JanusDeployment(RunningAgent agent, JanusServer janus)
    {
        Agent = agent;
        Janus = janus;
    }

    public RunningAgent Agent { get; }

    public JanusServer Janus { get; }

    public static async Task<JanusDeployment> StartAsync(JanusServer janus, JanusTransportKind transport, string? adminKey = null, Uri? url = null)
    {
        var agent = await AgentHost.StartAsync(new AgentOptions
        {
            Listen = new IPEndPoint(IPAddress.Loopback, 0),
            Janus = new JanusAgentOptions
            {
                Url = url ?? janus.Url(transport),
                ApiSecret = janus.Options.ApiSecret,
                AdminKey = adminKey ?? janus.Secrets.VideoRoomAdminKey,
                TextRoomAdminKey = adminKey ?? janus.Secrets.TextRoomAdminKey,
            },
        });
        return new JanusDeployment(agent, janus);
    }

    public Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(params string[] args) =>
        RunCliAsync(["run", "--agent", Agent.BaseUrl.ToString(), "--platform", "janus", .. args, "--no-store", "--json", "--quiet"]);

    public static Task<(int ExitCode, string Stdout, string Stderr)> RunCliAsync(params string[] args) => RunCliAsync(_ => null, args);

    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunCliAsync(Func<string, string?> environment, params string[] args)
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
        int exit = await CliApp.RunAsync(args, ctx);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    /// <summary>
    /// Waits until Janus has no session left and, when given, <paramref name="room"/> no longer exists in
    /// <paramref name="plugin"/> (the agent's echo and room clean-up run in the background after /disconnect), polling
    /// Janus's own APIs; the hang guard fails with what is left.
    /// </summary>
    public async Task AssertNothingLeftAsync(TimeSpan guard, string? plugin = null, long room = 0)
    {
        using var admin = new JanusAdminClient(Janus.AdminUrl, Janus.Secrets.AdminSecret);
        var deadline = DateTime.UtcNow + guard;
        while (true)
        {
            bool roomLeft = plugin is not null && await RoomExistsAsync(plugin, room);
            var sessions = await admin.ListSessionsAsync(); // After the check above: its own session is gone by now.
            if (!roomLeft && sessions.Count == 0)
            {
                return;
            }

            Assert.True(DateTime.UtcNow < deadline,
                $"{guard.TotalSeconds:0} s after the run Janus still has sessions [{string.Join(", ", sessions)}]{(roomLeft ? $" and room {room}" : "")}");
            await Task.Delay(100); // Polling interval of the clean-up check, not a synchronisation sleep.
        }
    }

    private async Task<bool> RoomExistsAsync(string plugin, long room)
    {
        await using var client = await RtcBench.Janus.Client.JanusClient.ConnectAsync(Janus.ClientOptions(JanusTransportKind.Http));
        await using var session = await client.CreateSessionAsync();
        var handle = await session.AttachAsync(plugin);
        var exists = await handle.SendAsync(RtcBench.Janus.Plugins.JanusRoomQuery.Exists(room));
        return exists.GetBoolean("exists") ?? true;
    }

    /// <summary>GET /health of the agent, parsed.</summary>
    public async Task<System.Text.Json.JsonElement> HealthAsync()
    {
        using var http = new HttpClient();
        return System.Text.Json.JsonDocument.Parse(await http.GetStringAsync(new Uri(Agent.BaseUrl, "health"))).RootElement.Clone();
    }

    /// <summary>The pings the agent's echoes have answered, summed over its rooms (GET /rooms).</summary>
    public async Task<long> EchoedAsync()
    {
        using var http = new HttpClient();
        using var doc = System.Text.Json.JsonDocument.Parse(await http.GetStringAsync(new Uri(Agent.BaseUrl, "rooms")));
        var root = doc.RootElement;
        var rooms = root.ValueKind == System.Text.Json.JsonValueKind.Array ? root : root.GetProperty("rooms");
        long echoed = 0;
        foreach (var room in rooms.EnumerateArray())
        {
            echoed += room.GetProperty("pings_echoed").GetInt64();
        }

        return echoed;
    }

    public async ValueTask DisposeAsync() => await Agent.DisposeAsync();
}
