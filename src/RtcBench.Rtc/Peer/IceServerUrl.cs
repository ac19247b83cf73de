using System.Globalization;

namespace RtcBench.Rtc.Peer;

/// <summary>
/// One ICE server URL (RFC 7064 <c>stun:</c>/<c>stuns:</c>, RFC 7065 <c>turn:</c>/<c>turns:</c>):
/// <c>scheme:host[:port][?transport=udp|tcp]</c>. Default ports 3478, 5349 for the TLS schemes; TURN defaults to UDP
/// (<c>turns:</c> to TCP).
/// </summary>
public sealed record IceServerUrl(string Scheme, string Host, int Port, string Transport)
{
    /// <summary>A TURN server we can allocate on: <c>turn:</c> over UDP.</summary>
    public bool IsUdpTurn => Scheme == "turn" && Transport == "udp";

    public static bool TryParse(string url, out IceServerUrl? parsed)
    {
        parsed = null;
        if (string.IsNullOrWhiteSpace(url))
        {
            return false;
        }

        int colon = url.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0)
        {
            return false;
        }

        string scheme = url[..colon].ToLowerInvariant();
        if (scheme is not ("stun" or "stuns" or "turn" or "turns"))
        {
            return false;
        }

        string rest = url[(colon + 1)..];
        string transport = scheme is "turns" or "stuns" ? "tcp" : "udp";
        int query = rest.IndexOf('?', StringComparison.Ordinal);
        if (query >= 0)
        {
            string q = rest[(query + 1)..];
            rest = rest[..query];
            if (!q.StartsWith("transport=", StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }

            transport = q["transport=".Length..].ToLowerInvariant();
            if (transport is not ("udp" or "tcp"))
            {
                return false;
            }
        }

        string host = rest;
        int port = scheme is "turns" or "stuns" ? 5349 : 3478;
        if (rest.StartsWith('['))
        {
            int close = rest.IndexOf(']', StringComparison.Ordinal);
            if (close < 0)
            {
                return false;
            }

            host = rest[1..close];
            string after = rest[(close + 1)..];
            if (after.Length > 0 && (!after.StartsWith(':') || !TryPort(after[1..], out port)))
            {
                return false;
            }
        }
        else
        {
            int portColon = rest.LastIndexOf(':');
            if (portColon >= 0)
            {
                host = rest[..portColon];
                if (!TryPort(rest[(portColon + 1)..], out port))
                {
                    return false;
                }
            }
        }

        if (host.Length == 0 || host.Contains('/', StringComparison.Ordinal) || host.Contains('@', StringComparison.Ordinal))
        {
            return false;
        }

        parsed = new IceServerUrl(scheme, host, port, transport);
        return true;
    }

    public override string ToString() =>
        $"{Scheme}:{(Host.Contains(':', StringComparison.Ordinal) ? "[" + Host + "]" : Host)}:{Port}?transport={Transport}";

    private static bool TryPort(string text, out int port) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out port) && port is > 0 and <= 65535;
}
