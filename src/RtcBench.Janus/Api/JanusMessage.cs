using System.Text.Json;

namespace RtcBench.Janus.Api;

/// <summary>
/// One message from Janus, read by <see cref="JanusMessageReader"/>: the fields this client acts on, typed, and the
/// whole object (<see cref="Root"/>) for anything else. <see cref="PluginData"/> is <c>plugindata.data</c>. Elements
/// are detached copies, valid for the life of the message.
/// </summary>
public sealed record JanusMessage
{
    public required JanusMessageKind Kind { get; init; }

    /// <summary>The <c>"janus"</c> value as sent (e.g. for <see cref="JanusMessageKind.Other"/>).</summary>
    public required string KindText { get; init; }

    public string? Transaction { get; init; }

    public long? SessionId { get; init; }

    /// <summary>The handle a handle event or plugin reply comes from (<c>sender</c>).</summary>
    public long? Sender { get; init; }

    /// <summary><c>data.id</c>: the new session's or handle's id in a create/attach success.</summary>
    public long? DataId { get; init; }

    public JanusError? Error { get; init; }

    /// <summary><c>plugindata.plugin</c>, e.g. <c>janus.plugin.echotest</c>.</summary>
    public string? Plugin { get; init; }

    /// <summary><c>plugindata.data</c> (an object), when present.</summary>
    public JsonElement? PluginData { get; init; }

    public JanusJsep? Jsep { get; init; }

    /// <summary><c>reason</c> of a hangup (e.g. "DTLS alert", "Close PC").</summary>
    public string? Reason { get; init; }

    /// <summary>Medium of a media or slowlink event (<c>type</c> in Janus 1.x, <c>media</c> in older releases).</summary>
    public string? Media { get; init; }

    /// <summary><c>mid</c> of a media or slowlink event (Janus 1.x).</summary>
    public string? Mid { get; init; }

    /// <summary><c>receiving</c> of a media event.</summary>
    public bool? Receiving { get; init; }

    /// <summary><c>uplink</c> of a slowlink event: true when the loss is on what Janus receives from us.</summary>
    public bool? Uplink { get; init; }

    /// <summary><c>lost</c> of a slowlink event: packets lost in the last second.</summary>
    public int? Lost { get; init; }

    /// <summary>The candidate of a trickle event.</summary>
    public JanusCandidate? Candidate { get; init; }

    /// <summary>The whole message object.</summary>
    public required JsonElement Root { get; init; }

    /// <summary>Kind, transaction, ids and error: never the SDP, never a credential.</summary>
    public override string ToString()
    {
        string error = Error is { } e ? $" error {e.Code} {e.Reason}" : "";
        return $"janus {KindText} (transaction {Transaction ?? "-"}, session {SessionId?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-"}, sender {Sender?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-"}){error}";
    }
}
