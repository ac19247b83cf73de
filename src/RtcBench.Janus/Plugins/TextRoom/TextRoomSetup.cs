using System.Text.Json;

namespace RtcBench.Janus.Plugins.TextRoom;

/// <summary>
/// <c>{"request":"setup"}</c> (PROTOCOLS.md §2 B4): Janus answers asynchronously with <c>{"textroom":"event","result":"ok"}</c>
/// and its own data-only offer; answer it with <see cref="TextRoomAck"/>. <c>restart</c> is the same with an ICE restart.
/// </summary>
public sealed class TextRoomSetup : IJanusPluginRequest
{
    /// <summary>Ask for an ICE-restart offer instead of the first one.</summary>
    public bool Restart { get; init; }

    public string Request => Restart ? "restart" : "setup";

    public void WriteBody(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteString("request", Request);
    }
}
