using BookingAssignment.Api.Locking;

namespace BookingAssignment.Api.Assignment;

/// <summary>What a locked change did: <see cref="Busy"/> when the lock stayed held elsewhere (or conflicts persisted), else its result.</summary>
internal sealed record Locked<T>(bool Busy, T? Result);

/// <summary>
/// Changes to what is already booked — a modification, a visit status, a floor change, a table
/// block, a hold — under the same locks as an assignment run (<see cref="AssignmentRun"/>): the
/// Redis lock of each service date the change touches (the database lock alone while Redis is
/// down), then one transaction under the PostgreSQL advisory locks of those dates, taken in date
/// order so two changes never deadlock. A conflict (exclusion violation, lost race) re-runs the
/// change on fresh data; the change itself decides to commit or to roll back (a refusal, a dry
/// run), so nothing half-done is ever saved.
/// </summary>
internal sealed class LockedChange(IServiceScopeFactory scopes, RestaurantLocks locks, IOptions<CoordinatorOptions> options)
{
    /// <summary>The work inside the transaction: its result, and whether to commit it.</summary>
    public delegate Task<(T Result, bool Commit)> Change<T>(BookingDb db, AppEvent lockEvent, CancellationToken ct);

    public async Task<Locked<T>> RunAsync<T>(RestaurantModel r, IEnumerable<DateOnly> serviceDates, string trigger, Change<T> change, CancellationToken ct)
    {
        var days = serviceDates.Distinct().Order().ToArray();
        var leases = new List<LockLease>();
        try
        {
            AppEvent? lockEvent = null;
            foreach (var day in days)
            {
                var lease = await locks.AcquireAsync(AdvisoryLock.Resource(r.Id, day), ct);
                leases.Add(lease);
                if (lease.Contended) return new Locked<T>(Busy: true, default);
                lockEvent ??= CoordinatorEvents.Lock(lease, trigger);
            }
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    return new Locked<T>(Busy: false, await TransactAsync(r, days, lockEvent!, change, ct));
                }
                catch (Exception ex) when (DbErrors.IsConflict(ex))
                {
                    if (attempt >= options.Value.ReplansPerRun) return new Locked<T>(Busy: true, default);
                }
            }
        }
        finally
        {
            foreach (var lease in leases) await lease.DisposeAsync();
        }
    }

    private async Task<T> TransactAsync<T>(RestaurantModel r, IReadOnlyList<DateOnly> days, AppEvent lockEvent, Change<T> change, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BookingDb>();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        foreach (var day in days) await AdvisoryLock.AcquireAsync(db, r.Id, day, ct);
        var (result, commit) = await change(db, lockEvent, ct);
        if (!commit)
        {
            await tx.RollbackAsync(ct);
            return result;
        }
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return result;
    }
}
