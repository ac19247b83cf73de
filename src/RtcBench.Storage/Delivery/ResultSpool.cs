using System.Text;
using RtcBench.Core.Results;

namespace RtcBench.Storage.Delivery;

/// <summary>
/// Runs waiting to be delivered to a results service: one JSON result document per file in a directory
/// (<c>$RTCBENCH_HOME/spool</c>, else <c>~/.rtcbench/spool</c>), named <c>STARTED-RUNID.json</c> so a listing is
/// oldest first. Files are written atomically (a temp file flushed to disk, then renamed), so a crash leaves either
/// the whole document or nothing. Documents the service refused as invalid move to <c>rejected/</c> below it.
/// </summary>
public sealed class ResultSpool
{
    public const string DirectoryName = "spool";

    public const string RejectedDirectoryName = "rejected";

    public ResultSpool(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        Directory = Path.GetFullPath(directory);
    }

    public string Directory { get; }

    /// <summary><c>spool</c> beside the default database: under <c>$RTCBENCH_HOME</c>, else <c>~/.rtcbench</c>.</summary>
    public static string DefaultDirectory(string? rtcbenchHome, string userHome) =>
        Path.Combine(Path.GetDirectoryName(ResultStoreFactory.ResolveDefaultSqlitePath(rtcbenchHome, userHome))!, DirectoryName);

    /// <summary>Writes the run's document atomically; returns its path. Spooling the same run twice keeps one file.</summary>
    public string Add(RunResult run)
    {
        ArgumentNullException.ThrowIfNull(run);
        if (!RunValidator.IsRunId(run.RunId))
        {
            throw new ArgumentException($"Run id \"{run.RunId}\" is not 32 lower-case hex digits.", nameof(run));
        }
        System.IO.Directory.CreateDirectory(Directory);
        string name = $"{run.StartedAt.UtcDateTime:yyyyMMdd'T'HHmmssfffffff}-{run.RunId}.json";
        string path = Path.Combine(Directory, name);
        string temp = Path.Combine(Directory, "." + name + "." + Guid.NewGuid().ToString("N")[..8] + ".tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                stream.Write(Encoding.UTF8.GetBytes(ResultJson.Serialize(run, indented: false)));
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            File.Delete(temp);
        }
        return path;
    }

    /// <summary>The spooled documents, oldest first (temp files of unfinished writes are not listed).</summary>
    public IReadOnlyList<string> List() =>
        System.IO.Directory.Exists(Directory)
            ? System.IO.Directory.GetFiles(Directory, "*.json").Where(f => !Path.GetFileName(f).StartsWith('.')).Order(StringComparer.Ordinal).ToList()
            : [];

    /// <summary>
    /// The spool now: how many runs wait, how long ago the oldest started (read from its file name, which carries the
    /// run's start, so it does not depend on file times), their bytes, and how many were set aside as rejected.
    /// </summary>
    public SpoolState Snapshot(DateTimeOffset now)
    {
        var files = List();
        long bytes = 0;
        foreach (string file in files)
        {
            try
            {
                bytes += new FileInfo(file).Length;
            }
            catch (IOException)
            {
                // Delivered and deleted between the listing and here.
            }
        }
        double oldest = 0;
        if (files.Count > 0 && StartedOf(files[0]) is { } started)
        {
            oldest = Math.Max(0, (now - started).TotalSeconds);
        }
        string rejected = Path.Combine(Directory, RejectedDirectoryName);
        int rejectedCount = System.IO.Directory.Exists(rejected) ? System.IO.Directory.GetFiles(rejected, "*.json").Length : 0;
        return new SpoolState(files.Count, oldest, bytes, rejectedCount);
    }

    /// <summary>The run's start from a spool file name <c>yyyyMMddTHHmmssfffffff-RUNID.json</c>; null for another name.</summary>
    internal static DateTimeOffset? StartedOf(string path)
    {
        string name = Path.GetFileName(path);
        int dash = name.IndexOf('-', StringComparison.Ordinal);
        return dash > 0 && DateTime.TryParseExact(name[..dash], "yyyyMMdd'T'HHmmssfffffff", System.Globalization.CultureInfo.InvariantCulture,
            System.Globalization.DateTimeStyles.AdjustToUniversal | System.Globalization.DateTimeStyles.AssumeUniversal, out var started)
            ? new DateTimeOffset(started, TimeSpan.Zero)
            : null;
    }

    /// <summary>Removes a delivered document.</summary>
    public static void Remove(string path) => File.Delete(path);

    /// <summary>Moves a document the service refused as invalid out of the way (kept, never retried).</summary>
    public string Reject(string path)
    {
        string rejected = Path.Combine(Directory, RejectedDirectoryName);
        System.IO.Directory.CreateDirectory(rejected);
        string target = Path.Combine(rejected, Path.GetFileName(path));
        File.Move(path, target, overwrite: true);
        return target;
    }
}
