using System.Runtime.InteropServices;
using RtcBench.Core.Measurement;
using RtcBench.Runner.Pacing;

namespace RtcBench.Runner.Tests.Pacing;

/// <summary>
/// The driver's thread at real-time priority: when it asks (<see cref="PingDriver.WantsRealTime"/>) and that the real
/// waits put the calling thread, and only it, at <c>SCHED_FIFO</c> exactly when they say so.
/// </summary>
public sealed partial class RealTimePacingTests
{
    private const int SchedOther = 0;
    private const int SchedFifo = 1;
    private const int SchedResetOnFork = 0x40000000;

    [Theory]
    [InlineData(10.0, 2, true)]
    [InlineData(4.0, 2, true)]
    [InlineData(100.0, 16, true)]
    [InlineData(3.9, 2, false)] // the spin (up to 1 ms per send) would hold more than a quarter of a core
    [InlineData(1.0, 8, false)]
    [InlineData(10.0, 1, false)] // one core: a real-time spin would shut the agent and the receive thread out
    public void WantsRealTime_NeedsTwoCoresAndAtLeastFourMsBetweenPings(double intervalMs, int cores, bool expected)
    {
        var config = new RunConfig { Count = 10, Interval = TimeSpan.FromMilliseconds(intervalMs) };

        Assert.Equal(expected, PingDriver.WantsRealTime(config, cores));
    }

    [Fact]
    public void PrepareThread_RealTime_PutsTheCallingThreadAtFifoExactlyWhenItSaysSo()
    {
        var (granted, policy, priority, otherPolicy) = OnNewThread(realTime: true);

        if (!OperatingSystem.IsLinux())
        {
            Assert.False(granted);
            return;
        }
        Assert.Equal(granted ? SchedFifo : SchedOther, policy & ~SchedResetOnFork);
        Assert.Equal(granted, (policy & SchedResetOnFork) != 0); // a child process would not inherit it
        Assert.Equal(granted ? SystemPacingWaits.RealTimePriority : 0, priority);
        Assert.Equal(SchedOther, otherPolicy); // the process's other threads keep their normal priority
    }

    [Fact]
    public void PrepareThread_NotRealTime_LeavesTheThreadAtNormalPriority()
    {
        var (granted, policy, _, _) = OnNewThread(realTime: false);

        Assert.False(granted);
        if (OperatingSystem.IsLinux())
        {
            Assert.Equal(SchedOther, policy);
        }
    }

    [Fact]
    public void OnSent_DropsToNormalPriority_AndOnAnswered_RaisesItAgain()
    {
        var policies = new List<int>();
        bool granted = false;
        var thread = new Thread(() =>
        {
            using var waits = new SystemPacingWaits(CancellationToken.None, CancellationToken.None);
            granted = waits.PrepareThread(realTime: true);
            if (!OperatingSystem.IsLinux())
            {
                return;
            }
            policies.Add(SchedGetScheduler(0) & ~SchedResetOnFork); // prepared
            waits.OnSent();
            policies.Add(SchedGetScheduler(0) & ~SchedResetOnFork); // the answer's wake-up: as any thread's
            waits.OnSent();
            policies.Add(SchedGetScheduler(0) & ~SchedResetOnFork);
            waits.OnAnswered();
            policies.Add(SchedGetScheduler(0) & ~SchedResetOnFork); // the timer wake-up before the next send
            waits.OnAnswered();
            policies.Add(SchedGetScheduler(0) & ~SchedResetOnFork);
        });
        thread.Start();
        thread.Join();

        if (!OperatingSystem.IsLinux())
        {
            Assert.False(granted);
            return;
        }
        int raised = granted ? SchedFifo : SchedOther;
        Assert.Equal([raised, SchedOther, SchedOther, raised, raised], policies);
    }

    [Fact]
    public void OnAnswered_WithoutRealTimeGranted_LeavesTheThreadAtNormalPriority()
    {
        int policy = -1;
        var thread = new Thread(() =>
        {
            using var waits = new SystemPacingWaits(CancellationToken.None, CancellationToken.None);
            waits.PrepareThread(realTime: false);
            waits.OnSent();
            waits.OnAnswered();
            policy = OperatingSystem.IsLinux() ? SchedGetScheduler(0) : SchedOther;
        });
        thread.Start();
        thread.Join();

        Assert.Equal(SchedOther, policy);
    }

    /// <summary>Prepares a fresh thread (its policy dies with it); returns what PrepareThread said, the thread's policy and
    /// priority read back by the kernel, and the policy of a thread that did not ask, read at the same time.</summary>
    private static (bool Granted, int Policy, int Priority, int OtherPolicy) OnNewThread(bool realTime)
    {
        (bool, int, int, int) result = default;
        int otherTid = OperatingSystem.IsLinux() ? GetTid() : 0;
        var thread = new Thread(() =>
        {
            using var waits = new SystemPacingWaits(CancellationToken.None, CancellationToken.None);
            bool granted = waits.PrepareThread(realTime);
            if (!OperatingSystem.IsLinux())
            {
                result = (granted, -1, -1, -1);
                return;
            }
            var param = default(SchedParam);
            _ = SchedGetParam(0, ref param);
            result = (granted, SchedGetScheduler(0), param.Priority, SchedGetScheduler(otherTid));
        });
        thread.Start();
        thread.Join();
        return result;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct SchedParam
    {
        public int Priority;
    }

    [LibraryImport("libc", EntryPoint = "sched_getscheduler")]
    private static partial int SchedGetScheduler(int pid);

    [LibraryImport("libc", EntryPoint = "sched_getparam")]
    private static partial int SchedGetParam(int pid, ref SchedParam param);

    [LibraryImport("libc", EntryPoint = "gettid")]
    private static partial int GetTid();
}
