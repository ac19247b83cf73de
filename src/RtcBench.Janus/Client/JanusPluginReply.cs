using System.Text.Json;
using RtcBench.Janus.Api;

namespace RtcBench.Janus.Client;

/// <summary>
/// What a plugin answered a message with: <c>plugindata.data</c> (synchronous <c>success</c>, or the <c>event</c>
/// after an <c>ack</c>) and the JSEP that came with it (an answer to our offer, or the plugin's own offer).
/// </summary>
public sealed record JanusPluginReply(string Plugin, JsonElement Data, JanusJsep? Jsep)
{
    public string? GetString(string name) => JanusMessageReader.StringOf(Data, name);

    public long? GetInt64(string name) => JanusMessageReader.Int64Of(Data, name);

    public bool? GetBoolean(string name) => JanusMessageReader.BoolOf(Data, name);

    /// <summary>
    /// The reply carried by <paramref name="message"/>; a plugin error (<c>error_code</c>) becomes a
    /// <see cref="JanusPluginException"/>, a message without <c>plugindata.data</c> a <see cref="JanusProtocolException"/>.
    /// </summary>
    public static JanusPluginReply From(JanusMessage message, string plugin, string request)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.PluginData is not { } data)
        {
            throw new JanusProtocolException($"{plugin} answered '{request}' with '{message.KindText}' and no plugindata.");
        }

        if (JanusMessageReader.Int64Of(data, "error_code") is long code)
        {
            string error = JanusMessageReader.StringOf(data, "error") ?? "(no error text)";
            throw new JanusPluginException(message.Plugin ?? plugin, request, code is > 0 and < int.MaxValue ? (int)code : 0, error);
        }

        return new JanusPluginReply(message.Plugin ?? plugin, data, message.Jsep);
    }

    public override string ToString() => $"{Plugin}: {Data.GetRawText().Length} chars{(Jsep is null ? "" : ", " + Jsep)}";
}
