using System.Threading.RateLimiting;

namespace BookingAssignment.Api.Assignment;

/// <summary>
/// Turns for the overflow path (a new booking admitted without a coordinator slot, decided under the
/// day's advisory lock): this instance's requests for one restaurant day wait here, in arrival order
/// (System.Threading.RateLimiting, one permit per day, as <see cref="CoordinatorLimiter"/> does per
/// restaurant), instead of in PostgreSQL's lock queue. While it waits, a request whose day has refused
/// someone since it last looked checks the committed day without the lock, and if the day cannot take
/// it, leaves the queue with that refusal. In a drop's first wave the requests the evening can no
/// longer take are then refused beside the chain of admissions instead of one by one under the lock
/// after it. The advisory lock still decides every admission; a turn only orders one instance's waiters.
/// </summary>
internal sealed class DayQueue(TimeProvider time) : IDisposable
{
    /// <summary>How often a waiter looks at its day's refusals.</summary>
    public static readonly TimeSpan LookEvery = TimeSpan.FromMilliseconds(20);

    private readonly PartitionedRateLimiter<(Guid Restaurant, DateOnly Day)> _turns = PartitionedRateLimiter.Create<(Guid Restaurant, DateOnly Day), (Guid, DateOnly)>(
        day => RateLimitPartition.GetConcurrencyLimiter(day, _ => new ConcurrencyLimiterOptions
        {
            PermitLimit = 1, QueueLimit = int.MaxValue, QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        }));

    /// <summary>
    /// Waits for the day's turn. <paramref name="lastRefusal"/> numbers the day's latest refusal (null:
    /// none lately); when it moves, <paramref name="refusal"/> checks the committed day (null: it may fit).
    /// </summary>
    /// <returns>The turn (dispose it to pass it on), or the refusal the request left the queue with.</returns>
    public async Task<(IDisposable? Turn, SubmitOutcome.Rejected? Refused)> WaitAsync((Guid Restaurant, DateOnly Day) day,
        Func<long?> lastRefusal, Func<Task<SubmitOutcome.Rejected?>> refusal, CancellationToken ct)
    {
        using var leaving = CancellationTokenSource.CreateLinkedTokenSource(ct);
        Task<RateLimitLease>? wait = _turns.AcquireAsync(day, 1, leaving.Token).AsTask();
        try
        {
            long? looked = null;
            while (!wait.IsCompleted)
            {
                if (await Task.WhenAny(wait, Task.Delay(LookEvery, time, ct)) == wait) break;
                var last = lastRefusal();
                if (last is null || last == looked) continue;
                looked = last;
                if (await refusal() is { } refused) return (null, refused); // leaves the queue (finally)
            }
            var turn = await wait; // one permit and an unbounded queue: always acquired
            wait = null; // granted: the caller passes it on
            return (turn, null);
        }
        finally
        {
            // Leaving without the turn (refused, cancelled, or the check failed): out of the queue, and
            // a turn granted meanwhile is passed on unused, so the day's queue never stalls on it.
            if (wait is not null) await LeaveAsync(wait, leaving);
        }
    }

    public void Dispose() => _turns.Dispose();

    private static async Task LeaveAsync(Task<RateLimitLease> wait, CancellationTokenSource leaving)
    {
        await leaving.CancelAsync();
        try { (await wait).Dispose(); }
        catch (OperationCanceledException) { }
    }
}
