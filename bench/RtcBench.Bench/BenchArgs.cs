using System.Globalization;

namespace RtcBench.Bench;

/// <summary>
/// A benchmark's options: <c>&lt;benchmark&gt; --name value …</c>, every option with a value (Program refuses a lone
/// one), numbers in the invariant culture (a bad number is a <see cref="FormatException"/>, which Program turns into
/// one line), the last of a repeated option wins. Every benchmark takes <c>--out FILE</c>.
/// </summary>
internal sealed class BenchArgs
{
    private readonly Dictionary<string, string> _values;

    private BenchArgs(Dictionary<string, string> values) => _values = values;

    /// <summary>Where the report is written besides stdout (<c>--out</c>), if anywhere.</summary>
    public string? Output => String("--out");

    /// <summary>The options after <c>args[0]</c>; an option not in <paramref name="known"/> (or <c>--out</c>) → "unknown option X" on stderr and null.</summary>
    public static BenchArgs? Read(string[] args, params string[] known)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int i = 1; i + 1 < args.Length; i += 2)
        {
            if (args[i] != "--out" && Array.IndexOf(known, args[i]) < 0)
            {
                Console.Error.WriteLine($"unknown option {args[i]}");
                return null;
            }

            values[args[i]] = args[i + 1];
        }

        return new BenchArgs(values);
    }

    /// <summary>How the report names the command that made it: the benchmark and its options, without <c>--out</c> and what follows.</summary>
    public static string CommandLine(string[] args) =>
        "dotnet run -c Release --project bench/RtcBench.Bench -- " + string.Join(' ', args.TakeWhile(a => a != "--out"));

    public string? String(string name) => _values.GetValueOrDefault(name);

    public string String(string name, string fallback) => _values.GetValueOrDefault(name, fallback);

    public int Int(string name, int fallback) => _values.TryGetValue(name, out string? v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;

    public double Double(string name, double fallback) => _values.TryGetValue(name, out string? v) ? double.Parse(v, CultureInfo.InvariantCulture) : fallback;

    /// <summary>A comma-separated list such as <c>--parts rtt,alloc</c>.</summary>
    public HashSet<string>? Parts(string name) => _values.TryGetValue(name, out string? v) ? new HashSet<string>(v.Split(','), StringComparer.Ordinal) : null;
}
