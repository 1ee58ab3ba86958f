using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace BookingAssignment.Api.Health;

internal sealed class PostgresHealthCheck(BookingDb db) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        try
        {
            await db.Database.ExecuteSqlRawAsync("SELECT 1", ct);
            return HealthCheckResult.Healthy();
        }
        catch (Exception ex) when (DbErrors.IsUnavailable(ex) || ex is InvalidOperationException)
        {
            return HealthCheckResult.Unhealthy("PostgreSQL does not answer: " + ex.GetBaseException().Message);
        }
    }
}
