using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using RtcBench.Core.Results;
using RtcBench.Core.Timing;

namespace RtcBench.Platforms.Udp;

/// <summary>
/// The runner's UDP channel to the echo agent: a connected UDP socket, a receive thread that takes the receive
/// timestamp the moment the socket read returns, and an allocation-free send path that prefixes the
/// <see cref="UdpFrame"/> header. Datagrams that are not framed pongs for our room are counted and dropped.
/// On Linux the ping driver's thread can take receiving over between its sends (<see cref="IWaitingReceiver"/>:
/// it waits in <c>ppoll</c> for a pong or its next send time, as a one-thread echo client blocks in <c>recv</c>), so a
/// pong does not have to wake a second thread; the receive thread then stands by. Whichever thread reads a datagram
/// timestamps it right after the read returns and delivers it under one lock: each datagram is delivered once.
/// </summary>
public sealed partial class UdpPingChannel : IPingChannel, IWaitingReceiver
{
    private const short PollIn = 0x001;
    private const short PollNval = 0x020;
    private const int Closed = -1;
    private const int MsgDontWait = 0x40;
    private const int MsgTrunc = 0x20;
    private const int EAgain = 11;
    private const int EIntr = 4;

    private readonly Socket _socket;
    private readonly Guid _room;
    private readonly byte[] _token;
    private readonly MonoTime _clock;
    private readonly byte[] _sendBuffer = new byte[UdpFrame.MaxDatagram];
    private readonly byte[] _receiveBuffer = new byte[UdpFrame.MaxDatagram];
    private readonly Lock _sendGate = new();
    private readonly Lock _receiveGate = new();
    private readonly ManualResetEventSlim _receiveThreadMayRun = new(true);
    private readonly bool _polled = OperatingSystem.IsLinux();
    private static int s_codePrepared;
    private volatile bool _receivingElsewhere;
    private readonly Thread _receiveThread;
    private readonly IPEndPoint _remote;
    private volatile IMessageSink? _sink;
    private volatile bool _disposed;
    private long _droppedForeign;
    private long _receiveErrors;
    private long _receiveThreadAllocated;
    private long _received;

    private UdpPingChannel(Socket socket, IPEndPoint remote, Guid room, byte[] token, MonoTime clock)
    {
        _socket = socket;
        _remote = remote;
        _room = room;
        _token = token;
        _clock = clock;
        UdpFrame.WriteHeader(_sendBuffer, UdpFrame.TypeToEcho, room, token);
        _receiveThread = new Thread(ReceiveLoop)
        {
            IsBackground = true,
            Name = "rtcbench-udp-receive",
            Priority = ThreadPriority.AboveNormal,
        };
        _receiveThread.Start();
    }

    /// <summary>Opens a socket connected to the agent's UDP echo and starts receiving.</summary>
    public static UdpPingChannel Open(IPEndPoint agent, Guid room, byte[] token, MonoTime clock)
    {
        ArgumentNullException.ThrowIfNull(agent);
        ArgumentNullException.ThrowIfNull(token);
        ArgumentNullException.ThrowIfNull(clock);
        var socket = new Socket(agent.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            socket.ReceiveBufferSize = 1 << 20;
            socket.Connect(agent);
            return new UdpPingChannel(socket, agent, room, token, clock);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public string Channel => "lossy";

    public string TransportMode => "udp";

    /// <summary>Datagrams received that were not framed pongs for this room.</summary>
    public long DroppedForeign => Interlocked.Read(ref _droppedForeign);

    /// <summary>Socket errors seen by the receive loop (e.g. ICMP port unreachable); the loop keeps going.</summary>
    public long ReceiveErrors => Interlocked.Read(ref _receiveErrors);

    /// <summary>Datagrams delivered to the sink.</summary>
    public long Received => Interlocked.Read(ref _received);

    /// <summary>
    /// Bytes allocated so far by the receive thread, sampled after each delivered datagram (for the test that
    /// proves the receive path allocates nothing in steady state).
    /// </summary>
    internal long ReceiveThreadAllocatedBytes => Interlocked.Read(ref _receiveThreadAllocated);

    public PathInfo DescribePath() => new()
    {
        Transport = "udp",
        Reliability = "unreliable-unordered",
        LocalAddress = _socket.LocalEndPoint?.ToString(),
        RemoteAddress = _remote.ToString(),
    };

    public void SetSink(IMessageSink? sink) => _sink = sink;

    public void Send(ReadOnlySpan<byte> message)
    {
        if (message.Length > UdpFrame.MaxDatagram - UdpFrame.HeaderLength)
        {
            throw new ArgumentException("Message too large for a UDP frame.", nameof(message));
        }
        lock (_sendGate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            message.CopyTo(_sendBuffer.AsSpan(UdpFrame.HeaderLength));
            try
            {
                _socket.Send(_sendBuffer.AsSpan(0, UdpFrame.HeaderLength + message.Length), SocketFlags.None);
            }
            catch (SocketException ex) when (ex.SocketErrorCode is SocketError.ConnectionRefused or SocketError.ConnectionReset)
            {
                // An earlier datagram drew an ICMP "port unreachable"; this one was still handed to the kernel
                // or is lost like any datagram would be. Loss is what we measure, not an error.
            }
        }
    }

    /// <inheritdoc/>
    public bool BeginReceivingHere()
    {
        if (!_polled || _disposed)
        {
            return false;
        }
        if (Interlocked.Exchange(ref s_codePrepared, 1) == 0)
        {
            PrepareCode();
        }
        _receiveThreadMayRun.Reset(); // first, so the receive thread that sees the flag below blocks on the event
        _receivingElsewhere = true;
        return true;
    }

    /// <summary>
    /// Compiles the receive path of the thread that takes receiving over, once per process, before its first wait: its
    /// loops are marked <see cref="MethodImplOptions.AggressiveOptimization"/>, so neither a first call nor an
    /// on-stack recompilation of a loop compiles code between a wake-up and the send it waits for (<see cref="HotPath"/>,
    /// as the runner's pacer does).
    /// </summary>
    private static void PrepareCode() =>
        // Not the interface methods (RuntimeHelpers.PrepareMethod compiles nothing for them): the pacing thread calls
        // ReceiveFor and ReceiveQueued once with nothing to wait before its first send. The P/Invokes' inner stubs are
        // local functions, which HotPath prepares with them.
        HotPath.Prepare(typeof(UdpPingChannel), nameof(WaitReadable), nameof(ReceiveNow), nameof(Deliver), nameof(PPoll), nameof(Recv), nameof(NsToTicks), nameof(TicksToNs));

    /// <inheritdoc/>
    public void EndReceivingHere()
    {
        _receivingElsewhere = false;
        _receiveThreadMayRun.Set();
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void ReceiveFor(long ns)
    {
        long end = Stopwatch.GetTimestamp() + NsToTicks(ns);
        while (!_disposed)
        {
            long remaining = TicksToNs(end - Stopwatch.GetTimestamp());
            if (remaining <= 0)
            {
                return;
            }
            int ready = WaitReadable(remaining);
            if (ready > 0)
            {
                ReceiveQueued();
            }
            else if (ready == Closed)
            {
                return; // nothing more will arrive
            }
        }
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void ReceiveQueued()
    {
        lock (_receiveGate)
        {
            while (!_disposed)
            {
                int length = ReceiveNow(_receiveBuffer);
                if (length == -2)
                {
                    return; // nothing (more) queued
                }
                if (length < 0)
                {
                    continue; // an error for an earlier send (ICMP), counted: the next datagram may be there
                }
                long receivedNs = _clock.NowNs();
                Deliver(_receiveBuffer.AsSpan(0, length), receivedNs);
            }
        }
    }

    /// <summary>ppoll for POLLIN on the socket: 1 readable (or an error to read), 0 timed out or interrupted,
    /// <see cref="Closed"/> when the socket is closed or the call failed.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int WaitReadable(long timeoutNs)
    {
        var handle = _socket.SafeHandle;
        bool added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            var poll = new PollFd { Fd = (int)handle.DangerousGetHandle(), Events = PollIn };
            var timeout = new Timespec { Seconds = timeoutNs / 1_000_000_000, Nanoseconds = timeoutNs % 1_000_000_000 };
            int ready = PPoll(ref poll, 1, in timeout, IntPtr.Zero);
            if (ready < 0)
            {
                return Marshal.GetLastPInvokeError() == EIntr ? 0 : Closed;
            }
            return ready > 0 && (poll.Revents & PollNval) != 0 ? Closed : ready;
        }
        catch (ObjectDisposedException)
        {
            return Closed;
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }

    /// <summary>
    /// One non-blocking read: the datagram's length; -2 when nothing is queued (or the socket is closed); -1 for an
    /// error that belongs to an earlier datagram (ICMP unreachable, or a datagram too large), counted.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int ReceiveNow(byte[] buffer)
    {
        var handle = _socket.SafeHandle;
        bool added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            nint n = Recv((int)handle.DangerousGetHandle(), ref MemoryMarshal.GetArrayDataReference(buffer), (nuint)buffer.Length, MsgDontWait | MsgTrunc);
            if (n > buffer.Length)
            {
                Interlocked.Increment(ref _receiveErrors); // truncated: larger than any pong
                return -1;
            }
            if (n >= 0)
            {
                return (int)n;
            }
            int errno = Marshal.GetLastPInvokeError();
            if (errno is EAgain or EIntr)
            {
                return -2;
            }
            if (_disposed)
            {
                return -2;
            }
            Interlocked.Increment(ref _receiveErrors);
            return errno is 111 or 104 ? -1 : -2; // ECONNREFUSED, ECONNRESET: an earlier send's ICMP; else give up
        }
        catch (ObjectDisposedException)
        {
            return -2;
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }

    private static long NsToTicks(long ns) => (long)(ns * (Stopwatch.Frequency / 1e9));

    private static long TicksToNs(long ticks) => (long)(ticks * (1e9 / Stopwatch.Frequency));

    [StructLayout(LayoutKind.Sequential)]
    private struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport("libc", EntryPoint = "ppoll", SetLastError = true)]
    private static partial int PPoll(ref PollFd fds, nuint count, in Timespec timeout, IntPtr signalMask);

    [LibraryImport("libc", EntryPoint = "recv", SetLastError = true)]
    private static partial nint Recv(int fd, ref byte buffer, nuint length, int flags);

    /// <summary>
    /// The receive thread: blocks in <c>Receive</c> and timestamps the moment it returns. While another thread receives
    /// (<see cref="BeginReceivingHere"/>) it stands by on an event, from the datagram it was already blocked for on
    /// (that one it still reads and delivers, timestamped as always: a hand-over never loses or delays a datagram).
    /// </summary>
    private void ReceiveLoop()
    {
        var buffer = new byte[UdpFrame.MaxDatagram];
        while (!_disposed)
        {
            if (_receivingElsewhere)
            {
                _receiveThreadMayRun.Wait();
                continue;
            }
            int length;
            try
            {
                length = _socket.Receive(buffer, SocketFlags.None);
            }
            catch (SocketException ex) when (!_disposed && ex.SocketErrorCode is SocketError.ConnectionRefused or SocketError.ConnectionReset or SocketError.MessageSize)
            {
                Interlocked.Increment(ref _receiveErrors);
                continue;
            }
            catch (Exception) when (_disposed)
            {
                return;
            }
            catch (SocketException)
            {
                Interlocked.Increment(ref _receiveErrors);
                return;
            }
            long receivedNs = _clock.NowNs();
            lock (_receiveGate)
            {
                Deliver(buffer.AsSpan(0, length), receivedNs); // under the lock: never at once with the other thread
            }
            Interlocked.Exchange(ref _receiveThreadAllocated, GC.GetAllocatedBytesForCurrentThread());
        }
    }

    private void Deliver(ReadOnlySpan<byte> datagram, long receivedNs)
    {
        if (!UdpFrame.TryReadHeader(datagram, out byte type, out Guid room, out var token, out var payload)
            || type != UdpFrame.TypeFromEcho || room != _room || !UdpFrame.TokenEquals(token, _token))
        {
            Interlocked.Increment(ref _droppedForeign);
            return;
        }
        Interlocked.Increment(ref _received);
        _sink?.OnMessage(payload, receivedNs);
    }

    public ValueTask DisposeAsync()
    {
        lock (_sendGate)
        {
            if (_disposed)
            {
                return ValueTask.CompletedTask;
            }
            _disposed = true;
        }
        _receiveThreadMayRun.Set();
        _socket.Dispose();
        _receiveThread.Join(TimeSpan.FromSeconds(5));
        return ValueTask.CompletedTask;
    }
}
