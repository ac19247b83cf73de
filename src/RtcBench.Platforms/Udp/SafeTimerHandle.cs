using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace RtcBench.Platforms.Udp;

/// <summary>
/// A Linux <c>timerfd</c> on <c>CLOCK_MONOTONIC</c> (non-blocking), for a thread that waits in <c>ppoll</c> for a
/// socket or a deadline: armed once per wait, it stays armed when the socket wakes the thread, so that wake-up does
/// not cancel a timer (see <see cref="UdpPingChannel"/>). Closed when disposed and no call is using it.
/// </summary>
internal sealed partial class SafeTimerHandle : SafeHandleMinusOneIsInvalid
{
    private const int ClockMonotonic = 1;
    private const int NonBlocking = 0x800;
    private const int CloseOnExec = 0x80000;

    private SafeTimerHandle(int fd)
        : base(ownsHandle: true)
    {
        SetHandle(fd);
    }

    /// <summary>A new timer, disarmed; null when the system has none.</summary>
    public static SafeTimerHandle? Create()
    {
        int fd = TimerfdCreate(ClockMonotonic, NonBlocking | CloseOnExec);
        return fd < 0 ? null : new SafeTimerHandle(fd);
    }

    /// <summary>Arms the timer to fire once, <paramref name="ns"/> from now (at least 1 ns), and clears a pending expiry;
    /// false when it is closed.</summary>
    public bool TryArm(long ns)
    {
        bool added = false;
        try
        {
            DangerousAddRef(ref added);
            ns = Math.Max(ns, 1);
            var spec = new TimerSpec { ValueSeconds = ns / 1_000_000_000, ValueNanoseconds = ns % 1_000_000_000 };
            return TimerfdSettime((int)handle, 0, in spec, IntPtr.Zero) == 0;
        }
        catch (ObjectDisposedException)
        {
            return false;
        }
        finally
        {
            if (added)
            {
                DangerousRelease();
            }
        }
    }

    /// <summary>Reads (clears) a pending expiry; nothing when there is none. The caller holds a reference.</summary>
    public void Consume()
    {
        ulong expirations = 0;
        _ = Read((int)handle, ref expirations, sizeof(ulong));
    }

    /// <summary>Makes the timer fire now, waking a thread that polls it.</summary>
    public void Wake() => TryArm(1);

    protected override bool ReleaseHandle() => Close((int)handle) == 0;

    [StructLayout(LayoutKind.Sequential)]
    private struct TimerSpec
    {
        public long IntervalSeconds;
        public long IntervalNanoseconds;
        public long ValueSeconds;
        public long ValueNanoseconds;
    }

    [LibraryImport("libc", EntryPoint = "timerfd_create", SetLastError = true)]
    private static partial int TimerfdCreate(int clockId, int flags);

    [LibraryImport("libc", EntryPoint = "timerfd_settime", SetLastError = true)]
    private static partial int TimerfdSettime(int fd, int flags, in TimerSpec newValue, IntPtr oldValue);

    [LibraryImport("libc", EntryPoint = "read", SetLastError = true)]
    private static partial nint Read(int fd, ref ulong buffer, nuint count);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);
}
