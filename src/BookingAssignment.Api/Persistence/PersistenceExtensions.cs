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
        // No session state to reset when a connection goes back to the pool: the service only takes
        // transaction-scoped locks and settings (pg_advisory_xact_lock, SET LOCAL). The reset is seven
        // statements (UNLISTEN, CLOSE ALL, RESET ALL, …) on most bookings' first command.
        npgsql.NoResetOnClose = true;
        builder.Services.AddDbContextPool<BookingDb>(o => o
            .UseNpgsql(npgsql.ConnectionString)
            .UseSnakeCaseNamingConvention()
#if !NO_COMPILED_MODEL
            // The model compiled ahead of time (scripts/ef-compiled-model.sh): building it at start took about a
            // sixth of a restart's CPU. CompiledModelTests fails when it no longer matches the entities.
            .UseModel(CompiledModel.BookingDbModel.Instance)
#endif
            // The schema is owned by /migrations SQL, not by an EF model snapshot.
            .ConfigureWarnings(w => w.Ignore(RelationalEventId.PendingModelChangesWarning)
                // A lost race or an exclusion conflict is an expected outcome that the caller re-plans;
                // EF's own Error lines for it would read as faults. Real faults are logged where they are handled.
                .Log((RelationalEventId.TransactionError, LogLevel.Debug), (RelationalEventId.CommandError, LogLevel.Debug),
                    (CoreEventId.SaveChangesFailed, LogLevel.Debug), (CoreEventId.OptimisticConcurrencyException, LogLevel.Debug))));
        builder.Services.AddHostedService<MigrateOnStartup>();
        // Registered after the migrations, so its first round finds the partitioned table.
        builder.Services.AddOptions<EventRetentionOptions>().BindConfiguration(EventRetentionOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddHostedService<EventRetention>();
        return builder;
    }
}
