using System.Diagnostics;
using System.Globalization;
using System.Net;
using RtcBench.Agent;

namespace RtcBench.Bench;

/// <summary>
/// The echo agent in a process of its own (this program, <c>agent-host</c>), so the runner sessions do not share its
/// heap and its allocation, thread and memory figures are its alone. Talks over stdin/stdout: the child prints
/// <c>url …</c> when it listens and answers each <c>stats</c> line with one line of figures.
/// </summary>
internal sealed class AgentChildProcess : IDisposable
{
    private readonly Process _process;

    private AgentChildProcess(Process process, Uri baseUrl)
    {
        _process = process;
        BaseUrl = baseUrl;
    }

    public Uri BaseUrl { get; }

    /// <summary>Set to 1 in the child's environment: its agent reads pings with the general JSON reader alone.</summary>
    public const string GeneralReaderVariable = "RTCBENCH_BENCH_GENERAL_READER";

    /// <param name="directSocket">The agent's <c>--direct-socket</c>: <c>shared</c> (the default) or <c>per-session</c>.</param>
    /// <param name="directEngine">The agent's <c>--direct-engine</c>: <c>core</c> (the agent's default) or <c>peer</c>.</param>
    /// <param name="environment">Extra environment variables for the child (e.g. a runtime switch to compare).</param>
    /// <param name="assembly">The RtcBench.Bench.dll to run (another build's, run with dotnet); null: this one.</param>
    public static AgentChildProcess Start(string directSocket = "shared", string directEngine = "peer", IReadOnlyDictionary<string, string>? environment = null,
        string? assembly = null)
    {
        string self = Environment.ProcessPath!;
        var psi = new ProcessStartInfo { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            psi.Environment[name] = value;
        }
        if (assembly is not null)
        {
            psi.FileName = "dotnet";
            psi.ArgumentList.Add(assembly);
        }
        else if (Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            psi.FileName = self;
            psi.ArgumentList.Add(typeof(AgentChildProcess).Assembly.Location);
        }
        else
        {
            psi.FileName = self;
        }
        psi.ArgumentList.Add("agent-host");
        psi.ArgumentList.Add(directSocket);
        psi.ArgumentList.Add(directEngine);
        var process = Process.Start(psi) ?? throw new InvalidOperationException("cannot start the agent process");
        string? line = process.StandardOutput.ReadLine();
        if (line is null || !line.StartsWith("url ", StringComparison.Ordinal))
        {
            process.Kill();
            throw new InvalidOperationException($"the agent process did not start: {line}");
        }
        return new AgentChildProcess(process, new Uri(line[4..]));
    }

    /// <summary>The agent process's allocated bytes, threads, working set and managed heap, right now.</summary>
    public ProcessFigures Stats()
    {
        _process.StandardInput.WriteLine("stats");
        _process.StandardInput.Flush();
        string line = _process.StandardOutput.ReadLine() ?? throw new InvalidOperationException("the agent process exited");
        return ProcessFigures.Parse(line);
    }

    /// <summary>Starts the minimal raw UDP echo (<see cref="RawUdpEcho"/>) in the agent's process (once) and returns
    /// its address: the floor for an echo that, like the agent's, lives in another process.</summary>
    public IPEndPoint RawEcho()
    {
        _process.StandardInput.WriteLine("raw-echo");
        _process.StandardInput.Flush();
        string line = _process.StandardOutput.ReadLine() ?? throw new InvalidOperationException("the agent process exited");
        if (!line.StartsWith("port ", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"unexpected answer from the agent process: {line}");
        }
        return new IPEndPoint(IPAddress.Loopback, int.Parse(line[5..], CultureInfo.InvariantCulture));
    }

    public void StartSampling()
    {
        _process.StandardInput.WriteLine("sample-start");
        _process.StandardInput.Flush();
    }

    /// <summary>The agent's sampled top allocated types since <see cref="StartSampling"/>: <c>type=bytes;…</c>.</summary>
    public string StopSampling()
    {
        _process.StandardInput.WriteLine("sample-stop");
        _process.StandardInput.Flush();
        return _process.StandardOutput.ReadLine() ?? "";
    }

    public void Dispose()
    {
        try
        {
            _process.StandardInput.Close();
            if (!_process.WaitForExit(10_000))
            {
                _process.Kill();
            }
        }
        finally
        {
            _process.Dispose();
        }
    }

    /// <summary>The child side: run the agent until stdin closes.</summary>
    public static async Task<int> RunChildAsync(string[] args)
    {
        if (Environment.GetEnvironmentVariable(GeneralReaderVariable) == "1")
        {
            Core.Protocol.PingCodec.UseCanonicalReader = false; // the udp-floor benchmark's "before" agent
        }
        await using var agent = await AgentHost.StartAsync(new AgentOptions
        {
            Listen = new IPEndPoint(IPAddress.Loopback, 0),
            MaxRooms = 5000,
            DirectSocket = args.Length > 1 && args[1] == "per-session" ? Agent.Platforms.DirectSocketMode.PerSession : Agent.Platforms.DirectSocketMode.Shared,
            DirectEngine = args.Length > 2 && args[2] == "core" ? Agent.Platforms.DirectEngine.Core : Agent.Platforms.DirectEngine.Peer,
        });
        using var sampler = new AllocationSampler();
        RawUdpEcho? raw = null;
        Console.Out.WriteLine("url " + agent.BaseUrl);
        Console.Out.Flush();
        while (await Console.In.ReadLineAsync() is { } command)
        {
            if (command == "stats")
            {
                Console.Out.WriteLine(ProcessFigures.Current().Format());
                Console.Out.Flush();
            }
            else if (command == "raw-echo")
            {
                raw ??= new RawUdpEcho();
                Console.Out.WriteLine("port " + raw.Endpoint.Port.ToString(CultureInfo.InvariantCulture));
                Console.Out.Flush();
            }
            else if (command == "sample-start")
            {
                sampler.Start();
            }
            else if (command == "sample-stop")
            {
                Console.Out.WriteLine(sampler.Stop());
                Console.Out.Flush();
            }
        }
        raw?.Dispose();
        return 0;
    }
}

/// <summary>
/// One process's figures. Allocation is read first so reading the rest is not counted in it. <see cref="UdpSockets"/>:
/// the process's open UDP sockets (its socket descriptors whose inode is in /proc/net/udp or udp6), -1 off Linux.
/// </summary>
internal readonly record struct ProcessFigures(long AllocatedBytes, int Threads, long WorkingSetBytes, long ManagedHeapBytes, double CpuMs, int UdpSockets)
{
    public static ProcessFigures Current()
    {
        long allocated = GC.GetTotalAllocatedBytes(precise: true);
        using var self = Process.GetCurrentProcess();
        return new ProcessFigures(allocated, self.Threads.Count, self.WorkingSet64, GC.GetGCMemoryInfo().HeapSizeBytes, self.TotalProcessorTime.TotalMilliseconds, CountUdpSockets());
    }

    public string Format() => string.Create(CultureInfo.InvariantCulture, $"{AllocatedBytes} {Threads} {WorkingSetBytes} {ManagedHeapBytes} {CpuMs} {UdpSockets}");

    public static ProcessFigures Parse(string line)
    {
        var p = line.Split(' ');
        var inv = CultureInfo.InvariantCulture;
        return new ProcessFigures(long.Parse(p[0], inv), int.Parse(p[1], inv), long.Parse(p[2], inv), long.Parse(p[3], inv), double.Parse(p[4], inv), int.Parse(p[5], inv));
    }

    private static int CountUdpSockets()
    {
        if (!Directory.Exists("/proc/self/fd"))
        {
            return -1;
        }

        var inodes = new HashSet<string>(StringComparer.Ordinal);
        foreach (string table in new[] { "/proc/self/net/udp", "/proc/self/net/udp6" })
        {
            if (!File.Exists(table))
            {
                continue;
            }

            foreach (string line in File.ReadLines(table).Skip(1))
            {
                var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (fields.Length > 9)
                {
                    inodes.Add(fields[9]);
                }
            }
        }

        int count = 0;
        foreach (string fd in Directory.EnumerateFileSystemEntries("/proc/self/fd"))
        {
            try
            {
                if (new FileInfo(fd).LinkTarget is { } target && target.StartsWith("socket:[", StringComparison.Ordinal) && inodes.Contains(target[8..^1]))
                {
                    count++;
                }
            }
            catch (IOException)
            {
                // Closed while we looked.
            }
        }

        return count;
    }
}
