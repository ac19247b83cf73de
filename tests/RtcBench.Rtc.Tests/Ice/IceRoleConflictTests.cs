using System.Net;
using RtcBench.Rtc.Ice;
using RtcBench.Rtc.Sim;

namespace RtcBench.Rtc.Tests.Ice;

/// <summary>
/// Two full agents that start in the same role (RFC 8445 §7.3.1.1, §7.2.5.1) over a seeded simulated network: the
/// tie-breakers decide, 487s and role switches sort it out, and both end up on the same pair with opposite roles.
/// </summary>
public sealed class IceRoleConflictTests
{
    private const long Ms = RtcTime.NsPerMs;
    private const long S = RtcTime.NsPerSecond;

    private static readonly IceCredentials ACredentials = new("aaaA", "apassword0123456789abcd");
    private static readonly IceCredentials BCredentials = new("bbbB", "bpassword0123456789abcd");
    private static readonly IPEndPoint AAddress = new(IPAddress.Parse("10.0.0.1"), 40000);
    private static readonly IPEndPoint BAddress = new(IPAddress.Parse("10.0.0.2"), 50000);
    private static readonly uint HostPriority = IcePriority.Compute(126, 65535, 1);

    public static TheoryData<int, IceRole, double, bool> Cases()
    {
        var data = new TheoryData<int, IceRole, double, bool>();
        foreach (var role in new[] { IceRole.Controlling, IceRole.Controlled })
        {
            foreach (var (seed, loss) in new[] { (1, 0.0), (2, 0.0), (3, 0.1), (4, 0.2), (5, 0.3) })
            {
                data.Add(seed, role, loss, true);  // A has the larger tie-breaker.
                data.Add(seed, role, loss, false); // B has.
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void BothClaimTheSameRole_TheLargerTieBreakerControls_BothConnectOnOnePair(int seed, IceRole both, double loss, bool aLarger)
    {
        var random = new Random(seed);
        ulong small = (ulong)random.NextInt64(1, long.MaxValue / 2);
        ulong large = small + (ulong)random.NextInt64(1, long.MaxValue / 2);
        var a = new IceSimPeer(AAddress, BAddress, new IceAgent(ACredentials, BCredentials,
            new IceAgentOptions { Role = both, TieBreaker = aLarger ? large : small, RandomSeed = seed }));
        var b = new IceSimPeer(BAddress, AAddress, new IceAgent(BCredentials, ACredentials,
            new IceAgentOptions { Role = both, TieBreaker = aLarger ? small : large, RandomSeed = seed + 1 }));
        a.Agent.AddRemoteCandidate(BAddress, HostPriority);
        b.Agent.AddRemoteCandidate(AAddress, HostPriority);
        var link = new SimulatedLinkOptions { DelayNs = 20 * Ms, JitterNs = 10 * Ms, LossRate = loss };
        var net = new SimulatedNetwork(seed, a, b, link);
        a.Agent.Start(0);
        b.Agent.Start(0);

        bool connected = net.RunUntil(() => a.Agent.State == IceAgentState.Connected && b.Agent.State == IceAgentState.Connected, 15 * S);
        string why = $"{net.Describe()} A {a.Agent.State}/{a.Agent.Role} B {b.Agent.State}/{b.Agent.Role} " +
                     $"487s {a.Agent.RoleConflicts}/{b.Agent.RoleConflicts} switches {a.Agent.RoleSwitches}/{b.Agent.RoleSwitches}";
        Assert.True(connected, why);
        net.RunFor(60 * S); // Consent keeps flowing in the settled roles.

        var (winner, loser) = aLarger ? (a, b) : (b, a);
        Assert.Equal(IceRole.Controlling, winner.Agent.Role);
        Assert.Equal(IceRole.Controlled, loser.Agent.Role);
        Assert.Equal(1, loser.Agent.RoleSwitches + winner.Agent.RoleSwitches);
        Assert.Equal(both == IceRole.Controlling ? 1 : 0, loser.Agent.RoleSwitches);
        Assert.True(a.Agent.RoleConflicts + b.Agent.RoleConflicts + a.Agent.RoleSwitches + b.Agent.RoleSwitches > 0, why);
        Assert.Equal(IceAgentState.Connected, a.Agent.State);
        Assert.Equal(IceAgentState.Connected, b.Agent.State);
        Assert.Equal(BAddress, a.Selected);
        Assert.Equal(AAddress, b.Selected);
    }
}
