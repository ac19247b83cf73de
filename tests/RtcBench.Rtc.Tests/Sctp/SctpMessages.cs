namespace RtcBench.Rtc.Tests.Sctp;

/// <summary>Deterministic test payloads whose content encodes their index, so corruption and reordering show.</summary>
internal static class SctpMessages
{
    /// <summary>Mixed sizes from 1 B to 256 KiB: mostly small, some multi-fragment, a few maximal.</summary>
    public static int[] MixedSizes(int count, Random rnd)
    {
        var sizes = new int[count];
        for (var i = 0; i < count; i++)
        {
            var r = rnd.NextDouble();
            sizes[i] = r < 0.7 ? rnd.Next(1, 1200) : r < 0.95 ? rnd.Next(1200, 20_000) : rnd.Next(20_000, 256 * 1024 + 1);
        }

        sizes[0] = 1;
        sizes[count / 2] = 256 * 1024;
        return sizes;
    }

    public static byte[] Payload(int index, int size)
    {
        var b = new byte[size];
        for (var i = 0; i < size; i++)
        {
            b[i] = (byte)((index * 31) + i);
        }

        if (size >= 4)
        {
            BitConverter.TryWriteBytes(b, index);
        }

        return b;
    }
}
