using System.Reflection;
using System.Text;
using System.Text.Json;

namespace RtcBench.Interop.Tests;

/// <summary>
/// Where every interop cell leaves its result, for scripts/interop-doc.sh to render docs/interop.md: one JSON line
/// per cell run, appended to <c>&lt;suite&gt;.jsonl</c> in <c>$RTCBENCH_INTEROP_RESULTS</c> when set, else in
/// <c>&lt;repo&gt;/artifacts/interop/</c>:
/// <code>{"suite","peer","peer_version","offerer":"us|them","our_dtls":"client|server","our_ice":"full|lite|n/a",
///  "channel":"reliable|unordered-rexmit0","result":"pass|fail","detail","at"}</code>
/// Lines are only ever appended (the generator keeps the latest line of each cell), so a filtered run adds to the
/// last full one. Shared with other interop suites by linking this file (Compile Include … Link=…); the repository
/// root then comes from their own <c>InteropRepoRoot</c> assembly metadata, or from the working directory's
/// ancestors (the folder with RtcBench.sln).
/// </summary>
internal static class InteropResults
{
    public const string DirectoryVariable = "RTCBENCH_INTEROP_RESULTS";

    private static readonly Lock Gate = new();

    /// <summary>The folder the results go to (created on the first write).</summary>
    public static string ResultsDirectory =>
        Environment.GetEnvironmentVariable(DirectoryVariable) is { Length: > 0 } dir
            ? Path.GetFullPath(dir)
            : Path.Combine(RepositoryRoot(), "artifacts", "interop");

    /// <summary>Appends one cell's result line to <c>&lt;suite&gt;.jsonl</c>; returns the file's path.</summary>
    public static string Append(InteropResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        string directory = ResultsDirectory;
        string path = Path.Combine(directory, result.Suite + ".jsonl");
        var line = new Dictionary<string, string>
        {
            ["suite"] = result.Suite,
            ["peer"] = result.Peer,
            ["peer_version"] = result.PeerVersion,
            ["offerer"] = result.Offerer,
            ["our_dtls"] = result.OurDtls,
            ["our_ice"] = result.OurIce,
            ["channel"] = result.Channel,
            ["result"] = result.Passed ? "pass" : "fail",
            ["detail"] = result.Detail,
            ["at"] = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture),
        };
        string json = JsonSerializer.Serialize(line) + "\n";
        lock (Gate)
        {
            Directory.CreateDirectory(directory);
            File.AppendAllText(path, json, new UTF8Encoding(false));
        }

        return path;
    }

    private static string RepositoryRoot()
    {
        string? fromBuild = Assembly.GetExecutingAssembly().GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "InteropRepoRoot")?.Value;
        if (!string.IsNullOrEmpty(fromBuild))
        {
            return fromBuild;
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "RtcBench.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"Cannot find the repository root above {AppContext.BaseDirectory}; set {DirectoryVariable}.");
    }
}
