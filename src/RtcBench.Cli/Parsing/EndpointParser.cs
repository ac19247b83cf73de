using System.Globalization;
using System.Net;

namespace RtcBench.Cli.Parsing;

/// <summary>Parses <c>HOST:PORT</c> listen addresses: <c>127.0.0.1:8080</c>, <c>[::1]:8080</c>, <c>0.0.0.0:0</c>, <c>localhost:8080</c>.</summary>
public static class EndpointParser
{
    public static bool TryParse(string? text, out IPEndPoint endpoint, out string error)
    {
        endpoint = new IPEndPoint(IPAddress.Loopback, 0);
        error = "";
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "an address is required, e.g. 127.0.0.1:8080";
            return false;
        }
        string value = text.Trim();
        if (value.StartsWith("localhost:", StringComparison.OrdinalIgnoreCase))
        {
            value = "127.0.0.1:" + value["localhost:".Length..];
        }
        if (value.Count(c => c == ':') > 1 && !value.StartsWith('['))
        {
            error = $"'{text}' looks like an IPv6 address; write it in brackets with a port, e.g. [::1]:8080";
            return false;
        }
        if (IPEndPoint.TryParse(value, out var parsed) && HasPort(value))
        {
            endpoint = parsed;
            return true;
        }
        if (!value.Contains(':', StringComparison.Ordinal) && int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int portOnly) && portOnly <= 65535)
        {
            error = $"'{text}' has no host; write 127.0.0.1:{portOnly} (loopback) or 0.0.0.0:{portOnly} (all interfaces)";
            return false;
        }
        error = $"'{text}' is not HOST:PORT with an IP address, e.g. 127.0.0.1:8080 or [::1]:8080";
        return false;
    }

    private static bool HasPort(string value)
    {
        int colon = value.LastIndexOf(':');
        int bracket = value.LastIndexOf(']');
        return colon > bracket && colon < value.Length - 1;
    }
}
