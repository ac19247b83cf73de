using System.Text;
using RtcBench.Rtc.Stun;

namespace RtcBench.Rtc.Tests.Ice;

/// <summary>
/// Builds a Binding request the way Chromium sends its checks (PROTOCOLS.md §1): USERNAME, GOOG-NETWORK-INFO
/// (0xC057), ICE-CONTROLLING, [USE-CANDIDATE], PRIORITY, MESSAGE-INTEGRITY, FINGERPRINT. Switches drop or alter
/// parts for the negative tests.
/// </summary>
internal sealed record ChromiumCheck(string Username, string Password)
{
    public StunTransactionId TransactionId { get; init; } = StunTransactionId.New();
    public bool UseCandidate { get; init; }
    public bool Controlled { get; init; }
    public bool WithUsername { get; init; } = true;
    public bool WithPriority { get; init; } = true;
    public bool WithIntegrity { get; init; } = true;
    public bool WithFingerprint { get; init; } = true;
    public ushort? ExtraAttribute { get; init; }
    public StunMessageType Type { get; init; } = StunMessageType.BindingRequest;

    public byte[] ToBytes()
    {
        var buffer = new byte[512];
        var w = new StunMessageWriter(buffer, Type, TransactionId);
        if (WithUsername)
        {
            w.AddUsername(Username);
        }

        w.AddRaw(StunAttributeType.GoogNetworkInfo, [0x00, 0x01, 0x00, 0x0A]);
        if (Controlled)
        {
            w.AddIceControlled(0x1122334455667788);
        }
        else
        {
            w.AddIceControlling(0x1122334455667788);
        }

        if (UseCandidate)
        {
            w.AddUseCandidate();
        }

        if (WithPriority)
        {
            w.AddPriority(1853824767);
        }

        if (ExtraAttribute is { } extra)
        {
            w.AddRaw(extra, [1, 2, 3, 4]);
        }

        if (WithIntegrity)
        {
            w.AddMessageIntegrity(Encoding.UTF8.GetBytes(Password));
        }

        if (WithFingerprint)
        {
            w.AddFingerprint();
        }

        return w.ToArray();
    }
}
