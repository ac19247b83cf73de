using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace RtcBench.Hosting;

/// <summary>The HTTP set-up the agent and the results service share.</summary>
public static class MinimalApiHost
{
    /// <summary>
    /// A builder that reads no appsettings.json from the working directory and no environment variables: Kestrel on
    /// <paramref name="listen"/> without a Server header and with a hard request-body limit, routing, ProblemDetails,
    /// and JSON with snake_case names that leaves nulls out.
    /// </summary>
    public static WebApplicationBuilder CreateBuilder(string applicationName, IPEndPoint listen, long maxRequestBodyBytes, ILoggerFactory loggerFactory)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ApplicationName = applicationName });
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = maxRequestBodyBytes;
            kestrel.Listen(listen);
        });
        builder.Services.AddSingleton(loggerFactory);
        builder.Services.AddRouting();
        builder.Services.AddProblemDetails();
        builder.Services.ConfigureHttpJsonOptions(json =>
        {
            json.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
            json.SerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        });
        return builder;
    }
}
