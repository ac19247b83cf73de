using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;

namespace RtcBench.LiveKit.Tests.StandIn;

/// <summary>
/// One of the stand-in SFU's peer connections, living in werift (<see cref="WeriftMedia"/>): the subscriber
/// connection it offers or the publisher connection it answers. Events (state, channel open/closed, messages) arrive
/// on the media process's reader task, in the order werift raised them.
/// </summary>
internal sealed class WeriftPeer
{
    private readonly WeriftMedia _media;
    private readonly ConcurrentDictionary<string, bool> _open = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, TaskCompletionSource<bool>> _opened = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource<bool> _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _closing;

    internal WeriftPeer(WeriftMedia media, string id)
    {
        _media = media;
        Id = id;
    }

    public string Id { get; }

    /// <summary>werift's RTCPeerConnectionState, as last reported.</summary>
    public string State { get; private set; } = "new";

    /// <summary>A channel became open: one the server created (DCEP ACK received) or one the client opened.</summary>
    public Action<string>? ChannelOpened { get; set; }

    /// <summary>A message on the channel of that label (text messages as their UTF-8 bytes).</summary>
    public Action<string, byte[]>? MessageReceived { get; set; }

    /// <summary>True once connected; false if it failed or closed first.</summary>
    public Task<bool> WhenConnected => _connected.Task;

    /// <summary>Completes when the connection is failed or closed (by either side, or with the process).</summary>
    public Task WhenEnded => _ended.Task;

    public bool IsOpen(string label) => _open.TryGetValue(label, out bool open) && open;

    /// <summary>True once the channel <paramref name="label"/> has opened; false if the connection ended first.</summary>
    public Task<bool> WhenOpen(string label) => Opened(label).Task;

    private TaskCompletionSource<bool> Opened(string label) =>
        _opened.GetOrAdd(label, _ => new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously));

    /// <summary>Creates the channels, then the offer (gathering complete).</summary>
    public async Task<WeriftDescription> OfferAsync(IReadOnlyList<WeriftChannelSpec> channels) =>
        Description(await _media.CallAsync("offer", Id, json =>
        {
            json.WriteStartArray("channels");
            foreach (var channel in channels)
            {
                json.WriteStartObject();
                json.WriteString("label", channel.Label);
                json.WriteBoolean("ordered", channel.Ordered);
                if (channel.MaxRetransmits is { } n)
                {
                    json.WriteNumber("maxRetransmits", n);
                }

                json.WriteEndObject();
            }

            json.WriteEndArray();
        }));

    /// <summary>Applies the remote offer and answers it (gathering complete).</summary>
    public async Task<WeriftDescription> AnswerAsync(string offerSdp) =>
        Description(await _media.CallAsync("answer", Id, json => json.WriteString("sdp", offerSdp)));

    public Task SetRemoteAnswerAsync(string answerSdp) => _media.CallAsync("remote-answer", Id, json => json.WriteString("sdp", answerSdp));

    /// <summary>A new offer on this connection: with an audio sender added and/or an ICE restart.</summary>
    public async Task<string> ReofferAsync(bool addAudio, bool iceRestart)
    {
        var reply = await _media.CallAsync("reoffer", Id, json =>
        {
            json.WriteBoolean("audio", addAudio);
            json.WriteBoolean("iceRestart", iceRestart);
        });
        return reply.GetProperty("sdp").GetString()!;
    }

    /// <summary>A trickled candidate, as the client's RTCIceCandidateInit JSON (werift checks mid and ufrag itself).</summary>
    public Task AddCandidateAsync(JsonElement candidateInit) => _media.CallAsync("candidate", Id, json =>
    {
        json.WritePropertyName("init");
        candidateInit.WriteTo(json);
    });

    /// <summary>Queues <paramref name="bytes"/> on the open channel <paramref name="label"/> (binary); false if it is not open.</summary>
    public bool Send(string label, ReadOnlySpan<byte> bytes)
    {
        if (!IsOpen(label))
        {
            return false;
        }

        byte[] copy = bytes.ToArray();
        return _media.Post("send", Id, json =>
        {
            json.WriteString("label", label);
            json.WriteBase64String("b64", copy);
        });
    }

    /// <summary>werift's nominated pair: its own address and the remote one it talks to (nulls before nomination).</summary>
    public async Task<(IPEndPoint? Local, IPEndPoint? Remote)> SelectedPairAsync()
    {
        var reply = await _media.CallAsync("pair", Id);
        return (Endpoint(reply.GetProperty("local")), Endpoint(reply.GetProperty("remote")));

        static IPEndPoint? Endpoint(JsonElement value) =>
            value.ValueKind == JsonValueKind.String && IPEndPoint.TryParse(value.GetString()!, out var endpoint) ? endpoint : null;
    }

    /// <summary>Closes the connection in werift (what werift sends on close is werift's own behaviour). Idempotent.</summary>
    public async Task CloseAsync()
    {
        if (Interlocked.Exchange(ref _closing, 1) == 1)
        {
            await _ended.Task;
            return;
        }

        try
        {
            await _media.CallAsync("close", Id);
        }
        catch (NodeCommandException)
        {
            // The process is gone: so is the connection.
        }

        _media.Forget(Id);
        Ended();
    }

    internal void OnEvent(string ev, JsonElement message)
    {
        switch (ev)
        {
            case "state":
                State = message.GetProperty("state").GetString() ?? "";
                if (State == "connected")
                {
                    _connected.TrySetResult(true);
                }
                else if (State is "failed" or "closed")
                {
                    Ended();
                }

                break;
            case "open":
                string opened = message.GetProperty("label").GetString()!;
                _open[opened] = true;
                ChannelOpened?.Invoke(opened);
                Opened(opened).TrySetResult(true);
                break;
            case "closed":
                _open[message.GetProperty("label").GetString()!] = false;
                break;
            case "msg":
                MessageReceived?.Invoke(message.GetProperty("label").GetString()!, message.GetProperty("b64").GetBytesFromBase64());
                break;
            default:
                break;
        }
    }

    internal void OnProcessExited()
    {
        State = "closed";
        Ended();
    }

    private void Ended()
    {
        foreach (string label in _open.Keys)
        {
            _open[label] = false;
        }

        foreach (var opened in _opened.Values)
        {
            opened.TrySetResult(false);
        }

        _connected.TrySetResult(false);
        _ended.TrySetResult();
    }

    private static WeriftDescription Description(JsonElement reply) =>
        new(reply.GetProperty("sdp").GetString()!, [.. reply.GetProperty("candidates").EnumerateArray().Select(c => c.GetString()!)]);
}
