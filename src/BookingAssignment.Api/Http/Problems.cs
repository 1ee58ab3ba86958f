using System.Text.Json;
using Microsoft.AspNetCore.Mvc;

namespace BookingAssignment.Api.Http;

/// <summary>RFC 9457 problem bodies used across the API.</summary>
public static class Problems
{
    public static IResult Validation(Dictionary<string, string[]> errors, int status = StatusCodes.Status400BadRequest) =>
        Results.Json(new HttpValidationProblemDetails(errors)
        {
            Status = status,
            Title = status == StatusCodes.Status404NotFound ? "Not found" : "The request is not valid.",
            Type = status == StatusCodes.Status404NotFound ? "https://tools.ietf.org/html/rfc9110#section-15.5.5" : "https://tools.ietf.org/html/rfc9110#section-15.5.1",
        }, JsonBody.Options, "application/problem+json", status);

    public static IResult NotFound(string field, string detail) =>
        Validation(new Dictionary<string, string[]> { [field] = [detail] }, StatusCodes.Status404NotFound);

    public static IResult Status(int status, string title, string detail, string? code = null)
    {
        var problem = new ProblemDetails { Status = status, Title = title, Detail = detail };
        if (code is not null) problem.Extensions["code"] = code;
        return Results.Json(problem, JsonBody.Options, "application/problem+json", status);
    }

    public static string Serialize(ProblemDetails problem) => JsonSerializer.Serialize(problem, JsonBody.Options);
}
