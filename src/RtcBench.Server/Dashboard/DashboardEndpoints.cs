using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using RtcBench.Server.Http;

namespace RtcBench.Server.Dashboard;

/// <summary>
/// Serves the dashboard at <c>/</c>: its files under <c>/assets/</c>, and the index page for every other GET path
/// without a file extension that is not the API (history-API routing: <c>/runs/ID</c> is a view, not a file).
/// Files are revalidated on every use (<c>no-cache</c> + ETag, 304 when unchanged): their names carry no hash, so
/// a newer build is seen at once while an unchanged one costs a few hundred bytes.
/// </summary>
internal static class DashboardEndpoints
{
    private const string Security = "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

    public static void Map(IEndpointRouteBuilder app, DashboardAssets assets)
    {
        app.MapMethods("/assets/{**path}", [HttpMethods.Get, HttpMethods.Head], (HttpContext context, string path) =>
            assets.Find("assets/" + path) is { } file ? Serve(context, file) : ProblemResults.NotFound($"no dashboard file '{Short(path)}'"))
            .ExcludeFromDescription();
        // GET and HEAD only, so a wrong method on an API route still answers 405.
        app.MapFallback((HttpContext context) =>
        {
            string path = context.Request.Path.Value ?? "/";
            bool isView = !path.StartsWith("/api/", StringComparison.Ordinal) && !Path.HasExtension(path);
            // An empty 404 lets the status-code page answer it as for any unknown route (ProblemDetails).
            return isView && assets.Index is { } index ? Serve(context, index) : Results.StatusCode(StatusCodes.Status404NotFound);
        }).WithMetadata(new HttpMethodMetadata([HttpMethods.Get, HttpMethods.Head])).ExcludeFromDescription();
    }

    private static IResult Serve(HttpContext context, DashboardAsset file)
    {
        var headers = context.Response.Headers;
        headers.CacheControl = "no-cache";
        headers.ETag = file.ETag;
        headers.XContentTypeOptions = "nosniff";
        headers.ContentSecurityPolicy = Security;
        headers["Referrer-Policy"] = "no-referrer";
        if (context.Request.Headers.IfNoneMatch.Contains(file.ETag))
        {
            return Results.StatusCode(StatusCodes.Status304NotModified);
        }
        return Results.Bytes(file.Bytes, file.ContentType);
    }

    private static string Short(string text) => text.Length <= 60 ? text : text[..60] + "…";
}
