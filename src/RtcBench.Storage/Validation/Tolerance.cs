using System.Globalization;

namespace RtcBench.Storage.Validation;

/// <summary>
/// When a figure in a document "agrees" with the one the service recomputes, or respects an order: within rounding.
/// A duration may differ by <see cref="AbsoluteUs"/> (1 ns, the finest timestamp RtcBench takes) plus
/// <see cref="Relative"/> (1 ppm) of its size; a rate by <see cref="AbsoluteRate"/> plus 1 ppm. Counts must be exact.
/// The runner's own documents agree exactly (the service recomputes with the runner's code from the same values); the
/// slack is for other producers' floating-point order of operations and printing, never for a different value.
/// </summary>
public static class Tolerance
{
    /// <summary>Absolute slack for durations: 0.001 µs.</summary>
    public const double AbsoluteUs = 0.001;

    /// <summary>Absolute slack for rates (loss_rate, late_rate): 1e-9.</summary>
    public const double AbsoluteRate = 1e-9;

    /// <summary>Relative slack for every figure: 1e-6 (1 ppm).</summary>
    public const double Relative = 1e-6;

    /// <summary>How the tolerance reads in an error message.</summary>
    public const string DurationText = "0.001 µs + 1 ppm";

    /// <summary>True when a duration in µs agrees with the recomputed one.</summary>
    public static bool AgreesUs(double posted, double recomputed) => Agrees(posted, recomputed, AbsoluteUs);

    /// <summary>True when a rate agrees with the recomputed one.</summary>
    public static bool AgreesRate(double posted, double recomputed) => Agrees(posted, recomputed, AbsoluteRate);

    /// <summary>True when <paramref name="low"/> ≤ <paramref name="high"/> within the duration tolerance.</summary>
    public static bool AtMostUs(double low, double high) =>
        low <= high || Agrees(low, high, AbsoluteUs);

    /// <summary>The slack allowed around <paramref name="value"/>, in µs.</summary>
    public static double SlackUs(double value) => AbsoluteUs + (Relative * Math.Abs(value));

    /// <summary>A number as it appears in messages: the shortest text that reads back as the same double.</summary>
    public static string Show(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static bool Agrees(double posted, double recomputed, double absolute) =>
        Math.Abs(posted - recomputed) <= absolute + (Relative * Math.Max(Math.Abs(posted), Math.Abs(recomputed)));
}
