using System.Collections.Concurrent;
using System.Text.Json;
using RtcBench.LiveKit.Tests.Auth;
using RtcBench.LiveKit.Tests.StandIn;

namespace RtcBench.LiveKit.Tests.RustSdk;

/// <summary>
/// A participant on LiveKit's Rust SDK for Node (<c>@livekit/rtc-node</c>: libwebrtc and LiveKit's Rust signalling
/// client behind its native FFI binary), running node/rtc-node-peer.mjs inside a test network namespace
/// (<c>ip netns exec</c>): libwebrtc skips loopback interfaces, so it gathers the namespace's veth address and talks to
/// the stand-in on the root side of the veth, and nothing else. Everything the SDK logs is kept in <see cref="Log"/>.
/// </summary>
internal sealed class RtcNodePeer : IAsyncDisposable
{
    private readonly ConcurrentQueue<string> _log = new();
    private readonly ConcurrentQueue<string> _events = new();
    private readonly ConcurrentQueue<string> _warnings = new();
    private JsonLineProcess _process = null!;

    private RtcNodePeer()
    {
    }

    /// <summary>What the SDK logged on stdout (pino JSON lines: level 40 warn, 50 error), oldest first.</summary>
    public IReadOnlyList<string> Log => [.. _log];

    /// <summary>Events the script reported (disconnected, errors outside a command).</summary>
    public IReadOnlyList<string> Events => [.. _events];

    /// <summary>The Rust SDK's own warnings and errors ("warn target: message"), oldest first.</summary>
    public IReadOnlyList<string> SdkWarnings => [.. _warnings];

    public static RtcNodePeer Start(string netnsName)
    {
        var peer = new RtcNodePeer();
        peer._process = JsonLineProcess.Start(
            "ip", ["netns", "exec", netnsName, "node", Path.Combine(NodeScripts.Directory, "rtc-node-peer.mjs")], NodeScripts.Directory,
            onEvent: peer.OnEvent, linePrefix: "@rtcbench ", onOtherLine: peer._log.Enqueue);
        return peer;
    }

    private void OnEvent(JsonElement message)
    {
        if (message.GetProperty("ev").GetString() == "log")
        {
            _warnings.Enqueue($"{message.GetProperty("level").GetString()} {message.GetProperty("target").GetString()}: {message.GetProperty("message").GetString()}");
        }
        else
        {
            _events.Enqueue(message.GetRawText());
        }
    }

    /// <summary>Joins; returns the identity and sid the server gave and who else was in the room.</summary>
    public async Task<(string Identity, string Sid, IReadOnlyList<string> Others)> JoinAsync(Uri url, string token)
    {
        var reply = await Call("join", json =>
        {
            json.WriteString("url", url.AbsoluteUri);
            json.WriteString("token", token);
        });
        return (reply.GetProperty("identity").GetString()!, reply.GetProperty("sid").GetString()!,
            [.. reply.GetProperty("others").EnumerateArray().Select(o => o.GetString()!)]);
    }

    public Task WaitForParticipantAsync(string identity) => Call("wait-participant", json => json.WriteString("identity", identity));

    /// <summary>publishData of "<paramref name="prefix"/>-i", i = <paramref name="first"/>.. (<paramref name="count"/> of them), to <paramref name="to"/> only.</summary>
    public Task SendAsync(string to, bool reliable, string prefix, int first, int count) => Call("send", json =>
    {
        json.WriteString("to", to);
        json.WriteBoolean("reliable", reliable);
        json.WriteNumber("first", first);
        json.WriteNumber("count", count);
        json.WriteString("prefix", prefix);
    });

    /// <summary>Waits until <paramref name="count"/> packets of <paramref name="kind"/> ("reliable"/"lossy") are in, or the timeout; returns how many are.</summary>
    public async Task<int> WaitReceivedAsync(string kind, int count, TimeSpan timeout) =>
        (await Call("wait-received", json =>
        {
            json.WriteString("kind", kind);
            json.WriteNumber("count", count);
            json.WriteNumber("timeoutMs", (long)timeout.TotalMilliseconds);
        })).GetProperty("count").GetInt32();

    /// <summary>Every DataPacket the SDK delivered, in arrival order.</summary>
    public async Task<IReadOnlyList<RtcNodePacket>> ReceivedAsync() =>
        [.. (await Call("received")).GetProperty("packets").EnumerateArray().Select(p => new RtcNodePacket(
            p.GetProperty("from").GetString(), p.GetProperty("kind").GetString()!, p.GetProperty("topic").GetString(),
            Convert.FromBase64String(p.GetProperty("b64").GetString()!)))];

    public Task LeaveAsync() => Call("leave");

    private async Task<JsonElement> Call(string op, Action<Utf8JsonWriter>? fields = null)
    {
        try
        {
            return await _process.CallAsync(op, fields);
        }
        catch (NodeCommandException ex)
        {
            throw new NodeCommandException($"@livekit/rtc-node {ex.Message}; its last log lines: {string.Join(" | ", _log.TakeLast(10))}");
        }
    }

    public ValueTask DisposeAsync() => _process.DisposeAsync();
}
