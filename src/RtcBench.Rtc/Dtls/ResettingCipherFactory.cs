using Org.BouncyCastle.Crypto.Modes;
using Org.BouncyCastle.Crypto.Tls;

namespace RtcBench.Rtc.Dtls;

/// <summary>BouncyCastle's cipher factory with AES-GCM wrapped in <see cref="ResettingAeadCipher"/>.</summary>
internal sealed class ResettingCipherFactory : DefaultTlsCipherFactory
{
    protected override IAeadBlockCipher CreateAeadBlockCipher_Aes_Gcm() =>
        new ResettingAeadCipher(base.CreateAeadBlockCipher_Aes_Gcm());
}
