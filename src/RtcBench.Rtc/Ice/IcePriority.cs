namespace RtcBench.Rtc.Ice;

/// <summary>Candidate priority (RFC 8445 §5.1.2.1) and candidate-pair priority (§6.1.2.3).</summary>
public static class IcePriority
{
    /// <summary>Recommended type preferences (RFC 8445 §5.1.2.2).</summary>
    public const int HostTypePreference = 126;
    public const int PeerReflexiveTypePreference = 110;
    public const int ServerReflexiveTypePreference = 100;
    public const int RelayedTypePreference = 0;

    /// <summary>Local preference for a single-homed agent (RFC 8445 §5.1.2.1).</summary>
    public const int DefaultLocalPreference = 65535;

    /// <summary>
    /// <c>2^24 * typePreference + 2^8 * localPreference + (256 - componentId)</c>; typePreference 0..126,
    /// localPreference 0..65535, componentId 1..256.
    /// </summary>
    public static uint Compute(int typePreference, int localPreference, int componentId)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(typePreference);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(typePreference, 126);
        ArgumentOutOfRangeException.ThrowIfNegative(localPreference);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(localPreference, 65535);
        ArgumentOutOfRangeException.ThrowIfLessThan(componentId, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(componentId, 256);
        return ((uint)typePreference << 24) + ((uint)localPreference << 8) + (uint)(256 - componentId);
    }

    /// <summary>
    /// <c>2^32 * MIN(G,D) + 2 * MAX(G,D) + (G &gt; D ? 1 : 0)</c>, where G is the controlling agent's candidate
    /// priority and D the controlled agent's.
    /// </summary>
    public static ulong ComputePair(uint controllingPriority, uint controlledPriority)
    {
        ulong min = Math.Min(controllingPriority, controlledPriority);
        ulong max = Math.Max(controllingPriority, controlledPriority);
        return (min << 32) + (2 * max) + (controllingPriority > controlledPriority ? 1ul : 0ul);
    }
}
