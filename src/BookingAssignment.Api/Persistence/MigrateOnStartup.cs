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
        // The common restart: every migration already applied. One plain query says so, without EF's
        // history-table model and its migration lock (about a tenth of a restart's CPU); anything else
        // (a fresh database, a migration missing) takes EF's own path below.
        if (await AllAppliedAsync(db, db.Database.GetMigrations().ToHashSet(StringComparer.Ordinal), ct))
        {
            LogMigrated(logger, "none pending");
            return;
        }
        var pending = (await db.Database.GetPendingMigrationsAsync(ct)).ToArray();
        await db.Database.MigrateAsync(ct);
        LogMigrated(logger, pending.Length == 0 ? "none pending" : string.Join(", ", pending));
    }

    /// <summary>True when EF's history table lists every migration of this build (false when it does not exist yet).</summary>
    private static async Task<bool> AllAppliedAsync(BookingDb db, HashSet<string> known, CancellationToken ct)
    {
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await using var command = connection.CreateCommand();
            command.CommandText = """SELECT migration_id FROM "__EFMigrationsHistory" """;
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) known.Remove(reader.GetString(0));
            return known.Count == 0;
        }
        catch (Npgsql.PostgresException e) when (e.SqlState is Npgsql.PostgresErrorCodes.UndefinedTable or Npgsql.PostgresErrorCodes.UndefinedColumn)
        {
            return false;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Database migrations applied: {Migrations}")]
    private static partial void LogMigrated(ILogger logger, string migrations);
}
