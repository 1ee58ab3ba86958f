using System.Diagnostics;
using BookingAssignment.Api.Bookings;
using BookingAssignment.Api.Configuration;

namespace BookingAssignment.Api.Assignment;

/// <summary>
/// The legacy path (SPEC §4.3), kept as the rollback target: inline attempts in a loop with short
/// delays, best-fit single table then simple combinations, no state machine and no Redis lock.
/// Each attempt is one transaction under the PostgreSQL advisory lock for the restaurant's
/// service date: capacity check, booking row, tables and events commit together or not at all,
/// and the exclusion constraint still stands behind it.
/// </summary>
internal sealed class LegacyAutoAssign(
    IServiceScopeFactory scopes,
    EventRecorder events,
    TimeProvider time,
    Telemetry telemetry,
    IOptions<BookingOptions> options,
    Admission admission,
    PlanWriter writer,
    [FromKeyedServices(PipelineSelector.Legacy)] IAssignmentPlanner planner)
{
    private const string Pipeline = PipelineSelector.Legacy;

    public async Task<SubmitOutcome> SubmitAsync(RestaurantModel r, BookingDraft draft, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        var max = options.Value.LegacyMaxAttempts;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await AttemptAsync(r, draft, attempt, started, ct);
            }
            catch (Exception ex) when (DbErrors.IsConflict(ex))
            {
                if (attempt >= max)
                    return await ExhaustedAsync(r, draft, attempt, started, ct);
                await Task.Delay(TimeSpan.FromMilliseconds(options.Value.LegacyRetryDelayMs * attempt), time, ct);
            }
        }
    }

    private async Task<SubmitOutcome> AttemptAsync(RestaurantModel r, BookingDraft draft, int attempt, long started, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BookingDb>();
        var now = time.GetUtcNow();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var schedule = await Admission.LockDayAsync(db, r, draft.StartsAt, admission.MovableFrom(Pipeline, now), excludeBookingId: draft.HoldId, ct);
        var admitted = admission.Admit(db, r, draft, Pipeline, schedule, now);
        if (admitted is AdmissionResult.Rejected rejected)
        {
            await tx.RollbackAsync(ct);
            return await admission.RejectAsync(r, draft, Pipeline, rejected, now, ct);
        }
        var booking = ((AdmissionResult.Admitted)admitted).Booking;

        var plan = telemetry.Plan(planner, Pipeline, r.Floor, schedule,
            new PlanRequest(draft.PartySize, r.Rules.HeldWindow(draft.StartsAt, draft.PartySize), draft.ZonePreference));
        writer.StageLegacy(db, r, booking, plan, attempt, now);
        events.Add(db, AutoAssignEvents.Attempt(attempt, plan is null ? "no_plan" : "assigned", plan is null ? [] : r.LabelsOf(plan.TableIds),
            booking.AssignmentReason), r.Id, booking.Id);
        events.Add(db, Summary(plan is null ? "exhausted" : "succeeded", attempt, started, booking.AssignmentReason), r.Id, booking.Id);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        telemetry.RecordOutcome(Pipeline, StateNames.Of(booking.AssignmentState), started);
        return new SubmitOutcome.Admitted(booking.Id, Terminal: true) { Committed = CommittedBooking.Of(db, booking) };
    }

    /// <summary>Every attempt lost a race: keep the booking (capacity was there) for a human.</summary>
    private async Task<SubmitOutcome> ExhaustedAsync(RestaurantModel r, BookingDraft draft, int attempts, long started, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BookingDb>();
        var booking = admission.Create(db, draft, r, Pipeline, time.GetUtcNow());
        booking.AssignmentState = AssignmentState.ManualReview;
        booking.AssignmentReason = "attempts_exhausted";
        events.Add(db, Summary("exhausted", attempts, started, booking.AssignmentReason), r.Id, booking.Id);
        await db.SaveChangesAsync(ct);
        telemetry.RecordOutcome(Pipeline, "manual_review", started);
        return new SubmitOutcome.Admitted(booking.Id, Terminal: true) { Committed = CommittedBooking.Of(db, booking) };
    }

    private static AppEvent Summary(string result, int attempts, long started, string? reason) =>
        AutoAssignEvents.Summary(result, attempts, (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds, reason);
}
