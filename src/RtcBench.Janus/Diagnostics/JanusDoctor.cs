using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Threading.Channels;
using RtcBench.Janus.Client;
using RtcBench.Janus.Participants;
using RtcBench.Janus.Plugins;
using RtcBench.Janus.Plugins.VideoRoom;

namespace RtcBench.Janus.Diagnostics;

/// <summary>
/// A live, step-by-step check of a Janus server for <c>rtcbench doctor janus</c>, each step as the janus platform
/// does it: server info (version, data channels, the plugins), a session, the VideoRoom attached, a private room
/// created with the admin key, two of our participants publishing and subscribing to each other, round trips
/// A → Janus → B → Janus → A, and clean-up (both leave, the room destroyed with its secret and gone). Stops at the
/// first failed step; the room is destroyed whatever happened. Never reports a secret.
/// </summary>
public sealed class JanusDoctor
{
    private readonly JanusDoctorOptions _options;
    private readonly IJanusDoctorReport _report;
    private bool _allOk = true;

    public JanusDoctor(JanusDoctorOptions options, IJanusDoctorReport report)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(report);
        _options = options;
        _report = report;
    }

    /// <summary>Runs every step; true when all passed. <paramref name="ct"/> stops the check (the room is still destroyed).</summary>
    public async Task<bool> RunAsync(CancellationToken ct)
    {
        long room = RandomNumberGenerator.GetInt32(1, int.MaxValue) * 1024L + RandomNumberGenerator.GetInt32(1024);
        string secret = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        string pin = Convert.ToHexString(RandomNumberGenerator.GetBytes(6));
        JanusClient? client = null;
        JanusSession? session = null;
        JanusHandle? admin = null;
        VideoRoomDataParticipant? a = null;
        VideoRoomDataParticipant? b = null;
        bool roomMayExist = false;
        var pongs = Channel.CreateUnbounded<long>();
        var echo = new Echo();
        try
        {
            var participant = new JanusParticipantOptions { Client = _options.Client, JoinTimeout = _options.StepTimeout };
            _ = await StepAsync("server info", async () =>
                {
                    client = await JanusClient.ConnectAsync(_options.Client, ct).ConfigureAwait(false);
                    var info = await client.GetInfoAsync(ct).ConfigureAwait(false);
                    if (!info.DataChannels)
                    {
                        throw new JanusProtocolException($"Janus {info.Version} was built without data channels");
                    }

                    if (!info.Plugins.Contains(JanusPlugins.VideoRoom))
                    {
                        throw new JanusProtocolException($"Janus {info.Version} has no VideoRoom plugin loaded");
                    }

                    return $"Janus {info.Version} ({info.Name}), {client.TransportKind} transport, data channels, plugins {string.Join(", ", info.Plugins)}, " +
                        $"session timeout {info.SessionTimeoutSeconds} s{(info.ApiSecretRequired ? ", api secret required" : "")}";
                }).ConfigureAwait(false)
                && await StepAsync("create a session", async () =>
                {
                    session = await client!.CreateSessionAsync(ct).ConfigureAwait(false);
                    return $"session {session.Id}";
                }).ConfigureAwait(false)
                && await StepAsync("attach the VideoRoom", async () =>
                {
                    admin = await session!.AttachAsync(JanusPlugins.VideoRoom, ct: ct).ConfigureAwait(false);
                    return $"handle {admin.Id}";
                }).ConfigureAwait(false)
                && await StepAsync("create a private room", async () =>
                {
                    roomMayExist = true;
                    await admin!.SendAsync(new VideoRoomCreateRoom { Room = room, Secret = secret, Pin = pin, AdminKey = _options.AdminKey, Publishers = 2, IsPrivate = true, Description = "rtcbench doctor" }, ct: ct).ConfigureAwait(false);
                    return $"room {room}";
                }).ConfigureAwait(false)
                && await StepAsync("join and publish as A", async () =>
                {
                    a = await VideoRoomDataParticipant.JoinAsync(participant, room, "doctor-a", pin, new Pongs(pongs.Writer), ct).ConfigureAwait(false);
                    return $"feed {a.FeedId}, {a.Publisher.SelectedPair}";
                }).ConfigureAwait(false)
                && await StepAsync("join and publish as B (the echo)", async () =>
                {
                    b = await VideoRoomDataParticipant.JoinAsync(participant, room, "doctor-b", pin, echo, ct).ConfigureAwait(false);
                    echo.Participant = b;
                    return $"feed {b.FeedId}, {b.Publisher.SelectedPair}";
                }).ConfigureAwait(false)
                && await StepAsync("subscribe to each other", async () =>
                {
                    using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
                    timeout.CancelAfter(_options.StepTimeout);
                    await b!.SubscribeAsync(await b.WaitForPublisherAsync("doctor-a", timeout.Token).ConfigureAwait(false), timeout.Token).ConfigureAwait(false);
                    await a!.SubscribeAsync(await a.WaitForPublisherAsync("doctor-b", timeout.Token).ConfigureAwait(false), timeout.Token).ConfigureAwait(false);
                    return $"A {a.Subscriber!.SelectedPair}; B {b.Subscriber!.SelectedPair}";
                }).ConfigureAwait(false)
                && await StepAsync($"{_options.PingCount} round trips A → Janus → B → Janus → A", () => PingAsync(a!, pongs.Reader, ct)).ConfigureAwait(false);
        }
        finally
        {
            await StepAsync("clean up: both leave, the room is destroyed", () => CleanUpAsync(client, session, admin, a, b, roomMayExist ? room : null, secret)).ConfigureAwait(false);
        }

        return _allOk;
    }

    private async Task<string> CleanUpAsync(JanusClient? client, JanusSession? session, JanusHandle? admin,
        VideoRoomDataParticipant? a, VideoRoomDataParticipant? b, long? room, string secret)
    {
        foreach (var p in new[] { a, b })
        {
            if (p is not null)
            {
                await p.DisposeAsync().ConfigureAwait(false);
            }
        }

        string detail = "nothing was created";
        if (room is long id && admin is not null)
        {
            using var timeout = new CancellationTokenSource(_options.StepTimeout);
            try
            {
                await admin.SendAsync(new JanusRoomDestroy { Room = id, Secret = secret }, ct: timeout.Token).ConfigureAwait(false);
            }
            catch (JanusPluginException ex) when (ex.ErrorCode == 426)
            {
                // No such room: creating it had failed.
            }

            var exists = await admin.SendAsync(JanusRoomQuery.Exists(id), ct: timeout.Token).ConfigureAwait(false);
            detail = exists.GetBoolean("exists") == false ? $"room {id} destroyed" : throw new JanusProtocolException($"room {id} still exists");
        }

        if (session is not null)
        {
            await session.DisposeAsync().ConfigureAwait(false);
        }

        if (client is not null)
        {
            await client.DisposeAsync().ConfigureAwait(false);
        }

        return detail;
    }

    private async Task<string> PingAsync(VideoRoomDataParticipant a, ChannelReader<long> pongs, CancellationToken ct)
    {
        var rtts = new List<double>();
        var clock = Stopwatch.StartNew();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(_options.StepTimeout);
        try
        {
            // Janus drops what it cannot relay yet (its relay channel opens on the first message): probe until one comes back.
            for (long probe = -1; rtts.Count == 0; probe--)
            {
                a.Send(Encoding.UTF8.GetBytes(probe.ToString(CultureInfo.InvariantCulture)));
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token);
                wait.CancelAfter(TimeSpan.FromMilliseconds(200));
                try
                {
                    await pongs.WaitToReadAsync(wait.Token).ConfigureAwait(false);
                    while (pongs.TryRead(out _))
                    {
                    }

                    rtts.Add(0);
                }
                catch (OperationCanceledException) when (!timeout.IsCancellationRequested)
                {
                    // No answer yet: probe again.
                }
            }

            rtts.Clear();
            for (int i = 0; i < _options.PingCount; i++)
            {
                long sent = clock.ElapsedTicks;
                a.Send(Encoding.UTF8.GetBytes(i.ToString(CultureInfo.InvariantCulture)));
                long seq;
                do
                {
                    seq = await pongs.ReadAsync(timeout.Token).ConfigureAwait(false);
                }
                while (seq != i);

                rtts.Add((clock.ElapsedTicks - sent) * 1000.0 / Stopwatch.Frequency);
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new JanusTimeoutException($"no answer through Janus within {_options.StepTimeout.TotalSeconds:0} s after {rtts.Count} round trips");
        }

        rtts.Sort();
        return string.Create(CultureInfo.InvariantCulture, $"RTT min {rtts[0]:0.000} ms, median {rtts[rtts.Count / 2]:0.000} ms, max {rtts[^1]:0.000} ms");
    }

    private async Task<bool> StepAsync(string name, Func<Task<string>> step)
    {
        var clock = Stopwatch.StartNew();
        try
        {
            string detail = await step().ConfigureAwait(false);
            _report.Step(new JanusDoctorStep(name, true, clock.Elapsed.TotalMilliseconds, detail));
            return true;
        }
        catch (Exception ex) when (ex is JanusException or OperationCanceledException or InvalidOperationException)
        {
            _allOk = false;
            _report.Step(new JanusDoctorStep(name, false, clock.Elapsed.TotalMilliseconds, ex is OperationCanceledException ? "cancelled" : ex.Message));
            return false;
        }
    }

    /// <summary>A's receiver: the sequence number of each answer.</summary>
    private sealed class Pongs(ChannelWriter<long> writer) : IJanusDataReceiver
    {
        public void OnData(ReadOnlySpan<byte> message, long receivedNs)
        {
            if (long.TryParse(Encoding.UTF8.GetString(message), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long seq))
            {
                writer.TryWrite(seq);
            }
        }
    }

    /// <summary>B's receiver: sends back what it got.</summary>
    private sealed class Echo : IJanusDataReceiver
    {
        public VideoRoomDataParticipant? Participant { get; set; }

        public void OnData(ReadOnlySpan<byte> message, long receivedNs) => Participant?.Send(message);
    }
}
