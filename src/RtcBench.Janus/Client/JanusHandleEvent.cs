using System.Text.Json;
using RtcBench.Janus.Api;

namespace RtcBench.Janus.Client;

/// <summary>
/// Something Janus reported about a handle: a plugin <see cref="JanusMessageKind.Event"/> that answers no pending
/// request (with <see cref="PluginData"/> and maybe a <see cref="Jsep"/>), <see cref="JanusMessageKind.WebRtcUp"/>,
/// <see cref="JanusMessageKind.Media"/>, <see cref="JanusMessageKind.SlowLink"/>, <see cref="JanusMessageKind.Hangup"/>,
/// <see cref="JanusMessageKind.Detached"/> or <see cref="JanusMessageKind.Trickle"/>. The whole message is in <see cref="Message"/>.
/// </summary>
public sealed record JanusHandleEvent(JanusMessageKind Kind, JanusMessage Message)
{
    /// <summary><c>plugindata.data</c> of a plugin event.</summary>
    public JsonElement? PluginData => Message.PluginData;

    public JanusJsep? Jsep => Message.Jsep;

    /// <summary>Why a hangup happened (e.g. "DTLS alert", "Close PC", "ICE failed").</summary>
    public string? Reason => Message.Reason;

    /// <summary>Slowlink: loss on what Janus receives from us (true) or sends to us (false).</summary>
    public bool? Uplink => Message.Uplink;

    /// <summary>Slowlink: packets lost per second.</summary>
    public int? Lost => Message.Lost;

    /// <summary>Media / slowlink: which medium (audio, video, data).</summary>
    public string? Media => Message.Media;

    /// <summary>Media: whether Janus is receiving it now.</summary>
    public bool? Receiving => Message.Receiving;

    public JanusCandidate? Candidate => Message.Candidate;

    public override string ToString() => Kind switch
    {
        JanusMessageKind.Hangup => $"hangup ({Reason})",
        JanusMessageKind.SlowLink => $"slowlink ({Media}, uplink {Uplink}, lost {Lost})",
        JanusMessageKind.Media => $"media ({Media}, receiving {Receiving})",
        _ => Message.KindText,
    };
}
