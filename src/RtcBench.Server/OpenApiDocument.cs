namespace RtcBench.Server;

/// <summary>The hand-written OpenAPI 3.1 document (openapi.json, embedded), served at /openapi.json.</summary>
internal static class OpenApiDocument
{
    public static string Json { get; } = Load();

    private static string Load()
    {
        using var stream = typeof(OpenApiDocument).Assembly.GetManifestResourceStream("RtcBench.Server.openapi.json")
            ?? throw new InvalidOperationException("The embedded openapi.json is missing.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
