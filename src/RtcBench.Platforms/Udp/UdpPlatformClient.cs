using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using RtcBench.Rtc.Net;

namespace RtcBench.Platforms.Udp;

/// <summary>
/// The runner side of the <c>udp</c> platform: a raw datagram echo to the agent, the network floor every other
/// platform is compared with. Credentials from /connect: <c>{"host": "...", "port": 40123, "token": "32 hex"}</c>.
/// </summary>
public sealed class UdpPlatformClient : IPlatformClient
{
    public string Name => "udp";

    public async Task<IReadOnlyList<IPingChannel>> JoinAsync(JsonElement credentials, PlatformJoinContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (credentials.ValueKind != JsonValueKind.Object)
        {
            throw new PlatformException("The agent's udp credentials are not an object.");
        }
        string host = ReadString(credentials, "host");
        string tokenHex = ReadString(credentials, "token");
        if (!credentials.TryGetProperty("port", out var portElement) || !portElement.TryGetInt32(out int port) || port is < 1 or > 65535)
        {
            throw new PlatformException("The agent's udp credentials have no valid 'port'.");
        }
        byte[] token;
        try
        {
            token = Convert.FromHexString(tokenHex);
        }
        catch (FormatException)
        {
            throw new PlatformException("The agent's udp token is not hex.");
        }
        if (token.Length != UdpFrame.TokenLength)
        {
            throw new PlatformException($"The agent's udp token must be {UdpFrame.TokenLength} bytes.");
        }
        if (!Guid.TryParseExact(context.RoomId, "N", out Guid room))
        {
            throw new PlatformException($"The room id '{context.RoomId}' is not 32 hex digits.");
        }
        IPAddress address;
        try
        {
            address = await HostRoute.ResolveAsync(host, cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException ex)
        {
            throw new PlatformException($"Cannot resolve the agent's udp host '{host}': {ex.Message}", ex);
        }
        var channel = UdpPingChannel.Open(new IPEndPoint(address, port), room, token, context.Clock);
        return [channel];
    }

    private static string ReadString(JsonElement credentials, string name)
    {
        if (!credentials.TryGetProperty(name, out var element) || element.ValueKind != JsonValueKind.String
            || string.IsNullOrWhiteSpace(element.GetString()))
        {
            throw new PlatformException($"The agent's udp credentials have no '{name}'.");
        }
        return element.GetString()!;
    }
}
