using System.Net.WebSockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using RtcBench.LiveKit.Auth;
using RtcBench.LiveKit.Tests.StandIn;

namespace RtcBench.LiveKit.Tests.Doctor;

/// <summary>
/// The stand-in LiveKit server behind a front that can misbehave at exact points of a doctor run. The stand-in serves
/// /rtc, /rtc/validate and the Twirp RoomService on one URL, as LiveKit does, but has no hook at "CreateRoom arrived"
/// or "DeleteRoom fails"; so the front maps its own stand-in RoomService over the stand-in's room store (the rooms the
/// participants join), with those hooks, and passes <c>/rtc</c> (WebSocket frames relayed) and <c>/rtc/validate</c>
/// through. Only signalling is relayed: WebRTC goes straight to the stand-in. A refused upgrade is answered with the
/// stand-in's status, as LiveKit answers it.
/// </summary>
internal sealed class DoctorStandIn : IAsyncDisposable
{
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private StandInRoomServiceHost _front = null!;

    private DoctorStandIn(StandInLiveKitServer signal)
    {
        Signal = signal;
        Credentials = signal.Options.Credentials;
        Service = new StandInRoomService(signal.Rooms, Credentials);
    }

    public StandInLiveKitServer Signal { get; }

    /// <summary>The stand-in's rooms: those created over the front's Twirp are the ones joined.</summary>
    public StandInRooms Rooms => Signal.Rooms;

    /// <summary>The front's RoomService (the Twirp calls the doctor made, in order).</summary>
    public StandInRoomService Service { get; }

    public LiveKitCredentials Credentials { get; }

    /// <summary>The LIVEKIT_URL to give the doctor: http://127.0.0.1:port/.</summary>
    public Uri Url => _front.Url;

    /// <summary>
    /// Runs once CreateRoom has been handled (the room exists), just before its answer goes out: the doctor cannot have
    /// moved on yet, so a fault switch flipped here is in place for everything after CreateRoom.
    /// </summary>
    public Action? OnCreateRoom { get; set; }

    /// <summary>Fault: DeleteRoom answers Twirp <c>unavailable</c> (HTTP 503) and deletes nothing.</summary>
    public bool FailDeleteRoom { get; set; }

    public static async Task<DoctorStandIn> StartAsync(StandInOptions? options = null)
    {
        var standIn = new DoctorStandIn(await StandInLiveKitServer.StartAsync(options));
        standIn._front = await StandInRoomServiceHost.StartAsync(app =>
        {
            app.UseWebSockets();
            app.Use(async (context, next) =>
            {
                if (context.Request.Path == StandInRoomService.PathPrefix + "CreateRoom" && standIn.OnCreateRoom is { } onCreateRoom)
                {
                    context.Response.OnStarting(() =>
                    {
                        onCreateRoom();
                        return Task.CompletedTask;
                    });
                }

                if (standIn.FailDeleteRoom && context.Request.Path == StandInRoomService.PathPrefix + "DeleteRoom")
                {
                    context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                    context.Response.ContentType = "application/json";
                    await context.Response.WriteAsync("""{"code":"unavailable","msg":"stand-in: DeleteRoom fails (fault switch)"}""");
                    return;
                }

                await next(context);
            });
            standIn.Service.Map(app);
            app.MapGet("/rtc/validate", standIn.ForwardValidateAsync);
            app.Map("/rtc", standIn.BridgeSignalAsync);
        });
        return standIn;
    }

    public async ValueTask DisposeAsync()
    {
        await _front.DisposeAsync();
        await Signal.DisposeAsync();
        _http.Dispose();
    }

    private Uri Behind(HttpContext context, string scheme) => new UriBuilder(Signal.Url)
    {
        Scheme = scheme,
        Path = context.Request.Path,
        Query = context.Request.QueryString.Value?.TrimStart('?') ?? string.Empty,
    }.Uri;

    private async Task ForwardValidateAsync(HttpContext context)
    {
        using var response = await _http.GetAsync(Behind(context, "http"), context.RequestAborted);
        context.Response.StatusCode = (int)response.StatusCode;
        await context.Response.WriteAsync(await response.Content.ReadAsStringAsync(context.RequestAborted), context.RequestAborted);
    }

    private async Task BridgeSignalAsync(HttpContext context)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        using var back = new ClientWebSocket();
        back.Options.CollectHttpResponseDetails = true;
        try
        {
            await back.ConnectAsync(Behind(context, "ws"), context.RequestAborted);
        }
        catch (WebSocketException)
        {
            context.Response.StatusCode = back.HttpStatusCode == 0 ? StatusCodes.Status502BadGateway : (int)back.HttpStatusCode;
            return;
        }

        using var front = await context.WebSockets.AcceptWebSocketAsync();
        await Task.WhenAll(PumpAsync(front, back), PumpAsync(back, front));
    }

    /// <summary>Copies frames from one socket to the other until a close (passed on) or a break (the other is aborted).</summary>
    private static async Task PumpAsync(WebSocket from, WebSocket to)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            while (true)
            {
                var received = await from.ReceiveAsync(buffer, CancellationToken.None);
                if (received.MessageType == WebSocketMessageType.Close)
                {
                    if (to.State is WebSocketState.Open or WebSocketState.CloseReceived)
                    {
                        await to.CloseOutputAsync(received.CloseStatus ?? WebSocketCloseStatus.NormalClosure, received.CloseStatusDescription, CancellationToken.None);
                    }

                    return;
                }

                await to.SendAsync(buffer.AsMemory(0, received.Count), received.MessageType, received.EndOfMessage, CancellationToken.None);
            }
        }
        catch (Exception e) when (e is WebSocketException or IOException or ObjectDisposedException)
        {
            to.Abort();
        }
    }
}
