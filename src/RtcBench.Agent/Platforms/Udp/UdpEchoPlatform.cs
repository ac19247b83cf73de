using RtcBench.Platforms.Udp;

namespace RtcBench.Agent.Platforms.Udp;

/// <summary>The <c>udp</c> platform: rooms are registered with the agent's <see cref="UdpEchoServer"/>.</summary>
internal sealed class UdpEchoPlatform(UdpEchoServer server) : IEchoPlatform
{
    public const string PlatformName = "udp";

    public string Name => PlatformName;

    public bool Enabled => true;

    public UdpEchoServer Server => server;

    public Task<object> CreateRoomAsync(RoomContext context, CancellationToken cancellationToken)
    {
        byte[] token = UdpFrame.NewToken();
        server.RegisterRoom(context.RoomId, token, context.ExpiresAtNs);
        return Task.FromResult<object>(new UdpRoomCredentials(context.AdvertisedHost, server.LocalEndpoint.Port, Convert.ToHexStringLower(token)));
    }

    public void CloseRoom(Guid roomId) => server.UnregisterRoom(roomId);

    public PlatformRoomActivity GetActivity(Guid roomId) => server.GetActivity(roomId);
}
