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

    public static AgentChildProcess Start()
    {
        string self = Environment.ProcessPath!;
        var psi = new ProcessStartInfo { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            psi.FileName = self;
            psi.ArgumentList.Add(typeof(AgentChildProcess).Assembly.Location);
        }
        else
        {
            psi.FileName = self;
        }
        psi.ArgumentList.Add("agent-host");
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
    public static async Task<int> RunChildAsync()
    {
        await using var agent = await AgentHost.StartAsync(new AgentOptions
        {
            Listen = new IPEndPoint(IPAddress.Loopback, 0),
            MaxRooms = 5000,
        });
        using var sampler = new AllocationSampler();
        Console.Out.WriteLine("url " + agent.BaseUrl);
        Console.Out.Flush();
        while (await Console.In.ReadLineAsync() is { } command)
        {
            if (command == "stats")
            {
                Console.Out.WriteLine(ProcessFigures.Current().Format());
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
        return 0;
    }
}

/// <summary>One process's figures. Allocation is read first so reading the rest is not counted in it.</summary>
internal readonly record struct ProcessFigures(long AllocatedBytes, int Threads, long WorkingSetBytes, long ManagedHeapBytes, double CpuMs)
{
    public static ProcessFigures Current()
    {
        long allocated = GC.GetTotalAllocatedBytes(precise: true);
        using var self = Process.GetCurrentProcess();
        return new ProcessFigures(allocated, self.Threads.Count, self.WorkingSet64, GC.GetGCMemoryInfo().HeapSizeBytes, self.TotalProcessorTime.TotalMilliseconds);
    }

    public string Format() => string.Create(CultureInfo.InvariantCulture, $"{AllocatedBytes} {Threads} {WorkingSetBytes} {ManagedHeapBytes} {CpuMs}");

    public static ProcessFigures Parse(string line)
    {
        var p = line.Split(' ');
        var inv = CultureInfo.InvariantCulture;
        return new ProcessFigures(long.Parse(p[0], inv), int.Parse(p[1], inv), long.Parse(p[2], inv), long.Parse(p[3], inv), double.Parse(p[4], inv));
    }
}
