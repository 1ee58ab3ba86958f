using BookingAssignment.Api.Health;
namespace BookingAssignment.Api.Observability;

/// <summary>
/// Keeps the day partitions of <c>observability_events</c> (migrations/0007) in shape, once the host is
/// ready (<see cref="ReadinessFirst"/>) and every <see cref="EventRetentionOptions.IntervalMinutes"/>, on every instance (the SQL functions
/// serialise themselves): the partitions from yesterday to <see cref="EventRetentionOptions.PartitionsAheadDays"/>
/// ahead exist, rows that fell into the default partition move into their day, and days older than
/// <see cref="EventRetentionOptions.RetentionDays"/> are dropped. Each step waits at most a few seconds
/// for its table lock, so a long report query delays the maintenance, never the bookings behind it.
/// </summary>
internal sealed partial class EventRetention(
    IServiceScopeFactory scopes, IOptions<EventRetentionOptions> options, TimeProvider time, ReadinessFirst readiness, ILogger<EventRetention> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // After readiness, like the other loops: until the first round, an event of a day without its
        // partition lands in the default partition, and that round moves it into its day.
        if (!await readiness.WaitAsync(stoppingToken)) return;
        using var timer = new PeriodicTimer(TimeSpan.FromMinutes(options.Value.IntervalMinutes), time);
        do
        {
            try { await RunOnceAsync(stoppingToken); }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested) { LogFailed(logger, ex); }
        }
        while (await WaitAsync(timer, stoppingToken));
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken ct)
    {
        try { return await timer.WaitForNextTickAsync(ct); }
        catch (OperationCanceledException) { return false; }
    }

    /// <summary>One maintenance round: (partitions created, partitions dropped).</summary>
    public async Task<(int Created, int Dropped)> RunOnceAsync(CancellationToken ct)
    {
        var o = options.Value;
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        var keepFrom = today.AddDays(1 - o.RetentionDays);
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BookingDb>();

        var stranded = await db.Database.SqlQuery<DateOnly>($"""
            SELECT DISTINCT (created_at AT TIME ZONE 'UTC')::date AS "Value" FROM observability_events_default
            WHERE created_at >= {keepFrom.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc)}
            """).ToListAsync(ct);
        // Yesterday is always kept (RetentionDays ≥ 8), and the stranded days are read from keepFrom on.
        var days = Enumerable.Range(-1, o.PartitionsAheadDays + 2).Select(today.AddDays).Union(stranded);
        var created = 0;
        foreach (var day in days.Order())
            if (await InOwnTransactionAsync<bool>(db, $"SELECT observability_events_ensure_partition({day}) AS \"Value\"", ct)) created++;
        var dropped = await InOwnTransactionAsync<int>(db, $"SELECT observability_events_drop_before({keepFrom}) AS \"Value\"", ct);

        if (created > 0 || dropped > 0 || stranded.Count > 0)
            LogMaintained(logger, created, dropped, stranded.Count, keepFrom);
        return (created, dropped);
    }

    private static async Task<T> InOwnTransactionAsync<T>(BookingDb db, FormattableString sql, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await db.Database.ExecuteSqlRawAsync("SET LOCAL lock_timeout = '5s'", ct);
        var value = (await db.Database.SqlQuery<T>(sql).ToListAsync(ct)).Single();
        await tx.CommitAsync(ct);
        return value;
    }

    [LoggerMessage(Level = LogLevel.Information,
        Message = "observability_events: {Created} day partitions created, {Dropped} dropped, {Stranded} days moved out of the default partition; kept from {KeepFrom}")]
    private static partial void LogMaintained(ILogger logger, int created, int dropped, int stranded, DateOnly keepFrom);

    [LoggerMessage(Level = LogLevel.Error, Message = "observability_events partition maintenance failed; it runs again at the next interval")]
    private static partial void LogFailed(ILogger logger, Exception ex);
}
