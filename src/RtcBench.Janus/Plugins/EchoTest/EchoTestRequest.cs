using System.Text.Json;

namespace RtcBench.Janus.Plugins.EchoTest;

/// <summary>
/// The EchoTest plugin's only request (PROTOCOLS.md §2 B3): settings, sent with our offer. Janus answers
/// asynchronously: <c>{"echotest":"event","result":"ok"}</c> with its JSEP answer. For a data-only session give
/// <c>Audio = false, Video = false</c>. Janus then echoes every data-channel message on the channel it came on:
/// binary unchanged, text prefixed with <see cref="TextPrefix"/>.
/// </summary>
public sealed class EchoTestRequest : IJanusPluginRequest
{
    /// <summary>What Janus 1.1.2 puts before echoed text messages (janus_echotest.c).</summary>
    public const string TextPrefix = "Janus EchoTest here! You wrote: ";

    public bool? Audio { get; init; }

    public bool? Video { get; init; }

    public long? Bitrate { get; init; }

    /// <summary>A data-only echo: no audio, no video.</summary>
    public static EchoTestRequest DataOnly { get; } = new() { Audio = false, Video = false };

    public string Request => "echotest";

    public void WriteBody(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        JsonWriting.Optional(writer, "audio", Audio);
        JsonWriting.Optional(writer, "video", Video);
        JsonWriting.Optional(writer, "bitrate", Bitrate);
    }
}
