using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using RtcBench.Rtc.Turn;

namespace RtcBench.Rtc.Tests.Turn;

/// <summary>
/// The thin I/O shell a test needs around <see cref="TurnClient"/>: one UDP socket on 127.0.0.1, the monotonic clock,
/// and a loop that sends the client's transmits, feeds it datagrams and wakes it at its deadline until an awaited
/// event arrives.
/// </summary>
internal sealed class TurnLoopbackDriver : IDisposable
{
    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    private readonly byte[] _buffer = new byte[65_536];
    private readonly List<TurnEvent> _unclaimed = [];
    private Task<SocketReceiveFromResult>? _receive;

    public TurnLoopbackDriver(IPEndPoint server, string username, string password)
    {
        _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        Client = new TurnClient(server, new TurnCredentials(username, password));
    }

    public TurnClient Client { get; private set; }

    public IPEndPoint LocalEndpoint => (IPEndPoint)_socket.LocalEndPoint!;

    /// <summary>Datagrams sent as ChannelData (first byte 0x40..0x4F).</summary>
    public int ChannelDataSent { get; private set; }

    /// <summary>Datagrams sent as STUN Send indications.</summary>
    public int SendIndicationsSent { get; private set; }

    public static long NowNs() => (long)(Stopwatch.GetTimestamp() * (1e9 / Stopwatch.Frequency));

    /// <summary>Replaces the client (same socket, same 5-tuple).</summary>
    public void Replace(TurnClient client) => Client = client;

    /// <summary>Pumps until an event matching <paramref name="match"/> arrives; other events are kept for later.</summary>
    public async Task<TurnEvent> WaitForAsync(Func<TurnEvent, bool> match, TimeSpan timeout)
    {
        var stopwatch = Stopwatch.StartNew();
        while (true)
        {
            Flush();
            while (Client.TryPollEvent(out var e))
            {
                _unclaimed.Add(e);
            }

            int index = _unclaimed.FindIndex(e => match(e));
            if (index >= 0)
            {
                var found = _unclaimed[index];
                _unclaimed.RemoveAt(index);
                return found;
            }

            var left = timeout - stopwatch.Elapsed;
            if (left <= TimeSpan.Zero)
            {
                throw new TimeoutException(
                    $"No matching TURN event within {timeout}; state {Client.State}, error {Client.Error}, seen: "
                    + string.Join(", ", _unclaimed.Select(e => e.Kind)));
            }

            long untilDeadlineNs = Client.NextTimeoutNs == RtcTime.Never
                ? long.MaxValue
                : Math.Max(0, Client.NextTimeoutNs - NowNs());
            var wait = untilDeadlineNs >= left.Ticks * 100 ? left : RtcTime.ToTimeSpan(untilDeadlineNs);
            _receive ??= _socket.ReceiveFromAsync(_buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0));
            var delay = Task.Delay(wait);
            if (await Task.WhenAny(_receive, delay) == _receive)
            {
                var received = await _receive;
                _receive = null;
                Client.HandleDatagram(NowNs(), _buffer.AsSpan(0, received.ReceivedBytes));
            }
            else
            {
                Client.HandleTimeout(NowNs());
            }
        }
    }

    /// <summary>Sends what the client queued.</summary>
    public void Flush()
    {
        while (Client.TryPollTransmit(out var transmit))
        {
            if (TurnChannelData.LooksLikeChannelData(transmit.Payload))
            {
                ChannelDataSent++;
            }
            else if (transmit.Payload.Length > 1 && transmit.Payload[0] == 0x00 && transmit.Payload[1] == 0x16)
            {
                SendIndicationsSent++;
            }

            _socket.SendTo(transmit.Payload, transmit.Destination);
        }
    }

    public void Dispose() => _socket.Dispose();
}
