namespace RtcBench.Server.Dashboard;

/// <summary>One embedded dashboard file: its bytes, content type and strong ETag.</summary>
internal sealed record DashboardAsset(string Path, byte[] Bytes, string ContentType, string ETag);
