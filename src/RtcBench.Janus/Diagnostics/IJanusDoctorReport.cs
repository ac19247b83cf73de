namespace RtcBench.Janus.Diagnostics;

/// <summary>Where <see cref="JanusDoctor"/> reports each step as it finishes (never a secret).</summary>
public interface IJanusDoctorReport
{
    void Step(JanusDoctorStep step);
}
