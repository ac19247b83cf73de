using System.Globalization;

namespace RtcBench.Platforms.Tests.Daily;

/// <summary>Live (non-zombie) descendants of this test process, read from /proc.</summary>
internal static class ProcessTree
{
    public static Dictionary<int, string> Descendants()
    {
        var parents = new Dictionary<int, (int Parent, string Name)>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out int pid))
            {
                continue;
            }
            string stat;
            try
            {
                stat = File.ReadAllText(Path.Combine(dir, "stat"));
            }
            catch (IOException)
            {
                continue; // exited meanwhile
            }
            // pid (comm) state ppid ...; comm may contain spaces and parentheses: split at the last ')'.
            int close = stat.LastIndexOf(')');
            string name = stat[(stat.IndexOf('(') + 1)..close];
            string[] rest = stat[(close + 2)..].Split(' ');
            if (rest[0] == "Z" || rest[0] == "X")
            {
                continue;
            }
            parents[pid] = (int.Parse(rest[1], CultureInfo.InvariantCulture), name);
        }
        var result = new Dictionary<int, string>();
        var frontier = new Queue<int>([Environment.ProcessId]);
        while (frontier.Count > 0)
        {
            int parent = frontier.Dequeue();
            foreach (var (pid, info) in parents)
            {
                if (info.Parent == parent && result.TryAdd(pid, info.Name))
                {
                    frontier.Enqueue(pid);
                }
            }
        }
        return result;
    }

    public static bool IsAlive(int pid)
    {
        try
        {
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            char state = stat[stat.LastIndexOf(')') + 2];
            return state is not ('Z' or 'X');
        }
        catch (IOException)
        {
            return false;
        }
    }
}
