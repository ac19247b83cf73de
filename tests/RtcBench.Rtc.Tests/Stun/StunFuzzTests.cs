using RtcBench.Rtc.Stun;

namespace RtcBench.Rtc.Tests.Stun;

/// <summary>Seeded random, mutated and truncated inputs: the parser and verifiers must never throw.</summary>
public sealed class StunFuzzTests
{
    private const int Seed = 20261121;
    private const int Iterations = 100_000;

    [Fact]
    public void ReaderAndVerifiers_HostileInputs_NeverThrow()
    {
        var random = new Random(Seed);
        byte[][] seeds = [StunVectors.SampleRequest, StunVectors.SampleIPv4Response, StunVectors.SampleIPv6Response];
        var buffer = new byte[256];
        int parsed = 0;
        for (int i = 0; i < Iterations; i++)
        {
            int length;
            switch (i % 4)
            {
                case 0: // pure random, but with a STUN-looking header half the time
                    length = random.Next(0, 160);
                    random.NextBytes(buffer.AsSpan(0, length));
                    if (length >= 20 && random.Next(2) == 0)
                    {
                        MakeHeaderPlausible(buffer, length);
                    }

                    break;
                case 1: // mutate a few bytes of a valid vector
                    length = CopySeed(random, seeds, buffer);
                    for (int k = random.Next(1, 6); k > 0; k--)
                    {
                        buffer[random.Next(length)] = (byte)random.Next(256);
                    }

                    break;
                case 2: // mutate attribute length fields specifically, keep the header consistent
                    length = CopySeed(random, seeds, buffer);
                    buffer[20 + (4 * random.Next((length - 20) / 4)) + 2 + random.Next(2)] = (byte)random.Next(256);
                    break;
                default: // truncate or extend a vector and fix the length field half the time
                    length = CopySeed(random, seeds, buffer);
                    length = random.Next(0, length + 12);
                    if (length >= 20 && random.Next(2) == 0)
                    {
                        MakeHeaderPlausible(buffer, length);
                    }

                    break;
            }

            var input = buffer.AsSpan(0, length);
            StunMessageReader.IsStun(input);
            StunMessageReader.VerifyIntegrity(input, StunVectors.Password);
            StunMessageReader.VerifyIntegritySha256(input, StunVectors.Password);
            StunMessageReader.VerifyFingerprint(input);
            if (StunMessageReader.TryRead(input, out var m))
            {
                parsed++;
                Exercise(m);
            }
        }

        // The corpus must reach the parser's inner paths, not just the header check.
        Assert.True(parsed > Iterations / 10, $"seed {Seed}: only {parsed} inputs parsed");
    }

    private static int CopySeed(Random random, byte[][] seeds, byte[] buffer)
    {
        var seed = seeds[random.Next(seeds.Length)];
        seed.CopyTo(buffer, 0);
        return seed.Length;
    }

    private static void MakeHeaderPlausible(byte[] buffer, int length)
    {
        buffer[0] &= 0x03;
        buffer[2] = (byte)((length - 20) >> 8);
        buffer[3] = (byte)(length - 20);
        buffer[4] = 0x21;
        buffer[5] = 0x12;
        buffer[6] = 0xA4;
        buffer[7] = 0x42;
    }

    private static void Exercise(StunMessage m)
    {
        m.TryGetUsername(out _);
        m.TryGetSoftware(out _);
        m.TryGetMappedAddress(out _);
        m.TryGetXorMappedAddress(out _);
        m.TryGetErrorCode(out _);
        m.TryGetUnknownAttributes(out _);
        m.TryGetPriority(out _);
        m.TryGetIceControlled(out _);
        m.TryGetIceControlling(out _);
        m.TryGetFingerprint(out _);
        _ = m.HasUseCandidate;
        Span<ushort> unknown = stackalloc ushort[8];
        m.GetUnknownComprehensionRequired(unknown);
        m.VerifyIntegrity(StunVectors.Password);
        m.VerifyFingerprint();
    }
}
