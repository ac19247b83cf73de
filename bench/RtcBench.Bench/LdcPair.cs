using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace RtcBench.Bench;

/// <summary>
/// A libdatachannel pair for the rtt part of <c>direct</c> (issue 16: direct p50 ≤ a libdatachannel pair's at the same
/// pacing, same run): bench/node/ldc-pair.mjs, two node-datachannel peers in one node process, with the interop tests'
/// pinned node-datachannel (tests/RtcBench.Interop.Tests/node, restored by <c>npm ci</c>).
/// </summary>
internal static class LdcPair
{
    private static string Script => Path.Combine(Root, "bench", "node", "ldc-pair.mjs");

    private static string Modules => Path.Combine(Root, "tests", "RtcBench.Interop.Tests", "node", "node_modules", "node-datachannel");

    /// <summary>The checkout this bench was built from: the first folder above the binary holding RtcBench.sln.</summary>
    private static string Root
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "RtcBench.sln")))
                {
                    return dir.FullName;
                }
            }

            return Directory.GetCurrentDirectory();
        }
    }

    public static bool Available(out string why)
    {
        why = !Directory.Exists(Modules)
            ? $"no node-datachannel in {Modules}: run `npm ci` in tests/RtcBench.Interop.Tests/node (the interop tests do) first"
            : "";
        return why.Length == 0;
    }

    /// <summary>One run of the pair: <paramref name="pings"/> measured pings per channel, their RTTs (µs) added.</summary>
    public static async Task RunAsync(int pings, double intervalMs, List<double> reliable, List<double> lossy)
    {
        var start = new ProcessStartInfo("node")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string a in new[] { Script, "--pings", pings.ToString(CultureInfo.InvariantCulture), "--interval-ms", intervalMs.ToString(CultureInfo.InvariantCulture) })
        {
            start.ArgumentList.Add(a);
        }

        using var node = Process.Start(start) ?? throw new InvalidOperationException("node did not start");
        var stderr = node.StandardError.ReadToEndAsync();
        string stdout = await node.StandardOutput.ReadToEndAsync().ConfigureAwait(false);
        await node.WaitForExitAsync().ConfigureAwait(false);
        if (node.ExitCode != 0)
        {
            throw new InvalidOperationException($"ldc-pair.mjs exited {node.ExitCode}: {await stderr.ConfigureAwait(false)}");
        }

        foreach (string line in stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            using var doc = JsonDocument.Parse(line);
            var into = doc.RootElement.GetProperty("channel").GetString() == "reliable" ? reliable : lossy;
            foreach (var rtt in doc.RootElement.GetProperty("rtt_us").EnumerateArray())
            {
                into.Add(rtt.GetDouble());
            }
        }
    }
}
