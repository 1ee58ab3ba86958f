using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace BookingAssignment.Api.Http;

/// <summary>RFC 9457 problem results used across the API, as typed results (they also describe the endpoints).</summary>
internal static class Problems
{
    public static ValidationProblem Validation(Dictionary<string, string[]> errors) =>
        TypedResults.ValidationProblem(errors, title: "The request is not valid.", type: "https://tools.ietf.org/html/rfc9110#section-15.5.1");

    /// <summary>404 that names the field whose value points nowhere (e.g. <c>restaurantId</c>), like a validation error does.</summary>
    public static ProblemHttpResult NotFound(string field, string detail) =>
        FieldProblem(StatusCodes.Status404NotFound, "Not found", "https://tools.ietf.org/html/rfc9110#section-15.5.5", field, detail);

    /// <summary>400 for one field, where the handler's result type has no room for a <see cref="ValidationProblem"/>.</summary>
    public static ProblemHttpResult Invalid(string field, string detail) =>
        FieldProblem(StatusCodes.Status400BadRequest, "The request is not valid.", "https://tools.ietf.org/html/rfc9110#section-15.5.1", field, detail);

    private static ProblemHttpResult FieldProblem(int status, string title, string type, string field, string detail) =>
        TypedResults.Problem(new HttpValidationProblemDetails(new Dictionary<string, string[]> { [field] = [detail] })
        {
            Status = status,
            Title = title,
            Type = type,
        });

    /// <summary>Any other problem, with a machine-readable <c>code</c>.</summary>
    public static ProblemHttpResult Status(int status, string title, string detail, string? code = null, IDictionary<string, object?>? extensions = null,
        string? type = null)
    {
        var problem = new ProblemDetails { Status = status, Title = title, Detail = detail, Type = type };
        if (code is not null) problem.Extensions["code"] = code;
        foreach (var (key, value) in extensions ?? new Dictionary<string, object?>()) problem.Extensions[key] = value;
        return TypedResults.Problem(problem);
    }
}
