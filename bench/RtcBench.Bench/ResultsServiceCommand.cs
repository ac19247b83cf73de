using System.Globalization;
using System.Text;

namespace RtcBench.Bench;

/// <summary>Parses the results-service subcommand's options, runs it on each store and writes the report.</summary>
internal static class ResultsServiceCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        string stores = "sqlite,postgres";
        string? postgres = Environment.GetEnvironmentVariable("RTCBENCH_BENCH_POSTGRES");
        int pings = 1_000_000, queries = 30;
        string? output = null;
        for (int i = 1; i + 1 < args.Length; i += 2)
        {
            switch (args[i])
            {
                case "--stores": stores = args[i + 1]; break;
                case "--postgres": postgres = args[i + 1]; break;
                case "--pings": pings = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                case "--queries": queries = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                case "--out": output = args[i + 1]; break;
                default: Console.Error.WriteLine($"unknown option {args[i]}"); return 2;
            }
        }
        var kinds = stores.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (kinds.Contains("postgres") && string.IsNullOrEmpty(postgres))
        {
            Console.Error.WriteLine("postgres needs --postgres CONNSTRING (or $RTCBENCH_BENCH_POSTGRES): a server where the bench may create a database");
            return 2;
        }
        var report = new StringBuilder();
        report.AppendLine("# Results service: ingest throughput and query latency");
        report.AppendLine();
        report.AppendLine(CultureInfo.InvariantCulture, $"- recorded: {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC on {Environment.ProcessorCount} cores, .NET {Environment.Version}");
        report.AppendLine(CultureInfo.InvariantCulture, $"- command: `dotnet run -c Release --project bench/RtcBench.Bench -- results-service --stores {stores} --pings {pings} --queries {queries}`");
        report.AppendLine("- service and HTTP clients in one process on loopback (Kestrel on 127.0.0.1:0), a fresh store each");
        report.AppendLine();
        foreach (string kind in kinds)
        {
            Console.Error.WriteLine($"results-service: {kind}…");
            report.Append(await ResultsServiceBenchmark.RunAsync(kind, postgres, pings, queries));
            report.AppendLine();
        }
        string text = report.ToString();
        return await BenchReport.EmitAsync(text, output);
    }
}
