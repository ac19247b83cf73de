using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.Tokens;

namespace RtcBench.LiveKit.Tests.Auth;

/// <summary>JWTs put together byte by byte with HMACSHA256, independent of IdentityModel, for hostile-token tests.</summary>
internal static class HandMadeJwt
{
    public static string Sign(string headerJson, string payloadJson, string secret)
    {
        string signingInput = Encode(headerJson) + "." + Encode(payloadJson);
        byte[] mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.ASCII.GetBytes(signingInput));
        return signingInput + "." + Base64UrlEncoder.Encode(mac);
    }

    public static string Encode(string json) => Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(json));

    public static string PayloadJson(string jwt) => Encoding.UTF8.GetString(Base64UrlEncoder.DecodeBytes(jwt.Split('.')[1]));

    public static string HeaderJson(string jwt) => Encoding.UTF8.GetString(Base64UrlEncoder.DecodeBytes(jwt.Split('.')[0]));

    /// <summary>The HS256 signature part a token would have if signed with exactly the UTF-8 bytes of the secret.</summary>
    public static string SignatureWith(string jwt, string secret)
    {
        string signingInput = jwt[..jwt.LastIndexOf('.')];
        return Base64UrlEncoder.Encode(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.ASCII.GetBytes(signingInput)));
    }
}
