namespace RtcBench.Janus.Plugins;

/// <summary>Package names of the Janus plugins this client has request types for.</summary>
public static class JanusPlugins
{
    public const string EchoTest = "janus.plugin.echotest";
    public const string TextRoom = "janus.plugin.textroom";
    public const string VideoRoom = "janus.plugin.videoroom";
}
