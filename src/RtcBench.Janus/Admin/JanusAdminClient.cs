using System.Buffers;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using RtcBench.Janus.Api;
using RtcBench.Janus.Client;

namespace RtcBench.Janus.Admin;

/// <summary>
/// The parts of Janus's Admin API (HTTP, e.g. <c>http://host:7088/admin</c>, janus.transport.http.jcfg
/// <c>admin_http</c>) that show what is left on a server: its sessions and each session's handles. Used to check
/// that nothing leaked after a run. The admin secret goes into each request body only; it is never logged.
/// </summary>
public sealed class JanusAdminClient : IDisposable
{
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10), MaxResponseContentBufferSize = JanusMessageReader.MaxMessageBytes };
    private readonly string _base;
    private readonly string _adminSecret;

    public JanusAdminClient(Uri adminUrl, string adminSecret)
    {
        ArgumentNullException.ThrowIfNull(adminUrl);
        ArgumentException.ThrowIfNullOrEmpty(adminSecret);
        if (adminUrl.Scheme is not ("http" or "https"))
        {
            throw new ArgumentException("The Janus Admin API URL must be http(s)://host:port/admin.", nameof(adminUrl));
        }

        _base = adminUrl.GetLeftPart(UriPartial.Path).TrimEnd('/');
        _adminSecret = adminSecret;
    }

    /// <summary>The ids of every session Janus has.</summary>
    public async Task<IReadOnlyList<long>> ListSessionsAsync(CancellationToken ct = default)
    {
        var reply = await SendAsync(_base, "list_sessions", ct).ConfigureAwait(false);
        return Ids(reply.Root, "sessions");
    }

    /// <summary>The ids of the handles of session <paramref name="sessionId"/> (458 when there is no such session).</summary>
    public async Task<IReadOnlyList<long>> ListHandlesAsync(long sessionId, CancellationToken ct = default)
    {
        var reply = await SendAsync($"{_base}/{sessionId.ToString(CultureInfo.InvariantCulture)}", "list_handles", ct).ConfigureAwait(false);
        return Ids(reply.Root, "handles");
    }

    public void Dispose() => _http.Dispose();

    private async Task<JanusMessage> SendAsync(string url, string verb, CancellationToken ct)
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("janus", verb);
            writer.WriteString("transaction", JanusClient.NewTransaction());
            writer.WriteString("admin_secret", _adminSecret);
            writer.WriteEndObject();
        }

        using var content = new ByteArrayContent(buffer.WrittenSpan.ToArray());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        HttpResponseMessage response;
        try
        {
            response = await _http.PostAsync(url, content, ct).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            throw new JanusTransportException($"Janus Admin API not reached for '{verb}': {ex.Message}", ex);
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new JanusTimeoutException($"Janus Admin API did not answer '{verb}' within {_http.Timeout.TotalSeconds:0} s.");
        }

        using (response)
        {
            byte[] body = await response.Content.ReadAsByteArrayAsync(ct).ConfigureAwait(false);
            if (!JanusMessageReader.TryRead(body, out var message))
            {
                throw new JanusTransportException($"Janus Admin API answered '{verb}' with HTTP {(int)response.StatusCode} and no Janus message.", null, (int)response.StatusCode);
            }

            if (message!.Kind == JanusMessageKind.Error)
            {
                throw new JanusApiException(verb, message.Error ?? new JanusError(0, "(no error object)"));
            }

            return message;
        }
    }

    private static long[] Ids(JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out var list) || list.ValueKind != JsonValueKind.Array)
        {
            throw new JanusProtocolException($"The Janus Admin API reply has no '{name}' list.");
        }

        var ids = new List<long>();
        foreach (var item in list.EnumerateArray())
        {
            if (item.ValueKind == JsonValueKind.Number && item.TryGetInt64(out long id))
            {
                ids.Add(id);
            }
        }

        return [.. ids];
    }
}
