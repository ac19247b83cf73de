using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using RtcBench.Server.Http;

namespace RtcBench.Server.Dashboard;

/// <summary>
/// Serves the dashboard: its files under <c>/assets/</c>, and the index page at each of its views'
/// <see cref="ViewRoutes"/> (history-API routing: <c>/runs/ID</c> is a view, not a file). Nothing else serves the
/// page: there is no catch-all, so an unknown path (<c>/metrics</c>, <c>/api/nothing</c>, <c>/favicon.ico</c>) is a
/// 404 with ProblemDetails, and a new service route (<c>/metrics</c>, say) is simply mapped beside these.
/// Files are revalidated on every use (<c>no-cache</c> + ETag, 304 when unchanged): their names carry no hash, so
/// a newer build is seen at once while an unchanged one costs a few hundred bytes.
/// </summary>
internal static class DashboardEndpoints
{
    /// <summary>
    /// The dashboard's views, as the client-side router in <c>dashboard/src/main.ts</c> knows them (a test keeps the
    /// two equal). GET and HEAD only, so another method on them answers 405.
    /// </summary>
    public static readonly IReadOnlyList<string> ViewRoutes =
        ["/", "/pooled", "/timeseries", "/distribution", "/map", "/runs", "/runs/{id}"];

    private const string Security = "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

    private static readonly string[] Methods = [HttpMethods.Get, HttpMethods.Head];

    public static void Map(IEndpointRouteBuilder app, DashboardAssets assets)
    {
        app.MapMethods("/assets/{**path}", Methods, (HttpContext context, string path) =>
            assets.Find("assets/" + path) is { } file ? Serve(context, file) : ProblemResults.NotFound($"no dashboard file '{Short(path)}'"))
            .ExcludeFromDescription();
        foreach (string route in ViewRoutes)
        {
            app.MapMethods(route, Methods, (HttpContext context) =>
                assets.Index is { } index ? Serve(context, index) : ProblemResults.NotFound("this build of the service embeds no dashboard"))
                .ExcludeFromDescription();
        }
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
