using System.Runtime.InteropServices;

namespace RtcBench.Runner.Pacing;

/// <summary>
/// The real waits. Coarse: <see cref="WaitHandle.WaitOne(int)"/> (whole milliseconds) on a handle that a stop-sending
/// or abort request sets; once sending has stopped, on the abort handle alone, so waiting out the in-flight answers
/// sleeps instead of spinning on a set handle. Precise: on Linux <c>clock_nanosleep(CLOCK_MONOTONIC)</c> with the calling thread's timer slack
/// cut from the default 50 µs to 1 µs (<c>prctl(PR_SET_TIMERSLACK)</c>), measured in bench/results/runner-cpu.md;
/// elsewhere <see cref="Thread.Sleep(int)"/> of the whole milliseconds (the pacer's margin then grows to cover it).
/// </summary>
internal sealed partial class SystemPacingWaits : IPacingWaits, IDisposable
{
    private const int ClockMonotonic = 1;
    private const int PrSetTimerSlack = 29;
    private const long TimerSlackNs = 1_000;

    private readonly CancellationTokenSource _either;
    private readonly CancellationToken _stopSending;
    private readonly CancellationToken _abort;
    private readonly bool _linux = OperatingSystem.IsLinux();

    public SystemPacingWaits(CancellationToken stopSending, CancellationToken abort)
    {
        _either = CancellationTokenSource.CreateLinkedTokenSource(stopSending, abort);
        _stopSending = stopSending;
        _abort = abort;
    }

    /// <summary>Call once on the pacing thread: lowers its timer slack (Linux), so precise sleeps end on time.</summary>
    public void PrepareThread()
    {
        if (_linux)
        {
            _ = Prctl(PrSetTimerSlack, TimerSlackNs, 0, 0, 0); // best effort: a failure only costs precision
        }
    }

    public bool SleepCoarse(long ns)
    {
        WaitHandle handle = _stopSending.IsCancellationRequested ? _abort.WaitHandle : _either.Token.WaitHandle;
        return handle.WaitOne((int)Math.Clamp(ns / 1_000_000, 0, int.MaxValue));
    }

    public void SleepPrecise(long ns)
    {
        if (ns <= 0)
        {
            return;
        }
        if (_linux)
        {
            var request = new Timespec { Seconds = ns / 1_000_000_000, Nanoseconds = ns % 1_000_000_000 };
            // Relative sleep; an interruption by a signal (EINTR) just ends it early and the pacer spins the rest.
            _ = ClockNanosleep(ClockMonotonic, 0, in request, IntPtr.Zero);
            return;
        }
        int ms = (int)Math.Min(ns / 1_000_000, int.MaxValue);
        if (ms > 0)
        {
            Thread.Sleep(ms);
        }
    }

    public void SpinOnce() => Thread.SpinWait(20);

    public void Dispose() => _either.Dispose();

    [StructLayout(LayoutKind.Sequential)]
    private struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport("libc", EntryPoint = "clock_nanosleep")]
    private static partial int ClockNanosleep(int clockId, int flags, in Timespec request, IntPtr remain);

    [LibraryImport("libc", EntryPoint = "prctl")]
    private static partial int Prctl(int option, ulong arg2, ulong arg3, ulong arg4, ulong arg5);
}
