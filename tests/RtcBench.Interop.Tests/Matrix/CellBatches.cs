using System.Text;

namespace RtcBench.Interop.Tests.Matrix;

/// <summary>
/// What a cell sends in each direction, batch after batch (each one sent back to back, then awaited): 200 text
/// messages (non-ASCII included, lengths varying), 20 binary (1 to 1,844 bytes), an empty text and an empty binary
/// message (RFC 8831 PPIDs 56 and 57), one large binary message, and a burst of 100 binary messages. The content
/// depends on the direction, so an echo of the wrong side's message cannot pass.
/// </summary>
internal static class CellBatches
{
    public const string Texts = "200 text";
    public const string Binaries = "20 binary";
    public const string Empty = "empty text + empty binary";
    public const string Burst = "burst of 100";

    public static string Large(int size) => $"{size} B binary";

    public static IReadOnlyList<(string Name, IReadOnlyList<CellMessage> Messages)> For(string from, int largeSize)
    {
        byte seed = (byte)from.Length;
        var texts = Enumerable.Range(0, 200)
            .Select(i => new CellMessage(true, Encoding.UTF8.GetBytes($"{from} text {i:D3} ✓ {new string('.', i % 40)}")))
            .ToList();
        var binaries = Enumerable.Range(0, 20).Select(i => new CellMessage(false, Pattern(1 + (i * 97), (byte)(seed + i)))).ToList();
        var empty = new List<CellMessage> { new(true, []), new(false, []) };
        var large = new List<CellMessage> { new(false, Pattern(largeSize, seed)) };
        var burst = Enumerable.Range(0, 100).Select(i => new CellMessage(false, Pattern(100 + i, (byte)(seed * 3 + i)))).ToList();
        return [(Texts, texts), (Binaries, binaries), (Empty, empty), (Large(largeSize), large), (Burst, burst)];
    }

    private static byte[] Pattern(int length, byte seed)
    {
        var data = new byte[length];
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = (byte)((i * 31) + seed + (i >> 8));
        }

        return data;
    }
}
