using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Modes;

namespace RtcBench.Rtc.Dtls;

/// <summary>
/// An AEAD cipher that resets itself when authentication fails. BouncyCastle 1.8.10's GcmBlockCipher throws from
/// DoFinal without clearing its buffer, and TlsAeadCipher asks it for GetOutputSize before the next Init, so after
/// one forged record every later record would fail too (BouncyCastle never noticed: it treats the first failure as
/// fatal). We drop forged records and carry on, so we need the reset.
/// </summary>
internal sealed class ResettingAeadCipher(IAeadBlockCipher inner) : IAeadBlockCipher
{
    public string AlgorithmName => inner.AlgorithmName;

    public IBlockCipher GetUnderlyingCipher() => inner.GetUnderlyingCipher();

    public void Init(bool forEncryption, ICipherParameters parameters) => inner.Init(forEncryption, parameters);

    public int GetBlockSize() => inner.GetBlockSize();

    public void ProcessAadByte(byte input) => inner.ProcessAadByte(input);

    public void ProcessAadBytes(byte[] inBytes, int inOff, int len) => inner.ProcessAadBytes(inBytes, inOff, len);

    public int ProcessByte(byte input, byte[] outBytes, int outOff) => inner.ProcessByte(input, outBytes, outOff);

    public int ProcessBytes(byte[] inBytes, int inOff, int len, byte[] outBytes, int outOff) =>
        inner.ProcessBytes(inBytes, inOff, len, outBytes, outOff);

    public int DoFinal(byte[] outBytes, int outOff)
    {
        try
        {
            return inner.DoFinal(outBytes, outOff);
        }
        catch (InvalidCipherTextException)
        {
            inner.Reset();
            throw;
        }
    }

    public byte[] GetMac() => inner.GetMac();

    public int GetUpdateOutputSize(int len) => inner.GetUpdateOutputSize(len);

    public int GetOutputSize(int len) => inner.GetOutputSize(len);

    public void Reset() => inner.Reset();
}
