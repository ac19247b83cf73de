using System.Reflection;
using System.Security.Cryptography;
using Microsoft.AspNetCore.StaticFiles;

namespace RtcBench.Server.Dashboard;

/// <summary>
/// The dashboard's files, embedded in this assembly at build time (resources named <c>dashboard/…</c>, see the
/// csproj) and held in memory: a few hundred KiB, so every request is a dictionary lookup. Each file has a strong
/// ETag (SHA-256 of its bytes) for conditional requests.
/// </summary>
internal sealed class DashboardAssets
{
    public const string ResourcePrefix = "dashboard/";

    private readonly Dictionary<string, DashboardAsset> _files = new(StringComparer.Ordinal);

    private DashboardAssets()
    {
    }

    /// <summary>The index page, served at each of the dashboard's view routes; null when the build embedded none.</summary>
    public DashboardAsset? Index => Find("index.html");

    public static DashboardAssets Load(Assembly assembly)
    {
        var assets = new DashboardAssets();
        var types = new FileExtensionContentTypeProvider();
        foreach (string name in assembly.GetManifestResourceNames())
        {
            if (!name.StartsWith(ResourcePrefix, StringComparison.Ordinal))
            {
                continue;
            }
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            byte[] bytes = buffer.ToArray();
            string path = name[ResourcePrefix.Length..];
            if (!types.TryGetContentType(path, out string? type))
            {
                type = "application/octet-stream";
            }
            if (type.StartsWith("text/", StringComparison.Ordinal) || type is "application/javascript" or "text/javascript" or "application/json")
            {
                type += "; charset=utf-8";
            }
            string etag = "\"" + Convert.ToHexStringLower(SHA256.HashData(bytes).AsSpan(0, 16)) + "\"";
            assets._files[path] = new DashboardAsset(path, bytes, type, etag);
        }
        return assets;
    }

    /// <summary>The file at <paramref name="path"/> (relative, no leading slash), or null.</summary>
    public DashboardAsset? Find(string path) => _files.GetValueOrDefault(path);
}
