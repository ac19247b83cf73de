namespace RtcBench.Janus.Api;

/// <summary>
/// The Janus core's API error codes (janus-gateway <c>src/apierror.h</c>), carried in
/// <c>{"janus":"error","error":{"code":N,"reason":"…"}}</c>. Plugins have codes of their own (see
/// <see cref="JanusPluginException"/>). A code Janus adds later keeps its number in
/// <see cref="JanusApiException.RawCode"/> and reads as <see cref="Unknown"/> here only when it is 490.
/// </summary>
public enum JanusErrorCode
{
    /// <summary>Missing or wrong <c>apisecret</c> / <c>token</c>.</summary>
    Unauthorized = 403,

    /// <summary>The token does not grant access to this plugin.</summary>
    UnauthorizedPlugin = 405,
    TransportSpecific = 450,
    MissingRequest = 452,
    UnknownRequest = 453,
    InvalidJson = 454,
    InvalidJsonObject = 455,
    MissingMandatoryElement = 456,
    InvalidRequestPath = 457,

    /// <summary>The session is gone (destroyed, timed out, or Janus restarted).</summary>
    SessionNotFound = 458,
    HandleNotFound = 459,

    /// <summary>The plugin is not loaded (not installed, or disabled in janus.jcfg).</summary>
    PluginNotFound = 460,
    PluginAttach = 461,
    PluginMessage = 462,
    PluginDetach = 463,
    JsepUnknownType = 464,
    JsepInvalidSdp = 465,
    TrickleInvalidStream = 466,
    InvalidElementType = 467,
    SessionConflict = 468,
    UnexpectedAnswer = 469,
    TokenNotFound = 470,
    WebRtcState = 471,
    NotAcceptingSessions = 472,
    Unknown = 490,
}
