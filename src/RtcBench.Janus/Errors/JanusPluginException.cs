namespace RtcBench.Janus;

/// <summary>
/// A plugin answered a request with an error (<c>plugindata.data</c> with <c>error_code</c> and <c>error</c>), e.g.
/// the VideoRoom's 433 "Unauthorized (wrong admin_key)" or the TextRoom's 417 "No such room". Codes are the plugin's
/// own (janus_videoroom.c / janus_textroom.c / janus_echotest.c define them).
/// </summary>
public sealed class JanusPluginException : JanusException
{
    public JanusPluginException(string plugin, string request, int errorCode, string error)
        : base($"{plugin} refused '{request}': {errorCode} {error}")
    {
        Plugin = plugin;
        Request = request;
        ErrorCode = errorCode;
        Error = error;
    }

    public string Plugin { get; }

    public string Request { get; }

    public int ErrorCode { get; }

    public string Error { get; }
}
