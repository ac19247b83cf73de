using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net.WebSockets;
using RtcBench.LiveKit.Auth;
using RtcBench.LiveKit.Data;
using RtcBench.LiveKit.Participant;
using RtcBench.LiveKit.Rooms;
using RtcBench.LiveKit.Signalling;

namespace RtcBench.LiveKit.Diagnostics;

/// <summary>
/// A live, step-by-step check of a LiveKit project (Cloud or self-hosted) with its URL and API key pair, for
/// <c>rtcbench doctor livekit</c>: the signal endpoint answers and takes our join token (<c>GET /rtc/validate</c>),
/// Twirp ListRooms and CreateRoom (a unique room with short timeouts), two of our participants join, ping A→B→A on
/// <c>_reliable</c> and <c>_lossy</c> (two SFU traversals per ping), leave, and the room is deleted whatever happened
/// (DeleteRoom runs in <c>finally</c>, with its own timeout, even after a failure or cancellation). Stops at the
/// first failed step, except that both ping kinds are tried. Every finding goes to an <see cref="ILiveKitDoctorReport"/>;
/// the API secret and the tokens never do.
/// </summary>
public sealed class LiveKitDoctor
{
    /// <summary>The environment variable holding the server URL (the key and secret are in <see cref="LiveKitCredentials"/>).</summary>
    public const string UrlVariable = "LIVEKIT_URL";

    private readonly LiveKitDoctorOptions _options;
    private readonly ILiveKitDoctorReport _report;
    private bool _allOk = true;

    public LiveKitDoctor(LiveKitDoctorOptions options, ILiveKitDoctorReport report)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(report);
        options.Validate();
        _options = options;
        _report = report;
    }

    public string IdentityA => _options.RoomName + "-a";

    public string IdentityB => _options.RoomName + "-b";

    /// <summary>
    /// Parses a LiveKit URL as users write it (<c>wss://project.livekit.cloud</c>, <c>ws://127.0.0.1:7880</c>, or
    /// http(s)). The error never repeats a value that has a query or user info (it could hold a token).
    /// </summary>
    public static bool TryParseUrl(string? text, [NotNullWhen(true)] out Uri? url, out string error)
    {
        url = null;
        error = string.Empty;
        string value = text?.Trim() ?? string.Empty;
        bool showable = value.IndexOfAny(['?', '@']) < 0 && value.Length <= 200;
        string shown = showable ? $"'{value}'" : "(not shown: it has a query or user info)";
        if (!Uri.TryCreate(value, UriKind.Absolute, out var parsed) || parsed.Scheme is not ("ws" or "wss" or "http" or "https")
            || string.IsNullOrEmpty(parsed.Host))
        {
            error = $"{UrlVariable} {shown} is not a wss://, ws://, https:// or http:// URL (LiveKit Cloud: wss://<project>.livekit.cloud)";
            return false;
        }

        if (!string.IsNullOrEmpty(parsed.Query) || !string.IsNullOrEmpty(parsed.UserInfo) || !string.IsNullOrEmpty(parsed.Fragment))
        {
            error = $"{UrlVariable} must be the bare server URL, without query, fragment or user info, e.g. wss://<project>.livekit.cloud";
            return false;
        }

        url = parsed;
        return true;
    }

    /// <summary>Runs every step; true when all passed. <paramref name="ct"/> stops the check (the room is still deleted).</summary>
    public async Task<bool> RunAsync(CancellationToken ct)
    {
        string room = _options.RoomName;
        string tokenA = JoinToken(IdentityA);
        string tokenB = JoinToken(IdentityB);
        using var http = new HttpClient { Timeout = _options.HttpTimeout };
        var rooms = new RoomServiceClient(http, _options.Url, _options.Credentials, _options.Clock.Provider);
        bool roomMayExist = false;
        var pongs = new DoctorPongs();
        var echo = new DoctorEcho();
        var a = new LiveKitParticipant(pongs);
        var b = new LiveKitParticipant(echo);
        echo.Participant = b;

        // Steps stop at the first failure (both ping kinds are always tried); the room is deleted whatever happened, and
        // that step counts too: the result is read after it.
        async Task StepsAsync()
        {
            if (!await StepAsync("signal endpoint takes our join token (GET /rtc/validate)", () => ValidateAsync(tokenA, ct)).ConfigureAwait(false)
                || !await StepAsync("Twirp ListRooms", async () =>
                {
                    var list = await rooms.ListRoomsAsync(null, ct).ConfigureAwait(false);
                    return $"{list.Count} active room(s)";
                }).ConfigureAwait(false)
                || !await StepAsync("Twirp CreateRoom", async () =>
                {
                    roomMayExist = true;
                    var created = await rooms.CreateRoomAsync(room, _options.RoomEmptyTimeout, _options.RoomDepartureTimeout, 4, ct).ConfigureAwait(false);
                    return $"{created.Name} (sid {Shown(created.Sid)}), empty timeout {created.EmptyTimeout} s, departure timeout {created.DepartureTimeout} s";
                }).ConfigureAwait(false)
                || !await StepAsync($"join as {IdentityA}", () => JoinAsync(a, tokenA, ct)).ConfigureAwait(false))
            {
                return;
            }

            ReportServer(a);
            ReportPeer(a);
            if (!await StepAsync($"join as {IdentityB} (the echo)", () => JoinAsync(b, tokenB, ct)).ConfigureAwait(false))
            {
                return;
            }

            ReportPeer(b);
            if (!await StepAsync($"{IdentityA} sees {IdentityB} in the room", async () =>
                {
                    using var timeout = new CancellationTokenSource(_options.JoinTimeout, _options.Clock.Provider);
                    using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timeout.Token);
                    try
                    {
                        var present = await a.WaitForParticipantAsync(IdentityB, linked.Token).ConfigureAwait(false);
                        return $"sid {Shown(present.Sid)}, state {present.State}";
                    }
                    catch (OperationCanceledException) when (timeout.IsCancellationRequested && !ct.IsCancellationRequested)
                    {
                        throw new DoctorStepException(string.Create(CultureInfo.InvariantCulture,
                            $"LiveKit did not tell {IdentityA} about {IdentityB} within {_options.JoinTimeout.TotalSeconds:0.#} s"));
                    }
                }).ConfigureAwait(false))
            {
                return;
            }

            await StepAsync($"{_options.PingCount} pings A→B→A on _reliable", () => PingAsync(a, pongs, LiveKitDataKind.Reliable, ct)).ConfigureAwait(false);
            await StepAsync($"{_options.PingCount} pings A→B→A on _lossy", () => PingAsync(a, pongs, LiveKitDataKind.Lossy, ct)).ConfigureAwait(false);
            await StepAsync("both leave", async () =>
            {
                await a.LeaveAsync().ConfigureAwait(false);
                await b.LeaveAsync().ConfigureAwait(false);
                foreach (var (who, p) in new[] { (IdentityA, a), (IdentityB, b) })
                {
                    if (p.Outcome is { Kind: not LiveKitEndKind.Left } outcome)
                    {
                        throw new DoctorStepException($"{who}'s session had already ended: {outcome}");
                    }
                }

                return string.Empty;
            }).ConfigureAwait(false);
        }

        try
        {
            await StepsAsync().ConfigureAwait(false);
        }
        finally
        {
            await a.DisposeAsync().ConfigureAwait(false);
            await b.DisposeAsync().ConfigureAwait(false);
            if (roomMayExist)
            {
                // Not tied to ct: after a failure or Ctrl-C the room is still deleted, within its own timeout.
                await StepAsync("Twirp DeleteRoom", async () =>
                {
                    using var timeout = new CancellationTokenSource(_options.HttpTimeout, _options.Clock.Provider);
                    try
                    {
                        await rooms.DeleteRoomAsync(room, timeout.Token).ConfigureAwait(false);
                        return room;
                    }
                    catch (TwirpException e) when (e.Code == TwirpErrorCodes.NotFound)
                    {
                        return room + " was already gone";
                    }
                }).ConfigureAwait(false);
            }
        }

        return _allOk;
    }

    private string JoinToken(string identity) => LiveKitTokens.Create(
        _options.Credentials,
        identity,
        new VideoGrant { RoomJoin = true, Room = _options.RoomName, CanPublish = false, CanSubscribe = true, CanPublishData = true },
        _options.TokenLifetime,
        _options.Clock.Provider,
        name: identity);

    private LiveKitJoinOptions JoinOptions(string token) => new()
    {
        Url = _options.Url,
        Token = token,
        JoinTimeout = _options.JoinTimeout,
        Clock = _options.Clock,
    };

    private async Task<string> ValidateAsync(string token, CancellationToken ct)
    {
        var join = JoinOptions(token);
        var uri = SignalUrls.Validate(_options.Url, token, join.Sdk, join.SdkVersion);
        string where = SignalUrls.Redact(uri);
        var (status, text) = await SignalValidation.AskAsync(uri, _options.HttpTimeout, ct).ConfigureAwait(false);
        if (status is not { } s)
        {
            throw new DoctorStepException($"cannot reach {where}: {text}");
        }

        if (s != 200)
        {
            throw new DoctorStepException($"{where} answered HTTP {s}: {SignalValidation.Explain(s)}; LiveKit says: {(text.Length > 0 ? text : "(nothing)")}");
        }

        return $"{where} answered HTTP 200 {text}";
    }

    private static async Task<string> JoinAsync(LiveKitParticipant participant, LiveKitJoinOptions options, CancellationToken ct)
    {
        await participant.JoinAsync(options, ct).ConfigureAwait(false);
        var t = participant.JoinTimings;
        return $"sid {Shown(participant.Sid)}, {(participant.SubscriberPrimary ? "subscriber primary" : "publisher connection only")}; "
            + $"join response {Ms(t.JoinResponseMs)}, publisher connected {Ms(t.PublisherConnectedMs)}"
            + (participant.SubscriberPrimary ? $", subscriber connected {Ms(t.SubscriberConnectedMs)}" : string.Empty);
    }

    private Task<string> JoinAsync(LiveKitParticipant participant, string token, CancellationToken ct) =>
        JoinAsync(participant, JoinOptions(token), ct);

    private void ReportServer(LiveKitParticipant participant)
    {
        if (participant.ServerInfo is { } s)
        {
            _report.Info("server", string.Create(CultureInfo.InvariantCulture,
                $"edition {Shown(s.Edition)}, version {Shown(s.Version)}, protocol {s.Protocol}, region {Shown(s.Region)}, node {Shown(s.NodeId)}"));
        }
        else
        {
            _report.Info("server", "the join response had no server_info");
        }

        foreach (var ice in participant.IceServers)
        {
            _report.Info("ICE server", string.Join(", ", ice.Urls)); // URLs only: the username and credential are short-lived secrets
        }

        if (participant.RelayOnly)
        {
            _report.Info("ICE policy", "relay only (the server forces relay: force_relay)");
        }
    }

    private void ReportPeer(LiveKitParticipant participant)
    {
        _report.Info("publisher", participant.PublisherPair?.ToString() ?? "no candidate pair selected");
        if (participant.SubscriberPrimary)
        {
            _report.Info("subscriber", participant.SubscriberPair?.ToString() ?? "no candidate pair selected");
        }

        // Whether the TURN relay was allocated (never the credential: RelayStatus names the server URL only).
        if (participant.IceServers.Count > 0 || participant.RelayOnly)
        {
            _report.Info("TURN", "publisher: " + (participant.PublisherRelayStatus ?? "no connection"));
            if (participant.SubscriberPrimary)
            {
                _report.Info("TURN", "subscriber: " + (participant.SubscriberRelayStatus ?? "no connection"));
            }
        }
    }

    private async Task<string> PingAsync(LiveKitParticipant a, DoctorPongs pongs, LiveKitDataKind kind, CancellationToken ct)
    {
        var clock = _options.Clock;
        var rtts = new List<double>(_options.PingCount);
        var payload = new byte[DoctorPing.Length];
        string wrongSender = string.Empty;
        for (int sequence = 1; sequence <= _options.PingCount; sequence++)
        {
            var answer = pongs.Expect(kind, sequence);
            DoctorPing.Write(payload, kind, sequence);
            long sentNs = clock.NowNs();
            if (!a.Send(kind, payload, IdentityB))
            {
                continue; // the stack's queue was full: counted as lost
            }

            try
            {
                var (receivedNs, sender) = await answer.WaitAsync(_options.PingTimeout, clock.Provider, ct).ConfigureAwait(false);
                if (sender != IdentityB)
                {
                    wrongSender = sender;
                }

                rtts.Add((receivedNs - sentNs) / 1e6);
            }
            catch (TimeoutException)
            {
                // unanswered within PingTimeout: lost
            }
        }

        int lost = _options.PingCount - rtts.Count;
        string label = kind == LiveKitDataKind.Reliable ? "_reliable" : "_lossy";
        if (rtts.Count == 0)
        {
            throw new DoctorStepException(string.Create(CultureInfo.InvariantCulture,
                $"none of {_options.PingCount} pings on {label} was answered within {_options.PingTimeout.TotalSeconds:0.###} s ({IdentityB} echoes each to the sender LiveKit stamps)"));
        }

        rtts.Sort();
        double median = rtts.Count % 2 == 1 ? rtts[rtts.Count / 2] : (rtts[(rtts.Count / 2) - 1] + rtts[rtts.Count / 2]) / 2;
        string summary = string.Create(CultureInfo.InvariantCulture,
            $"{rtts.Count}/{_options.PingCount} answered, RTT min {rtts[0]:0.0} ms, median {median:0.0} ms");
        if (wrongSender.Length > 0)
        {
            throw new DoctorStepException($"{summary}, but LiveKit stamped an answer as from '{wrongSender}', not {IdentityB}");
        }

        if (lost > 0 && kind == LiveKitDataKind.Reliable)
        {
            throw new DoctorStepException(string.Create(CultureInfo.InvariantCulture,
                $"{summary}; {lost} reliable ping(s) got no answer within {_options.PingTimeout.TotalSeconds:0.###} s"));
        }

        return lost > 0 ? $"{summary}; {lost} lost (lossy packets are sent once)" : summary;
    }

    private async Task<bool> StepAsync(string name, Func<Task<string>> action)
    {
        long startNs = _options.Clock.NowNs();
        string? failure;
        string detail = string.Empty;
        try
        {
            detail = await action().ConfigureAwait(false);
            failure = null;
        }
        catch (LiveKitException e)
        {
            failure = e.Outcome.ToString();
        }
        catch (OperationCanceledException)
        {
            failure = "cancelled";
        }
        catch (Exception e) when (e is DoctorStepException or TwirpException or HttpRequestException or IOException or TimeoutException
            or WebSocketException or InvalidOperationException)
        {
            failure = e.Message;
        }

        double ms = (_options.Clock.NowNs() - startNs) / 1e6;
        _allOk &= failure is null;
        _report.Step(new LiveKitDoctorStep(name, failure is null, ms, failure ?? detail));
        return failure is null;
    }

    private static string Shown(string value) => string.IsNullOrEmpty(value) ? "-" : value;

    private static string Ms(double? ms) => ms is { } v ? string.Create(CultureInfo.InvariantCulture, $"{v:0} ms") : "-";

    private sealed class DoctorStepException(string message) : Exception(message);
}
