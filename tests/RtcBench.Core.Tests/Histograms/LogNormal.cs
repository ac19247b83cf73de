namespace RtcBench.Core.Tests.Histograms;

/// <summary>Seeded log-normal samples (Box–Muller), in microseconds.</summary>
internal static class LogNormal
{
    public static double[] Samples(int seed, int count, double medianUs, double sigma)
    {
        var random = new Random(seed);
        var values = new double[count];
        double mu = Math.Log(medianUs);
        for (int i = 0; i < count; i++)
        {
            double u1 = 1.0 - random.NextDouble();
            double u2 = random.NextDouble();
            double z = Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
            values[i] = Math.Exp(mu + (sigma * z));
        }
        return values;
    }
}
