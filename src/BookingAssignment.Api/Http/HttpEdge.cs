namespace BookingAssignment.Api.Http;

internal static class HttpEdge
{
    /// <summary>ProblemDetails for every error, the last-line exception handler, and the API's JSON settings for typed results.</summary>
    public static WebApplicationBuilder AddHttpEdge(this WebApplicationBuilder builder)
    {
        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<ErrorHandling>();
        builder.Services.ConfigureHttpJsonOptions(o => JsonBody.Configure(o.SerializerOptions));
        return builder;
    }
}
