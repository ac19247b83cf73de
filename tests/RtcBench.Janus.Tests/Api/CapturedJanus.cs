namespace RtcBench.Janus.Tests.Api;

/// <summary>
/// Janus 1.1.2 messages captured from the real server (Debian janus 1.1.2-1, HTTP and WebSocket transports, json
/// "compact"), ids as Janus sent them. The few this machine cannot provoke yet (webrtcup, media, slowlink, timeout,
/// trickle) are written exactly as janus-gateway v1.1.2 builds them (src/ice.c, src/janus.c), and say so.
/// </summary>
internal static class CapturedJanus
{
    public const string CreateSuccess = """{"janus":"success","transaction":"t1","data":{"id":6907966476009536}}""";

    public const string AttachSuccess = """{"janus":"success","session_id":6907966476009536,"transaction":"t2","data":{"id":1350353090318520}}""";

    public const string TextRoomListSuccess = """{"janus":"success","session_id":6907966476009536,"transaction":"t3","sender":1350353090318520,"plugindata":{"plugin":"janus.plugin.textroom","data":{"textroom":"success","list":[]}}}""";

    public const string Ack = """{"janus":"ack","session_id":6907966476009536,"transaction":"t4"}""";

    /// <summary>The long-poll reply (maxev) carrying the TextRoom's offer after <c>setup</c>.</summary>
    public const string TextRoomOfferBatch = """[{"janus":"event","session_id":6907966476009536,"transaction":"t4","sender":1350353090318520,"plugindata":{"plugin":"janus.plugin.textroom","data":{"textroom":"event","result":"ok"}},"jsep":{"type":"offer","sdp":"v=0\r\no=- 1796616860028774 1 IN IP4 127.0.0.1\r\ns=Janus TextRoom plugin\r\nt=0 0\r\na=group:BUNDLE 0\r\na=ice-options:trickle\r\na=fingerprint:sha-256 0E:82:A7:E4:36:49:B2:7F:7A:55:E7:28:E0:3F:C4:06:3E:0D:E9:F4:A7:1F:11:CE:BE:18:BB:2A:3C:8D:F0:67\r\na=extmap-allow-mixed\r\na=msid-semantic: WMS *\r\nm=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\nc=IN IP4 127.0.0.1\r\na=sendrecv\r\na=mid:0\r\na=sctp-port:5000\r\na=ice-ufrag:f3qd\r\na=ice-pwd:3nlRnkV+pc1iKRQIIKcvEU\r\na=ice-options:trickle\r\na=setup:actpass\r\na=candidate:1 1 udp 2015363327 10.98.1.1 20071 typ host\r\na=end-of-candidates\r\n"}}]""";

    public const string NoSuchPlugin = """{"janus":"error","session_id":6907966476009536,"transaction":"t5","error":{"code":460,"reason":"No such plugin 'janus.plugin.nope'"}}""";

    public const string NoSuchSession = """{"janus":"error","session_id":123,"transaction":"t6","error":{"code":458,"reason":"No such session 123"}}""";

    public const string UnhandledRequest = """{"janus":"error","transaction":"t8","error":{"code":457,"reason":"Unhandled request 'bogus' at this path"}}""";

    public const string InvalidJson = """{"janus":"error","error":{"code":454,"reason":"JSON error: on line 1: '[' or '{' expected near 'not'"}}""";

    public const string VideoRoomCreated = """{"janus":"success","session_id":6907966476009536,"transaction":"t9","sender":293823651892651,"plugindata":{"plugin":"janus.plugin.videoroom","data":{"videoroom":"created","room":777,"permanent":false}}}""";

    public const string VideoRoomWrongAdminKey = """{"janus":"success","session_id":6907966476009536,"transaction":"t10","sender":293823651892651,"plugindata":{"plugin":"janus.plugin.videoroom","data":{"videoroom":"event","error_code":433,"error":"Unauthorized (wrong admin_key)"}}}""";

    public const string VideoRoomJoinedBatch = """[{"janus":"event","session_id":6907966476009536,"transaction":"t13","sender":293823651892651,"plugindata":{"plugin":"janus.plugin.videoroom","data":{"videoroom":"joined","room":777,"description":"Room 777","id":5098868581023942,"private_id":2410384400,"publishers":[]}}}]""";

    public const string Detached = """[{"janus":"detached","session_id":6907966476009536,"sender":293823651892651}]""";

    public const string EchoTestDone = """{"janus":"event","session_id":787485535595012,"sender":7101950970653204,"plugindata":{"plugin":"janus.plugin.echotest","data":{"echotest":"event","result":"done"}}}""";

    public const string HangupDtlsAlert = """{"janus":"hangup","session_id":787485535595012,"sender":7101950970653204,"reason":"DTLS alert"}""";

    public const string ServerInfo = """{"janus":"server_info","transaction":"N8MvMtCTvhz","name":"Janus WebRTC Server","version":1102,"version_string":"1.1.2","author":"Meetecho s.r.l.","commit-hash":"not-a-git-repo","compile-time":"Thu Jan 19 08:09:02 UTC 2023","log-to-stdout":true,"log-to-file":false,"data_channels":true,"accepting-new-sessions":true,"session-timeout":60,"reclaim-session-timeout":0,"candidates-timeout":45,"server-name":"MyJanusInstance","local-ip":"127.0.0.1","ipv6":false,"ice-lite":false,"ice-tcp":false,"ice-nomination":"aggressive","ice-keepalive-conncheck":false,"full-trickle":false,"mdns-enabled":true,"min-nack-queue":200,"nack-optimizations":false,"twcc-period":200,"dtls-mtu":1200,"static-event-loops":0,"api_secret":false,"auth_token":false,"event_handlers":false,"opaqueid_in_api":false,"dependencies":{"glib2":"2.74.6","jansson":"2.14","libnice":"0.1.18","libsrtp":"libsrtp2 2.5.0","libcurl":"7.88.1","crypto":"OpenSSL 3.0.7 1 Nov 2022"},"transports":{"janus.transport.http":{"name":"JANUS REST (HTTP/HTTPS) transport plugin","author":"Meetecho s.r.l.","description":"This transport plugin adds REST (HTTP/HTTPS) support to the Janus API via libmicrohttpd.","version_string":"0.0.2","version":2},"janus.transport.websockets":{"name":"JANUS WebSockets transport plugin","author":"Meetecho s.r.l.","description":"This transport plugin adds WebSockets support to the Janus API via libwebsockets.","version_string":"0.0.1","version":1}},"events":{},"loggers":{},"plugins":{"janus.plugin.videoroom":{"name":"JANUS VideoRoom plugin","author":"Meetecho s.r.l.","description":"This is a plugin implementing a videoconferencing SFU (Selective Forwarding Unit) for Janus, that is an audio/video router.","version_string":"0.0.9","version":9},"janus.plugin.echotest":{"name":"JANUS EchoTest plugin","author":"Meetecho s.r.l.","description":"This is a trivial EchoTest plugin for Janus, just used to showcase the plugin interface.","version_string":"0.0.7","version":7},"janus.plugin.textroom":{"name":"JANUS TextRoom plugin","author":"Meetecho s.r.l.","description":"This is a plugin implementing a text-only room for Janus, using DataChannels.","version_string":"0.0.2","version":2}}}""";

    /// <summary>As janus-gateway v1.1.2 src/ice.c builds it (janus_ice_dtls_handshake_done).</summary>
    public const string WebRtcUp = """{"janus":"webrtcup","session_id":787485535595012,"sender":7101950970653204}""";

    /// <summary>As src/ice.c (janus_ice_notify_media) builds it: 1.x says <c>type</c> and <c>mid</c>.</summary>
    public const string Media = """{"janus":"media","session_id":787485535595012,"sender":7101950970653204,"mid":"0","type":"audio","receiving":false,"seconds":1}""";

    /// <summary>As src/ice.c (janus_ice_check_slowlink) builds it: <c>media</c>, not <c>type</c>.</summary>
    public const string SlowLink = """{"janus":"slowlink","session_id":787485535595012,"sender":7101950970653204,"mid":"0","media":"video","uplink":true,"lost":42}""";

    /// <summary>As src/janus.c (the session watchdog) builds it.</summary>
    public const string Timeout = """{"janus":"timeout","session_id":787485535595012}""";

    /// <summary>As src/ice.c builds a full-trickle candidate event, and the end marker.</summary>
    public const string TrickleBatch = """[{"janus":"trickle","session_id":1,"sender":2,"candidate":{"sdpMid":"0","sdpMLineIndex":0,"candidate":"candidate:1 1 udp 2015363327 10.99.1.1 40000 typ host"}},{"janus":"trickle","session_id":1,"sender":2,"candidate":{"completed":true}}]""";

    public const string KeepaliveBatch = """{"janus":"keepalive"}""";
}
