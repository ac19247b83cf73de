using Microsoft.AspNetCore.Http;

namespace RtcBench.Agent.Http;

/// <summary>A client error to answer with a ProblemDetails body.</summary>
internal sealed record RequestError(int Status, string Title, string Detail)
{
    public static RequestError BadRequest(string detail) => new(StatusCodes.Status400BadRequest, "Bad Request", detail);

    public IResult ToResult() => Results.Problem(detail: Detail, statusCode: Status, title: Title);
}
