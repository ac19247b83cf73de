using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace RtcBench.LiveKit.Tests.StandIn;

/// <summary>A real Kestrel server on 127.0.0.1, port chosen by the OS, with whatever endpoints the test maps.</summary>
public sealed class StandInRoomServiceHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private StandInRoomServiceHost(WebApplication app, Uri url)
    {
        _app = app;
        Url = url;
    }

    /// <summary>The server's base URL, e.g. http://127.0.0.1:41234/.</summary>
    public Uri Url { get; }

    /// <summary>Starts a server whose endpoints <paramref name="map"/> sets up.</summary>
    public static async Task<StandInRoomServiceHost> StartAsync(Action<WebApplication> map)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(k => k.Listen(System.Net.IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        map(app);
        await app.StartAsync();
        string address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        return new StandInRoomServiceHost(app, new Uri(address.TrimEnd('/') + "/"));
    }

    /// <summary>Starts a server with the stand-in RoomService mapped.</summary>
    public static Task<StandInRoomServiceHost> StartAsync(StandInRoomService service) => StartAsync(service.Map);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
