using Org.BouncyCastle.Security;
using Org.BouncyCastle.Tls.Crypto;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;

namespace RtcBench.Rtc.Dtls;

/// <summary>
/// BouncyCastle's own crypto provider, one per session, with every negotiated record cipher wrapped in
/// <see cref="BcGuardedCipher"/> (forged or malformed records dropped, write sequence numbers handed over safely).
/// </summary>
internal sealed class BcDtlsCrypto(BcPeerState state) : BcTlsCrypto(new SecureRandom())
{
    public override TlsCipher CreateCipher(TlsCryptoParameters cryptoParams, int encryptionAlgorithm, int macAlgorithm) =>
        state.GuardCipher(base.CreateCipher(cryptoParams, encryptionAlgorithm, macAlgorithm));
}
