using System.Net;
using RtcBench.LiveKit.Protocol;
using RtcBench.Rtc.Tests.Turn;

namespace RtcBench.LiveKit.Tests.Relay;

/// <summary>The stand-in's JoinResponse.ice_servers pointing at the test's coturn, and where its relays live.</summary>
internal static class RelayHelpers
{
    /// <summary>A wrong TURN credential distinctive enough to search for in every recorded string.</summary>
    public const string WrongCredential = "wrong-turn-credential-5f1c9a";

    /// <summary>coturn as LiveKit would announce its embedded TURN: <c>turn:IP:port?transport=udp</c> with username and credential.</summary>
    public static ICEServer Turn(CoturnServer coturn, string credential = CoturnServer.Password) => new()
    {
        Urls = { $"turn:127.0.0.1:{coturn.Endpoint.Port}?transport=udp" },
        Username = CoturnServer.Username,
        Credential = credential,
    };

    /// <summary>True when <paramref name="local"/> is one of coturn's relayed addresses (127.0.0.1, its relay port range).</summary>
    public static bool IsCoturnRelay(CoturnServer coturn, IPEndPoint local) =>
        local.Address.Equals(IPAddress.Loopback) && local.Port >= coturn.MinRelayPort && local.Port <= coturn.MaxRelayPort;
}
