using BookingAssignment.Api.Configuration;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Npgsql;

namespace BookingAssignment.Api.Persistence;

internal static class PersistenceExtensions
{
    public static WebApplicationBuilder AddPersistence(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<DatabaseOptions>().BindConfiguration(DatabaseOptions.Section).ValidateOnStart();
        var connectionString = builder.Configuration.GetConnectionString("Postgres");
        if (string.IsNullOrWhiteSpace(connectionString))
            throw new StartupConfigurationException("ConnectionStrings__Postgres is not set: give an Npgsql connection string, e.g. Host=127.0.0.1;Port=5432;Database=booking;Username=booking;Password=booking.");
        // Prepared statements: the hot path repeats a dozen statement shapes, and without them
        // PostgreSQL spends most of its CPU parsing and planning (see docs/benchmarks.md).
        var npgsql = new NpgsqlConnectionStringBuilder(connectionString);
        if (npgsql.MaxAutoPrepare == 0) { npgsql.MaxAutoPrepare = 100; npgsql.AutoPrepareMinUsages = 2; }
        builder.Services.AddDbContextPool<BookingDb>(o => o
            .UseNpgsql(npgsql.ConnectionString)
            .UseSnakeCaseNamingConvention()
            // The schema is owned by /migrations SQL, not by an EF model snapshot.
            .ConfigureWarnings(w => w.Ignore(RelationalEventId.PendingModelChangesWarning)
                // A lost race or an exclusion conflict is an expected outcome that the caller re-plans;
                // EF's own Error lines for it would read as faults. Real faults are logged where they are handled.
                .Log((RelationalEventId.TransactionError, LogLevel.Debug), (RelationalEventId.CommandError, LogLevel.Debug),
                    (CoreEventId.SaveChangesFailed, LogLevel.Debug), (CoreEventId.OptimisticConcurrencyException, LogLevel.Debug))));
        builder.Services.AddHostedService<MigrateOnStartup>();
        return builder;
    }
}

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
