using System.Net.Sockets;
using System.Text;

namespace RtcBench.Agent.Tests.Support;

/// <summary>
/// HTTP/1.1 by hand over a TCP socket, for what HttpClient will not send: bodies that stop half-way, arrive slowly,
/// or are shorter than their Content-Length.
/// </summary>
internal sealed class RawHttpClient : IDisposable
{
    private readonly TcpClient _tcp = new();
    private NetworkStream _stream = null!;

    public static async Task<RawHttpClient> ConnectAsync(Uri baseUrl)
    {
        var client = new RawHttpClient();
        await client._tcp.ConnectAsync(baseUrl.Host, baseUrl.Port).WaitAsync(AgentHarness.Timeout);
        client._stream = client._tcp.GetStream();
        return client;
    }

    /// <summary>Sends the request line and headers (CRLF-terminated, with a blank line) and the first body bytes.</summary>
    public async Task SendHeadAsync(string method, string path, IEnumerable<string> headers, string bodyStart = "")
    {
        var text = new StringBuilder();
        text.Append(method).Append(' ').Append(path).Append(" HTTP/1.1\r\nHost: 127.0.0.1\r\n");
        foreach (var h in headers)
        {
            text.Append(h).Append("\r\n");
        }
        text.Append("\r\n").Append(bodyStart);
        await _stream.WriteAsync(Encoding.ASCII.GetBytes(text.ToString())).AsTask().WaitAsync(AgentHarness.Timeout);
    }

    /// <summary>Closes our sending half: the server sees the body end early.</summary>
    public void ShutdownSend() => _tcp.Client.Shutdown(SocketShutdown.Send);

    /// <summary>Aborts the connection (RST).</summary>
    public void Abort()
    {
        _tcp.Client.LingerState = new LingerOption(true, 0);
        _tcp.Close();
    }

    /// <summary>Reads the response head and its Content-Length body; returns the status code and the body text.</summary>
    public async Task<(int Status, string Body)> ReadResponseAsync()
    {
        var buffer = new byte[64 * 1024];
        int total = 0;
        while (true)
        {
            int n = await _stream.ReadAsync(buffer.AsMemory(total)).AsTask().WaitAsync(AgentHarness.Timeout);
            if (n == 0)
            {
                break;
            }
            total += n;
            string seen = Encoding.Latin1.GetString(buffer, 0, total);
            int end = seen.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            if (end < 0)
            {
                continue;
            }
            int length = 0;
            foreach (var line in seen[..end].Split("\r\n"))
            {
                if (line.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))
                {
                    length = int.Parse(line["Content-Length:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
                }
            }
            if (total - (end + 4) >= length)
            {
                break;
            }
        }
        string all = Encoding.UTF8.GetString(buffer, 0, total);
        Assert.StartsWith("HTTP/1.1 ", all, StringComparison.Ordinal);
        int status = int.Parse(all.AsSpan(9, 3), provider: System.Globalization.CultureInfo.InvariantCulture);
        int head = all.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        return (status, head < 0 ? "" : all[(head + 4)..]);
    }

    public void Dispose() => _tcp.Dispose();
}
