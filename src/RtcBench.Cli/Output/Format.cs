using System.Globalization;

namespace RtcBench.Cli.Output;

/// <summary>Number formatting shared by the console views (invariant culture, milliseconds for latency).</summary>
internal static class Format
{
    public static string Ms(double? us) =>
        us is null || double.IsNaN(us.Value) ? "-" : (us.Value / 1000.0).ToString("0.000", CultureInfo.InvariantCulture);

    public static string Percent(double rate) => (rate * 100).ToString("0.0#", CultureInfo.InvariantCulture) + "%";

    public static string Int(long value) => value.ToString(CultureInfo.InvariantCulture);

    public static string Time(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
