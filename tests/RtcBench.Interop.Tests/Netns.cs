using System.Diagnostics;
using System.Globalization;
using System.Net;

namespace RtcBench.Interop.Tests;

/// <summary>
/// A network namespace joined to the root namespace by a veth pair: root side <see cref="RootAddress"/>
/// (10.99.N.2/30), namespace side <see cref="NamespaceAddress"/> (10.99.N.1/30, default route via the root side), lo up.
/// IPv6 is off on both ends and the root end never forwards, so nothing from inside can leave for another address.
/// Names carry the test process id; namespaces of dead test processes are removed first. Needs root and iproute2.
/// </summary>
internal sealed class Netns : IDisposable
{
    private const string Prefix = "rtcbench-";

    private Netns(string name, string rootLink, int subnet)
    {
        Name = name;
        RootLink = rootLink;
        RootAddress = IPAddress.Parse($"10.99.{subnet}.2");
        NamespaceAddress = IPAddress.Parse($"10.99.{subnet}.1");
    }

    public string Name { get; }

    public string RootLink { get; }

    public IPAddress RootAddress { get; }

    public IPAddress NamespaceAddress { get; }

    public static Netns Create()
    {
        if (!File.Exists("/usr/sbin/ip") && !File.Exists("/sbin/ip") && !File.Exists("/usr/bin/ip"))
        {
            throw new InvalidOperationException("`ip` is not installed: apt-get install -y iproute2");
        }

        RemoveStale();
        int pid = Environment.ProcessId;
        int serial = Interlocked.Increment(ref s_serial);
        string id = string.Create(CultureInfo.InvariantCulture, $"{pid}-{serial}");
        int subnet = PickSubnet(pid + serial);
        var netns = new Netns(Prefix + id, $"rb{pid % 100000}x{serial}", subnet);
        try
        {
            netns.Build();
            return netns;
        }
        catch
        {
            netns.Dispose();
            throw;
        }
    }

    private static int s_serial;

    public void Dispose()
    {
        // Deleting the namespace destroys its veth end and with it the root end; delete the root end too in case
        // the namespace never got it.
        TryIp("link", "del", RootLink);
        TryIp("netns", "del", Name);
    }

    private void Build()
    {
        string inner = RootLink + "n";
        Ip("netns", "add", Name);
        Ip("link", "add", RootLink, "type", "veth", "peer", "name", inner);
        WriteSysctl($"/proc/sys/net/ipv6/conf/{RootLink}/disable_ipv6", "1");
        WriteSysctl($"/proc/sys/net/ipv4/conf/{RootLink}/forwarding", "0");
        Ip("link", "set", inner, "netns", Name);
        Ip("addr", "add", RootAddress + "/30", "dev", RootLink);
        Ip("link", "set", RootLink, "up");
        Ip("netns", "exec", Name, "sh", "-c", $"echo 1 > /proc/sys/net/ipv6/conf/all/disable_ipv6 || true");
        Ip("-n", Name, "link", "set", "lo", "up");
        Ip("-n", Name, "addr", "add", NamespaceAddress + "/30", "dev", inner);
        Ip("-n", Name, "link", "set", inner, "up");
        Ip("-n", Name, "route", "add", "default", "via", RootAddress.ToString());
    }

    private static int PickSubnet(int seed)
    {
        string used = TryIp("-4", "-o", "addr", "show") ?? "";
        for (int i = 0; i < 254; i++)
        {
            int n = 1 + ((seed + i) % 254);
            if (!used.Contains($" 10.99.{n}.", StringComparison.Ordinal))
            {
                return n;
            }
        }

        throw new InvalidOperationException("No free 10.99.N.0/30 subnet for the test namespace.");
    }

    private static void RemoveStale()
    {
        foreach (string line in (TryIp("netns", "list") ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            string name = line.Split(' ')[0];
            if (!name.StartsWith(Prefix, StringComparison.Ordinal))
            {
                continue;
            }

            string[] parts = name[Prefix.Length..].Split('-');
            if (parts.Length == 2 && int.TryParse(parts[0], CultureInfo.InvariantCulture, out int pid) && pid != Environment.ProcessId && !ProcessExists(pid))
            {
                TryIp("link", "del", $"rb{pid % 100000}x{parts[1]}");
                TryIp("netns", "del", name);
            }
        }
    }

    private static bool ProcessExists(int pid) => Directory.Exists($"/proc/{pid}");

    private static void WriteSysctl(string path, string value)
    {
        if (File.Exists(path))
        {
            File.WriteAllText(path, value);
        }
    }

    private static string Ip(params string[] args) =>
        TryIp(out string output, args) ? output
            : throw new InvalidOperationException($"ip {string.Join(' ', args)} failed (the interop tests create a network namespace: run them as root): {output}");

    private static string? TryIp(params string[] args) => TryIp(out string output, args) ? output : null;

    private static bool TryIp(out string output, string[] args)
    {
        var start = new ProcessStartInfo("ip") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("cannot start ip");
        var stderr = process.StandardError.ReadToEndAsync();
        output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        output += stderr.Result;
        return process.ExitCode == 0;
    }
}
