namespace RtcBench.LiveKit.Diagnostics;

/// <summary>One checked step: its name, whether it passed, how long it took, and what it found or why it failed.</summary>
/// <param name="Detail">What was found (ok) or the reason (failed), LiveKit's own text included; never a secret or token.</param>
public sealed record LiveKitDoctorStep(string Name, bool Ok, double ElapsedMs, string Detail);

/// <summary>Receives the doctor's findings as they happen.</summary>
public interface ILiveKitDoctorReport
{
    /// <summary>A step finished.</summary>
    void Step(LiveKitDoctorStep step);

    /// <summary>A fact found along the way (server, candidate pairs), shown under the step that found it.</summary>
    void Info(string label, string value);
}
