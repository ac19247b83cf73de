namespace RtcBench.Rtc.Sdp;

/// <summary>
/// <c>o=&lt;username&gt; &lt;sess-id&gt; &lt;sess-version&gt; &lt;nettype&gt; &lt;addrtype&gt; &lt;address&gt;</c>
/// (RFC 8866 §5.2). JSEP (RFC 8829 §5.2.1) uses <c>-</c> as the user name, a random 62-bit id and version 2 upwards.
/// </summary>
public sealed record SdpOrigin(
    string Username,
    ulong SessionId,
    ulong SessionVersion,
    string NetType = "IN",
    string AddressType = "IP4",
    string Address = "127.0.0.1");
