using System.Text;
using System.Text.Json;

namespace RtcBench.Janus.Tests.Support;

/// <summary>
/// Appends matrix cells to the shared interop results: one JSON line per cell in
/// <c>$RTCBENCH_INTEROP_RESULTS/janus.jsonl</c> (default <c>&lt;repo&gt;/artifacts/interop/</c>), fields
/// <c>suite, peer, peer_version, offerer, our_dtls, our_ice, channel, result, detail, at</c> — the format of the
/// interop suite's own writer (tests/RtcBench.Interop.Tests). The generator that renders docs/interop.md keeps the
/// latest line of each cell, so each cell here has its own key (offerer, DTLS role, ICE mode, channel); the Janus
/// API transport is not part of the key, and each cell runs over both (named in the detail). Lines are appended
/// whole under a process-wide lock.
/// </summary>
internal static class InteropResults
{
    public const string Suite = "janus";
    private static readonly Lock Gate = new();

    public static string FilePath
    {
        get
        {
            string? configured = Environment.GetEnvironmentVariable("RTCBENCH_INTEROP_RESULTS");
            string directory = string.IsNullOrWhiteSpace(configured) ? Path.Combine(RepositoryRoot(), "artifacts", "interop") : configured;
            return Path.Combine(directory, Suite + ".jsonl");
        }
    }

    public static void Append(InteropCell cell, string peerVersion)
    {
        ArgumentNullException.ThrowIfNull(cell);
        var line = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["suite"] = Suite,
            ["peer"] = "janus",
            ["peer_version"] = peerVersion,
            ["offerer"] = cell.Offerer,
            ["our_dtls"] = cell.OurDtls,
            ["our_ice"] = cell.OurIce,
            ["channel"] = cell.Channel,
            ["result"] = cell.Result,
            ["detail"] = cell.Detail,
            ["at"] = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture),
        };
        string json = JsonSerializer.Serialize(line) + "\n";
        string path = FilePath;
        lock (Gate)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.AppendAllText(path, json, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        }
    }

    private static string RepositoryRoot()
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
