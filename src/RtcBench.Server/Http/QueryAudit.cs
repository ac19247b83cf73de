using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace RtcBench.Server.Http;

/// <summary>
/// Refuses (400) a query parameter a route does not take, or one given twice, on every route of the API: a typo such
/// as <c>?limt=5</c> or a parameter of another route (<c>/api/results/latest?limit=-1</c>) is an error, never silently
/// ignored. The parameters each route takes are the <c>in: query</c> parameters of openapi.json, so the document and
/// the service cannot disagree; routes outside the document (the dashboard's pages) are not audited.
/// </summary>
internal sealed class QueryAudit
{
    private readonly Dictionary<string, string[]> _parameters = Load();

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        if (context.GetEndpoint() is RouteEndpoint endpoint
            && _parameters.TryGetValue($"{context.Request.Method.ToUpperInvariant()} {endpoint.RoutePattern.RawText}", out var allowed)
            && Check(context.Request, allowed, endpoint.RoutePattern.RawText ?? "") is { } problem)
        {
            await ProblemResults.BadRequest(problem).ExecuteAsync(context).ConfigureAwait(false);
            return;
        }
        await next(context).ConfigureAwait(false);
    }

    private static string? Check(HttpRequest request, string[] allowed, string route)
    {
        foreach (var (name, values) in request.Query)
        {
            if (!allowed.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                string shown = name.Length > 40 ? name[..40] + "…" : name;
                return allowed.Length == 0
                    ? $"{shown}: {request.Method} {route} takes no query parameters"
                    : $"{shown}: not a parameter of {request.Method} {route}; it takes {string.Join(", ", allowed)}";
            }
            if (values.Count > 1)
            {
                return $"{name}: given {values.Count} times; give it once";
            }
        }
        return null;
    }

    /// <summary>"GET /api/runs" → its query parameters, from the embedded openapi.json.</summary>
    private static Dictionary<string, string[]> Load()
    {
        using var document = JsonDocument.Parse(OpenApiDocument.Json);
        var routes = new Dictionary<string, string[]>(StringComparer.Ordinal);
        foreach (var path in document.RootElement.GetProperty("paths").EnumerateObject())
        {
            foreach (var operation in path.Value.EnumerateObject())
            {
                var names = new List<string>();
                if (operation.Value.TryGetProperty("parameters", out var parameters))
                {
                    foreach (var parameter in parameters.EnumerateArray())
                    {
                        if (parameter.GetProperty("in").GetString() == "query")
                        {
                            names.Add(parameter.GetProperty("name").GetString()!);
                        }
                    }
                }
                routes[$"{operation.Name.ToUpperInvariant()} {path.Name}"] = [.. names];
            }
        }
        return routes;
    }
}
