using Microsoft.AspNetCore.Diagnostics;

namespace BookingAssignment.Api.Http;

/// <summary>
/// Last line of defence: the database being unreachable is a 503 with Retry-After (the request
/// persisted nothing, because every write is one transaction); anything else is a 500 problem.
/// </summary>
internal partial class ErrorHandling(ILogger<ErrorHandling> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken ct)
    {
        if (exception is BadHttpRequestException bad)
        {
            await Problems.Status(bad.StatusCode, "Bad request", bad.Message).ExecuteAsync(http);
            return true;
        }
        if (DbErrors.IsUnavailable(exception))
        {
            LogDatabaseUnavailable(logger, http.Request.Path, exception.GetBaseException().Message);
            http.Response.Headers.RetryAfter = "5";
            await Problems.Status(StatusCodes.Status503ServiceUnavailable, "Service unavailable",
                "The booking database is unreachable and this request was not completed. Retry shortly; with the same Idempotency-Key a booking that was saved is returned, never made twice.", "database_unavailable").ExecuteAsync(http);
            return true;
        }
        LogUnhandled(logger, exception, http.Request.Path);
        await Problems.Status(StatusCodes.Status500InternalServerError, "Internal error", "An unexpected error occurred.").ExecuteAsync(http);
        return true;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Database unavailable while serving {Path}: {Error}")]
    private static partial void LogDatabaseUnavailable(ILogger logger, string path, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled error while serving {Path}")]
    private static partial void LogUnhandled(ILogger logger, Exception ex, string path);
}
