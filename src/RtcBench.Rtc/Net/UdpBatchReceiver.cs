using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace RtcBench.Rtc.Net;

/// <summary>
/// Reads up to <see cref="Capacity"/> datagrams per system call on Linux (64-bit): <c>recvmmsg</c> with
/// <c>MSG_WAITFORONE</c> blocks until one datagram is there, then takes whatever else is already queued without waiting.
/// Under load (the shared socket's receive thread behind on a busy machine) one call and one wake-up serve several
/// datagrams; when they arrive one at a time it is one call per datagram, as <c>ReceiveFrom</c>. One per receive
/// thread, not thread-safe. The socket handle is passed as a <see cref="SafeHandle"/>, so disposing the socket wakes a
/// blocked call as it wakes .NET's own (the runtime shuts the socket down until the call returns).
/// </summary>
internal sealed unsafe partial class UdpBatchReceiver : IDisposable
{
    /// <summary>Datagrams per call.</summary>
    public const int Capacity = 16;

    private const int MsgWaitForOne = 0x10000; // Linux MSG_WAITFORONE
    private const int MsgTrunc = 0x20;         // Linux MSG_TRUNC (msg_flags: the datagram was longer than the buffer)
    private const int NameLength = 128;        // sizeof(struct sockaddr_storage)
    private const int Eintr = 4;

    private readonly SafeSocketHandle _handle;
    private readonly byte[] _buffers; // Capacity slots of RtcUdpSocket.MaxDatagram bytes, pinned
    private readonly MMsgHdr* _headers;
    private readonly IoVec* _iovecs;
    private readonly byte* _names;
    private readonly byte* _bufferBase;
    private int _lastCount;
    private bool _disposed;

    /// <summary>Whether this platform has <c>recvmmsg</c> with the layout below (Linux, 64-bit).</summary>
    public static bool IsSupported => OperatingSystem.IsLinux() && Environment.Is64BitProcess;

    public UdpBatchReceiver(Socket socket)
    {
        if (!IsSupported)
        {
            throw new PlatformNotSupportedException("recvmmsg: Linux, 64-bit only");
        }

        _handle = socket.SafeHandle;
        _buffers = GC.AllocateUninitializedArray<byte>(Capacity * RtcUdpSocket.MaxDatagram, pinned: true);
        _bufferBase = (byte*)Marshal.UnsafeAddrOfPinnedArrayElement(_buffers, 0);
        _headers = (MMsgHdr*)NativeMemory.AllocZeroed((nuint)(Capacity * sizeof(MMsgHdr)));
        _iovecs = (IoVec*)NativeMemory.AllocZeroed((nuint)(Capacity * sizeof(IoVec)));
        _names = (byte*)NativeMemory.AllocZeroed((nuint)(Capacity * NameLength));
        for (int i = 0; i < Capacity; i++)
        {
            _iovecs[i] = new IoVec { Base = _bufferBase + (i * RtcUdpSocket.MaxDatagram), Length = RtcUdpSocket.MaxDatagram };
            ref var h = ref _headers[i].Header;
            h.Name = _names + (i * NameLength);
            h.NameLength = NameLength;
            h.Iov = &_iovecs[i];
            h.IovLength = 1;
        }
    }

    /// <summary>
    /// Blocks until at least one datagram is read; returns how many (0 when the socket was shut down or closed). -1 on
    /// an error other than an interrupted call (<paramref name="error"/> says which); the caller counts it and goes on.
    /// </summary>
    public int Receive(out SocketError error)
    {
        error = SocketError.Success;
        for (int i = 0; i < _lastCount; i++)
        {
            _headers[i].Header.NameLength = NameLength; // in: room for the address; out: its length
        }

        _lastCount = 0;
        while (true)
        {
            int n = RecvMMsg(_handle, _headers, Capacity, MsgWaitForOne, null);
            if (n >= 0)
            {
                _lastCount = n;
                return n;
            }

            int errno = Marshal.GetLastPInvokeError();
            if (errno == Eintr)
            {
                continue;
            }

            error = errno switch
            {
                9 => SocketError.OperationAborted,   // EBADF: closed
                11 => SocketError.WouldBlock,        // EAGAIN
                111 => SocketError.ConnectionRefused, // ECONNREFUSED (an ICMP error from an earlier send)
                _ => SocketError.SocketError,
            };
            return -1;
        }
    }

    /// <summary>Datagram <paramref name="index"/> of the last <see cref="Receive"/>; false when it was truncated.</summary>
    public bool TryGet(int index, SocketAddress from, out Span<byte> datagram)
    {
        ref var h = ref _headers[index];
        datagram = _buffers.AsSpan(index * RtcUdpSocket.MaxDatagram, (int)Math.Min(h.Length, (uint)RtcUdpSocket.MaxDatagram));
        int nameLength = (int)Math.Min(h.Header.NameLength, (uint)from.Buffer.Length);
        new ReadOnlySpan<byte>(h.Header.Name, nameLength).CopyTo(from.Buffer.Span);
        from.Size = nameLength;
        return (h.Header.Flags & MsgTrunc) == 0;
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        NativeMemory.Free(_headers);
        NativeMemory.Free(_iovecs);
        NativeMemory.Free(_names);
    }

    [LibraryImport("libc", EntryPoint = "recvmmsg", SetLastError = true)]
    private static partial int RecvMMsg(SafeSocketHandle socket, MMsgHdr* messages, uint count, int flags, void* timeout);

    [StructLayout(LayoutKind.Sequential)]
    private struct IoVec
    {
        public byte* Base;
        public nuint Length;
    }

    /// <summary>struct msghdr (LP64).</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct MsgHdr
    {
        public byte* Name;
        public uint NameLength;
        public IoVec* Iov;
        public nuint IovLength;
        public void* Control;
        public nuint ControlLength;
        public int Flags;
    }

    /// <summary>struct mmsghdr.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct MMsgHdr
    {
        public MsgHdr Header;
        public uint Length;
    }
}
