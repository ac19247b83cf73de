namespace RtcBench.Rtc.Dtls;

/// <summary>
/// The SRTP master keys and salts a DTLS-SRTP handshake produced (RFC 5764 §4.2): the exporter (RFC 5705) with label
/// <c>EXTRACTOR-dtls_srtp</c>, no context, yields client_write_key ‖ server_write_key ‖ client_write_salt ‖
/// server_write_salt for the selected profile. Local is what we protect our SRTP with (the client's keys when we are
/// the DTLS client); remote is what the peer protects its SRTP with.
/// </summary>
public sealed class DtlsSrtpKeyingMaterial
{
    /// <summary>The label RFC 5764 §4.2 gives the exporter.</summary>
    public const string ExporterLabel = "EXTRACTOR-dtls_srtp";

    private readonly byte[] _localKey;
    private readonly byte[] _localSalt;
    private readonly byte[] _remoteKey;
    private readonly byte[] _remoteSalt;

    private DtlsSrtpKeyingMaterial(DtlsSrtpProfile profile, DtlsRole role, byte[] localKey, byte[] localSalt, byte[] remoteKey, byte[] remoteSalt)
    {
        Profile = profile;
        Role = role;
        _localKey = localKey;
        _localSalt = localSalt;
        _remoteKey = remoteKey;
        _remoteSalt = remoteSalt;
    }

    public DtlsSrtpProfile Profile { get; }

    /// <summary>Our DTLS role, which decides whether local means the client's or the server's half.</summary>
    public DtlsRole Role { get; }

    /// <summary>The master key our outgoing SRTP uses (16 bytes for both supported profiles).</summary>
    public ReadOnlySpan<byte> LocalMasterKey => _localKey;

    /// <summary>The master salt our outgoing SRTP uses (12 bytes for AEAD_AES_128_GCM, 14 for AES128_CM_HMAC_SHA1_80).</summary>
    public ReadOnlySpan<byte> LocalMasterSalt => _localSalt;

    /// <summary>The master key the peer's SRTP uses.</summary>
    public ReadOnlySpan<byte> RemoteMasterKey => _remoteKey;

    /// <summary>The master salt the peer's SRTP uses.</summary>
    public ReadOnlySpan<byte> RemoteMasterSalt => _remoteSalt;

    /// <summary>
    /// Splits the exporter's output for <paramref name="profile"/> (exactly
    /// <see cref="DtlsSrtpProfiles.KeyingMaterialLength"/> bytes) by <paramref name="role"/>.
    /// </summary>
    internal static DtlsSrtpKeyingMaterial FromExporterOutput(DtlsSrtpProfile profile, DtlsRole role, ReadOnlySpan<byte> exported)
    {
        int keyLength = DtlsSrtpProfiles.MasterKeyLength(profile);
        int saltLength = DtlsSrtpProfiles.MasterSaltLength(profile);
        if (exported.Length != 2 * (keyLength + saltLength))
        {
            throw new ArgumentException($"{DtlsSrtpProfiles.Name(profile)} needs {2 * (keyLength + saltLength)} bytes of keying material, not {exported.Length}.", nameof(exported));
        }

        byte[] clientKey = exported[..keyLength].ToArray();
        byte[] serverKey = exported.Slice(keyLength, keyLength).ToArray();
        byte[] clientSalt = exported.Slice(2 * keyLength, saltLength).ToArray();
        byte[] serverSalt = exported.Slice((2 * keyLength) + saltLength, saltLength).ToArray();
        return role == DtlsRole.Client
            ? new DtlsSrtpKeyingMaterial(profile, role, clientKey, clientSalt, serverKey, serverSalt)
            : new DtlsSrtpKeyingMaterial(profile, role, serverKey, serverSalt, clientKey, clientSalt);
    }
}
