using System.Net;
using RtcBench.Rtc.Stun;

namespace RtcBench.Rtc.Tests.Stun;

/// <summary>The demultiplexer test, the verifiers and the writer are on per-packet paths: they must not allocate.</summary>
public sealed class StunAllocationTests
{
    [Fact]
    public void IsStunVerifyAndWrite_Warmed_AllocateNothing()
    {
        var buffer = new byte[256];
        var endpoint = new IPEndPoint(IPAddress.Parse("2001:db8::7"), 5000);
        var id = StunTransactionId.Read(StunVectors.TransactionId);
        bool ok = true;
        for (int round = 0; round < 2; round++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 100; i++)
            {
                ok &= StunMessageReader.IsStun(StunVectors.SampleRequest);
                ok &= StunMessageReader.VerifyIntegrity(StunVectors.SampleRequest, StunVectors.Password);
                ok &= StunMessageReader.VerifyFingerprint(StunVectors.SampleRequest);
                var w = new StunMessageWriter(buffer, StunMessageType.BindingSuccess, id);
                w.AddXorMappedAddress(endpoint);
                w.AddMessageIntegrity(StunVectors.Password);
                w.AddFingerprint();
                ok &= w.Length == 76;
            }

            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            if (round == 1)
            {
                Assert.Equal(0, allocated);
            }
        }

        Assert.True(ok);
    }
}
