using BookingAssignment.Api.Health;

namespace BookingAssignment.Api.Assignment;

/// <summary>
/// The durable worker: finishes what inline runs could not. Each poll claims due
/// <c>assignment_pending</c> bookings and <c>assignment_in_progress</c> ones whose lease expired
/// (the process running them died) with <c>FOR UPDATE SKIP LOCKED</c>, so several instances can
/// share one database, and hands them to the coordinator. Anything non-terminal past the deadline
/// goes to manual_review, so no booking stays in limbo.
/// </summary>
internal sealed partial class AssignmentWorker(
    IServiceScopeFactory scopes,
    AssignmentCoordinator coordinator,
    IOptions<CoordinatorOptions> options,
    TimeProvider time,
    ReadinessFirst readinessFirst,
    ILogger<AssignmentWorker> logger) : BackgroundService
{
    private sealed record Due(Guid Id, Guid RestaurantId, bool Expired);

    private static readonly string[] NonTerminal = Enum.GetValues<AssignmentState>().Where(s => !s.IsTerminal()).Select(StateNames.Of).ToArray();
    private static readonly string Pending = StateNames.Of(AssignmentState.AssignmentPending);
    private static readonly string InProgress = StateNames.Of(AssignmentState.AssignmentInProgress);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.WorkerEnabled || !await readinessFirst.WaitAsync(stoppingToken)) return;
        while (!stoppingToken.IsCancellationRequested)
        {
            var handled = 0;
            try
            {
                handled = await PollOnceAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                LogPollFailed(logger, ex.GetBaseException().Message);
            }
            if (handled == 0)
                await Task.Delay(TimeSpan.FromMilliseconds(options.Value.WorkerPollMs), time, stoppingToken).ContinueWith(_ => { }, CancellationToken.None);
        }
    }

    /// <summary>Claims one batch and runs it; returns how many bookings it handled.</summary>
    public async Task<int> PollOnceAsync(CancellationToken ct)
    {
        var o = options.Value;
        var now = time.GetUtcNow();
        var deadline = now.AddMinutes(-o.DeadlineMinutes);
        var claimUntil = now.AddSeconds(o.LeaseSeconds);
        List<Due> due;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<BookingDb>();
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            due = await db.Database.SqlQuery<Due>($"""
                SELECT id, restaurant_id, created_at < {deadline} AS expired
                FROM bookings
                WHERE assignment_pipeline = 'v3'
                  AND assignment_state = ANY({NonTerminal})
                  AND (   (assignment_state = {Pending} AND COALESCE(next_attempt_at, '-infinity') <= {now})
                       OR (assignment_state = {InProgress} AND COALESCE(lease_expires_at, '-infinity') <= {now})
                       OR created_at < {deadline})
                ORDER BY next_attempt_at NULLS FIRST, created_at
                LIMIT {o.WorkerBatchSize}
                FOR UPDATE SKIP LOCKED
                """).ToListAsync(ct);
            if (due.Count == 0) return 0;
            // Claim the pending ones for a lease so other instances skip them while we run.
            var ids = due.Select(d => d.Id).ToArray();
            await db.Bookings.Where(b => ids.Contains(b.Id) && b.AssignmentState == AssignmentState.AssignmentPending)
                .ExecuteUpdateAsync(s => s.SetProperty(b => b.NextAttemptAt, claimUntil), ct);
            await tx.CommitAsync(ct);
        }

        await Task.WhenAll(due.Select(d => d.Expired
            ? coordinator.ExpireAsync(d.Id, ct)
            : coordinator.RunAsync(d.RestaurantId, d.Id, "worker", ct)));
        return due.Count;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Worker poll failed, retrying: {Error}")]
    private static partial void LogPollFailed(ILogger logger, string error);
}
