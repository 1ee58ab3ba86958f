using BookingAssignment.Api.Health;
namespace BookingAssignment.Api.Webhooks;

/// <summary>
/// The delivery worker, on every instance (rows are claimed with <c>FOR UPDATE SKIP LOCKED</c>):
/// fans new outbox rows out to the subscriptions that want their type, claims due deliveries —
/// the oldest pending one of each (subscription, booking) only, so a booking's events arrive in
/// order — and posts them. A failed round waits in the database with exponential backoff and
/// jitter (a restart loses nothing), and after the retry budget the delivery is marked failed.
/// It runs beside the booking path and shares nothing with it but the database, so a slow or
/// dead receiver never slows a booking.
/// </summary>
internal sealed partial class WebhookDispatcher(
    IServiceScopeFactory scopes, WebhookSender sender, IOptions<WebhookOptions> options, TimeProvider time, ReadinessFirst readinessFirst,
    ILogger<WebhookDispatcher> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var o = options.Value;
        if (!await readinessFirst.WaitAsync(stoppingToken)) return;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await FanOutAsync(stoppingToken);
                var due = await ClaimAsync(o.MaxConcurrency, stoppingToken);
                await Task.WhenAll(due.Select(d => DeliverAsync(d, stoppingToken)));
                if (due.Count == o.MaxConcurrency) continue; // more may be waiting
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                LogPollFailed(logger, ex);
            }
            try { await Task.Delay(TimeSpan.FromMilliseconds(o.PollMs), time, stoppingToken); }
            catch (OperationCanceledException) { return; }
        }
    }

    /// <summary>New outbox rows → one pending delivery per subscription that wants the type (and existed when the change happened).</summary>
    public async Task<int> FanOutAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BookingDb>();
        return await db.Database.ExecuteSqlAsync($"""
            WITH batch AS (
                SELECT id, booking_id, event_type, occurred_at FROM webhook_outbox
                WHERE fanned_out_at IS NULL ORDER BY id LIMIT 500 FOR UPDATE SKIP LOCKED),
            fanned AS (
                INSERT INTO webhook_deliveries (subscription_id, outbox_id, booking_id)
                SELECT s.id, b.id, b.booking_id FROM batch b
                JOIN webhook_subscriptions s ON s.deleted_at IS NULL AND b.event_type = ANY (s.events) AND s.created_at <= b.occurred_at
                ON CONFLICT DO NOTHING)
            UPDATE webhook_outbox o SET fanned_out_at = now() FROM batch WHERE o.id = batch.id
            """, ct);
    }

    private async Task<List<DueDelivery>> ClaimAsync(int limit, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BookingDb>();
        var lease = options.Value.LeaseSeconds;
        return await db.Database.SqlQuery<DueDelivery>($"""
            WITH due AS (
                SELECT d.id FROM webhook_deliveries d
                JOIN webhook_subscriptions s ON s.id = d.subscription_id AND s.deleted_at IS NULL
                WHERE d.state = 'pending' AND d.next_attempt_at <= now() AND (d.locked_until IS NULL OR d.locked_until < now())
                  AND NOT EXISTS (SELECT 1 FROM webhook_deliveries e
                                  WHERE e.subscription_id = d.subscription_id AND e.booking_id = d.booking_id
                                    AND e.state = 'pending' AND e.outbox_id < d.outbox_id)
                ORDER BY d.outbox_id LIMIT {limit} FOR UPDATE OF d SKIP LOCKED),
            claimed AS (
                UPDATE webhook_deliveries d SET locked_until = now() + make_interval(secs => {lease})
                FROM due WHERE d.id = due.id RETURNING d.id, d.subscription_id, d.outbox_id, d.rounds)
            SELECT c.id, c.subscription_id, s.url, s.secret, o.message_id, o.event_type, o.occurred_at, o.payload::text AS payload, c.rounds
            FROM claimed c JOIN webhook_subscriptions s ON s.id = c.subscription_id JOIN webhook_outbox o ON o.id = c.outbox_id
            ORDER BY c.outbox_id
            """).ToListAsync(ct);
    }

    private async Task DeliverAsync(DueDelivery d, CancellationToken ct)
    {
        var (ok, status, error) = await sender.SendAsync(d, ct);
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BookingDb>();
        if (ok)
        {
            await db.Database.ExecuteSqlAsync($"""
                UPDATE webhook_deliveries SET state = 'delivered', delivered_at = now(), locked_until = NULL, last_status = {status}, rounds = rounds + 1
                WHERE id = {d.Id}
                """, CancellationToken.None);
            return;
        }
        var o = options.Value;
        var rounds = d.Rounds + 1;
        var failed = rounds >= o.RetryBudget;
        var delayMs = (long)Backoff.Delay(rounds, TimeSpan.FromMilliseconds(o.RoundBaseDelayMs), TimeSpan.FromMilliseconds(o.RoundMaxDelayMs), Random.Shared).TotalMilliseconds;
        var state = failed ? WebhookDelivery.Failed : WebhookDelivery.Pending;
        await db.Database.ExecuteSqlAsync($"""
            UPDATE webhook_deliveries SET state = {state}, rounds = {rounds}, locked_until = NULL, last_status = {status}, last_error = {error},
                   next_attempt_at = now() + make_interval(secs => {delayMs / 1000.0})
            WHERE id = {d.Id}
            """, CancellationToken.None);
        if (failed) LogGaveUp(logger, d.MessageId, d.Url, rounds, error);
        else LogRetrying(logger, d.MessageId, d.Url, rounds, error, delayMs);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "webhook delivery poll failed; retrying")]
    private static partial void LogPollFailed(ILogger logger, Exception ex);

    [LoggerMessage(Level = LogLevel.Information, Message = "webhook {MessageId} to {Url}: round {Round} failed ({Error}); next round in {DelayMs} ms")]
    private static partial void LogRetrying(ILogger logger, string messageId, string url, int round, string? error, long delayMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "webhook {MessageId} to {Url} failed after {Rounds} rounds ({Error}); listed at /ops/webhooks/{{id}}/failures for replay")]
    private static partial void LogGaveUp(ILogger logger, string messageId, string url, int rounds, string? error);
}
