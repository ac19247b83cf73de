using System.Globalization;
using System.Text;

namespace RtcBench.Bench;

/// <summary>Parses the results-service subcommand's options, runs it on each store and writes the report.</summary>
internal static class ResultsServiceCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        if (BenchArgs.Read(args, "--stores", "--postgres", "--pings", "--queries") is not { } a)
        {
            return 2;
        }

        string stores = a.String("--stores", "sqlite,postgres");
        string? postgres = a.String("--postgres") ?? Environment.GetEnvironmentVariable("RTCBENCH_BENCH_POSTGRES");
        int pings = a.Int("--pings", 1_000_000), queries = a.Int("--queries", 30);
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
        return await BenchReport.EmitAsync(text, a.Output);
    }
}
