using Microsoft.AspNetCore.Http;

namespace RtcBench.Server.Http;

/// <summary>
/// Answers 503 with Retry-After when a request fails because the store cannot be reached, before the exception
/// reaches ASP.NET Core's exception handler (which would log it with its stack trace, once per request). The outage
/// itself is logged once by <see cref="StoreOutage"/>.
/// </summary>
internal sealed class StoreUnavailableAnswer(StoreOutage outage)
{
    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        try
        {
            await next(context).ConfigureAwait(false);
        }
        catch (Exception e) when (StoreFailure.IsUnavailable(e))
        {
            if (context.Response.HasStarted || context.RequestAborted.IsCancellationRequested)
            {
                return; // nobody to answer
            }
            outage.Refused(context.Request.Method, context.Request.Path.Value ?? "/");
            context.Response.Clear();
            await ProblemResults.StoreUnavailable(context).ExecuteAsync(context).ConfigureAwait(false);
        }
    }
}
