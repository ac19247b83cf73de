using System.Buffers;
using System.Text.Json;

namespace RtcBench.Janus.Api;

/// <summary>
/// Writes <see cref="JanusRequest"/>s as Janus API JSON (PROTOCOLS.md §2 B2). <c>apisecret</c> and <c>token</c> are
/// added when configured; on WebSocket (<paramref name="idsInBody"/>) the session and handle ids are members, on HTTP
/// they are in the URL path instead.
/// </summary>
internal static class JanusRequestWriter
{
    public static byte[] Write(JanusRequest request, string? apiSecret, string? token, bool idsInBody)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("janus", request.Verb);
            writer.WriteString("transaction", request.Transaction);
            if (idsInBody && request.SessionId is long session)
            {
                writer.WriteNumber("session_id", session);
            }

            if (idsInBody && request.HandleId is long handle)
            {
                writer.WriteNumber("handle_id", handle);
            }

            if (request.Plugin is not null)
            {
                writer.WriteString("plugin", request.Plugin);
            }

            if (request.OpaqueId is not null)
            {
                writer.WriteString("opaque_id", request.OpaqueId);
            }

            if (apiSecret is not null)
            {
                writer.WriteString("apisecret", apiSecret);
            }

            if (token is not null)
            {
                writer.WriteString("token", token);
            }

            if (request.Body is not null)
            {
                writer.WriteStartObject("body");
                request.Body.WriteBody(writer);
                writer.WriteEndObject();
            }

            if (request.Jsep is not null)
            {
                writer.WriteStartObject("jsep");
                writer.WriteString("type", request.Jsep.Type);
                writer.WriteString("sdp", request.Jsep.Sdp);
                if (request.Jsep.Trickle is bool trickle)
                {
                    writer.WriteBoolean("trickle", trickle);
                }

                writer.WriteEndObject();
            }

            if (request.Candidate is not null)
            {
                writer.WritePropertyName("candidate");
                WriteCandidate(writer, request.Candidate);
            }

            if (request.Candidates is not null)
            {
                writer.WriteStartArray("candidates");
                foreach (var candidate in request.Candidates)
                {
                    WriteCandidate(writer, candidate);
                }

                writer.WriteEndArray();
            }

            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteCandidate(Utf8JsonWriter writer, JanusCandidate candidate)
    {
        writer.WriteStartObject();
        if (candidate.Completed)
        {
            writer.WriteBoolean("completed", true);
        }
        else
        {
            writer.WriteString("candidate", candidate.Candidate);
            if (candidate.SdpMid is not null)
            {
                writer.WriteString("sdpMid", candidate.SdpMid);
            }

            if (candidate.SdpMLineIndex is int index)
            {
                writer.WriteNumber("sdpMLineIndex", index);
            }
        }

        writer.WriteEndObject();
    }
}
