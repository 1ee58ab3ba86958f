using BookingAssignment.Api.Configuration;

namespace BookingAssignment.Api.Persistence;

/// <summary>Applies pending migrations before the server starts listening (Database:MigrateOnStartup).</summary>
internal sealed partial class MigrateOnStartup(IServiceScopeFactory scopes, IOptions<DatabaseOptions> options, ILogger<MigrateOnStartup> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken ct)
    {
        if (!options.Value.MigrateOnStartup) return;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BookingDb>();
        var pending = (await db.Database.GetPendingMigrationsAsync(ct)).ToArray();
        await db.Database.MigrateAsync(ct);
        LogMigrated(logger, pending.Length == 0 ? "none pending" : string.Join(", ", pending));
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Database migrations applied: {Migrations}")]
    private static partial void LogMigrated(ILogger logger, string migrations);
}
