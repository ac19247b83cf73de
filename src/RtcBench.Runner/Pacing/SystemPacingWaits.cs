using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using RtcBench.Core.Timing;
using RtcBench.Platforms;

namespace RtcBench.Runner.Pacing;

/// <summary>
/// The real waits. Coarse: <see cref="WaitHandle.WaitOne(int)"/> (whole milliseconds) on a handle that a stop-sending
/// or abort request sets; once sending has stopped, on the abort handle alone, so waiting out the in-flight answers
/// sleeps instead of spinning on a set handle. Precise: on Linux <c>clock_nanosleep(CLOCK_MONOTONIC)</c> with the calling thread's timer slack
/// cut from the default 50 µs to 1 µs (<c>prctl(PR_SET_TIMERSLACK)</c>), measured in bench/results/runner-cpu.md;
/// elsewhere <see cref="Thread.Sleep(int)"/> of the whole milliseconds (the pacer's margin then grows to cover it).
/// With a <see cref="IWaitingReceiver"/> (a channel whose receiving this thread has taken over), every wait receives
/// while it waits: the precise sleep is the channel's high-resolution <c>ppoll</c> (same timer, same slack), the coarse
/// one is slices of it of at most <see cref="CoarseSliceNs"/> that check for a stop request in between, and each spin
/// step first reads what is queued; so a pong is read and timestamped as it arrives whatever the thread is waiting for.
/// That read is then the whole spin step (<see cref="SpinOnce"/>).
/// <para><see cref="PrepareThread"/> can also put the pacing thread at real-time priority (Linux <c>SCHED_FIFO</c>,
/// when the process may: root or <c>CAP_SYS_NICE</c>), so its timer wake-up does not queue behind other tasks on the
/// CPU: on the shared development VM that cut the late tail of the wake-ups (p99.5 2.2–5.9 ms → 0.10–0.13 ms) and the
/// runner's CPU per ping to 0.54–0.61× — but it made the udp RTT p50 about 2× longer (bench/results/runner-cpu.md), so
/// it is not the default: only benchmarks ask for it (<c>BenchmarkRunner.RealTimePacing</c>).</para>
/// </summary>
internal sealed partial class SystemPacingWaits : IPacingWaits, IDisposable
{
    private const int ClockMonotonic = 1;
    private const int PrSetTimerSlack = 29;
    private const long TimerSlackNs = 1_000;
    private const int SchedOther = 0;
    private const int SchedFifo = 1;
    private const int SchedResetOnFork = 0x40000000;

    /// <summary>The real-time priority the pacing thread asks for: above every normal task, below the kernel's own
    /// real-time threads (watchdogs and migration at 99, threaded interrupts at 50).</summary>
    internal const int RealTimePriority = 10;

    /// <summary>With a receiver, a coarse wait notices a stop request at the latest this long after it is made.</summary>
    internal const long CoarseSliceNs = 5_000_000;

    private readonly CancellationTokenSource _either;
    private readonly CancellationToken _stopSending;
    private readonly CancellationToken _abort;
    private readonly bool _linux = OperatingSystem.IsLinux();
    private readonly IWaitingReceiver? _receiver;
    private bool _realTimeGranted;
    private bool _atRealTime;

    /// <param name="receiver">The channel whose receiving the calling thread has taken over; null to just sleep.</param>
    public SystemPacingWaits(CancellationToken stopSending, CancellationToken abort, IWaitingReceiver? receiver = null)
    {
        _receiver = receiver;
        _either = CancellationTokenSource.CreateLinkedTokenSource(stopSending, abort);
        _stopSending = stopSending;
        _abort = abort;
    }

    /// <summary>
    /// Call once on the pacing thread, before the first send: compiles the waits (and the receiver's, <see cref="HotPath"/>);
    /// lowers the thread's timer slack (Linux), so precise sleeps end on time; with
    /// <paramref name="realTime"/>, also asks for real-time scheduling (<c>SCHED_FIFO</c> at
    /// <see cref="RealTimePriority"/>, reset for any child process). Best effort: returns whether the thread now runs
    /// at real-time priority (false without the privilege, or off Linux), and a refusal only costs precision.
    /// </summary>
    public bool PrepareThread(bool realTime = false)
    {
        PrepareCode();
        if (!_linux)
        {
            return false;
        }
        _ = Prctl(PrSetTimerSlack, TimerSlackNs, 0, 0, 0);
        if (!realTime)
        {
            return false;
        }
        _realTimeGranted = _atRealTime = SetRealTime(true);
        return _realTimeGranted;
    }

    /// <summary>
    /// After a send, a thread granted real-time priority goes back to normal priority, so the answer wakes it as it
    /// would wake any client; the answer raises it again (<see cref="OnAnswered"/>) for the timer wake-up before the next
    /// send. No answer: that wake-up is at normal priority. (It did not bring the RTT back: held or dropped after the
    /// send, real-time priority left the udp RTT p50 about 2× longer, bench/results/runner-cpu.md.)
    /// </summary>
    public void OnSent()
    {
        if (_atRealTime)
        {
            _atRealTime = !SetRealTime(false);
        }
    }

    /// <summary>Raises a thread granted real-time priority again once an answer has been read (<see cref="OnSent"/>).</summary>
    public void OnAnswered()
    {
        if (_realTimeGranted && !_atRealTime)
        {
            _atRealTime = SetRealTime(true);
        }
    }

    /// <summary>Whether the pacing thread is at real-time priority now.</summary>
    internal bool AtRealTime => _atRealTime;

    private static bool SetRealTime(bool on)
    {
        var param = new SchedParam { Priority = on ? RealTimePriority : 0 };
        return SchedSetScheduler(0, (on ? SchedFifo : SchedOther) | SchedResetOnFork, in param) == 0;
    }

    /// <summary>Compiles what a wait runs between its wake-up and the send (<see cref="HotPath"/>): the interface
    /// methods by calling them with nothing to wait (a spin step with a receiver reads what is queued, as any would).</summary>
    private void PrepareCode()
    {
        HotPath.Prepare(typeof(SystemPacingWaits), nameof(ClockNanosleep), nameof(SetRealTime), nameof(SchedSetScheduler));
        SleepPrecise(0);
        _receiver?.ReceiveFor(0);
        SpinOnce();
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool SleepCoarse(long ns)
    {
        if (_receiver is not null)
        {
            long end = Stopwatch.GetTimestamp() + (long)(ns * (Stopwatch.Frequency / 1e9));
            while (true)
            {
                if (_stopSending.IsCancellationRequested ? _abort.IsCancellationRequested : _either.IsCancellationRequested)
                {
                    return true;
                }
                long remaining = (long)((end - Stopwatch.GetTimestamp()) * (1e9 / Stopwatch.Frequency));
                if (remaining <= 0)
                {
                    return false;
                }
                _receiver.ReceiveFor(Math.Min(remaining, CoarseSliceNs));
            }
        }
        WaitHandle handle = _stopSending.IsCancellationRequested ? _abort.WaitHandle : _either.Token.WaitHandle;
        return handle.WaitOne((int)Math.Clamp(ns / 1_000_000, 0, int.MaxValue));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void SleepPrecise(long ns)
    {
        if (ns <= 0)
        {
            return;
        }
        if (_receiver is not null)
        {
            _receiver.ReceiveFor(ns);
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

    /// <summary>True: each spin step also executes <see cref="Thread.SpinWait(int)"/>'s PAUSE instructions when it reads
    /// the socket, as before; only for the benchmark that compares the two in one run.</summary>
    internal bool PauseWhileReceiving { get; init; }

    /// <summary>
    /// One spin step. With a receiver the step is reading what is queued (a non-blocking <c>recv</c>: the system call
    /// paces the loop), without PAUSE instructions: on this VM a loop of PAUSEs before the send made the pong after it
    /// arrive later (udp p50 1.12–1.14× in one interleaved run, send_delay p99 no better; bench/results/udp-floor.md),
    /// likely the hypervisor's pause-loop exits. Without a receiver, a short PAUSE spin.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void SpinOnce()
    {
        if (_receiver is not null)
        {
            _receiver.ReceiveQueued();
            if (!PauseWhileReceiving)
            {
                return;
            }
        }
        Thread.SpinWait(20);
    }

    public void Dispose() => _either.Dispose();

    [StructLayout(LayoutKind.Sequential)]
    private struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport("libc", EntryPoint = "clock_nanosleep")]
    private static partial int ClockNanosleep(int clockId, int flags, in Timespec request, IntPtr remain);

    [StructLayout(LayoutKind.Sequential)]
    private struct SchedParam
    {
        public int Priority;
    }

    [LibraryImport("libc", EntryPoint = "sched_setscheduler")]
    private static partial int SchedSetScheduler(int pid, int policy, in SchedParam param);

    [LibraryImport("libc", EntryPoint = "prctl")]
    private static partial int Prctl(int option, ulong arg2, ulong arg3, ulong arg4, ulong arg5);
}

