namespace RtcBench.Bench;

/// <summary>Where every benchmark's report goes: stdout, and <c>--out FILE</c> when given.</summary>
internal static class BenchReport
{
    public static async Task<int> EmitAsync(string report, string? output)
    {
        Console.WriteLine(report);
        if (output is not null)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
            await File.WriteAllTextAsync(output, report);
            Console.Error.WriteLine($"wrote {Path.GetFullPath(output)}");
        }

        return 0;
    }
}
