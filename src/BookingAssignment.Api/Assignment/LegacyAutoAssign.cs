using System.Diagnostics;
using BookingAssignment.Api.Bookings;
using BookingAssignment.Api.Configuration;
using BookingAssignment.Api.Observability;
using BookingAssignment.Api.Persistence;
using BookingAssignment.Api.Restaurants;
using BookingAssignment.Core.Planning;
using Microsoft.Extensions.Options;

namespace BookingAssignment.Api.Assignment;

/// <summary>
/// The legacy path (SPEC §4.3), kept as the rollback target: inline attempts in a loop with short
/// delays, best-fit single table then simple combinations, no state machine and no Redis lock.
/// Each attempt is one transaction under the PostgreSQL advisory lock for the restaurant's
/// service date: capacity check, booking row, tables and events commit together or not at all,
/// and the exclusion constraint still stands behind it.
/// </summary>
public sealed class LegacyAutoAssign(
    IServiceScopeFactory scopes,
    EventRecorder events,
    TimeProvider time,
    Telemetry telemetry,
    IOptions<BookingOptions> options,
    IOptions<PlannerOptions> plannerOptions,
    Admission admission,
    [FromKeyedServices(PipelineSelector.Legacy)] IAssignmentPlanner planner)
{
    public const string Pipeline = "legacy";

    public async Task<SubmitOutcome> SubmitAsync(RestaurantModel r, BookingDraft draft, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        var max = options.Value.LegacyMaxAttempts;
        for (var attempt = 1; ; attempt++)
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<BookingDb>();
            try
            {
                return await AttemptAsync(db, r, draft, attempt, started, ct);
            }
            catch (Exception ex) when (DbErrors.IsConflict(ex))
            {
                if (attempt >= max)
                    return await ExhaustedAsync(r, draft, attempt, started, ct);
                await Task.Delay(TimeSpan.FromMilliseconds(options.Value.LegacyRetryDelayMs * attempt), time, ct);
            }
        }
    }

    private async Task<SubmitOutcome> AttemptAsync(BookingDb db, RestaurantModel r, BookingDraft draft, int attempt, long started, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        // Admission counts bookings a host could still re-seat as movable (same rule as V3), so a
        // party that only fragmentation keeps out is admitted and left for manual review, not refused.
        var (schedule, rejectReason) = await admission.LockAndCheckAsync(db, r, draft, now.AddMinutes(plannerOptions.Value.FreezeMinutes), ct);
        if (rejectReason is not null)
        {
            await tx.RollbackAsync(ct);
            return await admission.RejectAsync(r, draft, Pipeline, rejectReason, schedule, now, ct);
        }
        var request = new PlanRequest(draft.PartySize, r.Rules.HeldWindow(draft.StartsAt, draft.PartySize), draft.ZonePreference);

        var booking = admission.Create(db, draft, r, Pipeline, now);

        var planStarted = Stopwatch.GetTimestamp();
        var plan = planner.Plan(r.Floor, schedule, request);
        telemetry.PlannerDuration.Record(Stopwatch.GetElapsedTime(planStarted).TotalMilliseconds, new KeyValuePair<string, object?>("pipeline", Pipeline));

        events.Add(db, EventSources.AutoAssign, "auto_assign.attempt", r.Id, booking.Id, new Dictionary<string, object?>
        {
            ["attempt"] = attempt,
            ["result"] = plan is null ? "no_plan" : "assigned",
            ["tables"] = plan is null ? Array.Empty<string>() : r.LabelsOf(plan.TableIds),
            ["reason"] = plan is null ? "no_table_combination_free" : null,
            ["shadow"] = false,
        });
        db.Attempts.Add(new AssignmentAttempt
        {
            BookingId = booking.Id, Pipeline = Pipeline, AttemptNo = attempt, StartedAt = now, FinishedAt = time.GetUtcNow(),
            Outcome = plan is null ? "no_plan" : "assigned", Reason = plan is null ? "no_table_combination_free" : null,
            Strategy = plan?.Strategy, TableIds = plan?.TableIds.ToArray() ?? [],
        });

        if (plan is not null)
        {
            foreach (var tableId in plan.TableIds)
                db.Assignments.Add(new BookingTableAssignment
                {
                    BookingId = booking.Id, TableId = tableId, HeldFrom = request.During.Start.ToUniversalTime(),
                    HeldUntil = request.During.End.ToUniversalTime(), AssignedAt = now, AssignedBy = Pipeline,
                });
            booking.Status = BookingStatus.Confirmed;
            booking.AssignmentState = AssignmentStates.Confirmed;
        }
        else
        {
            // Capacity exists but the free tables cannot be combined for this party (fragmentation).
            booking.AssignmentState = AssignmentStates.ManualReview;
            booking.AssignmentReason = "no_table_combination_free";
        }
        AddSummary(db, r, booking, plan is null ? "exhausted" : "succeeded", attempt, started, booking.AssignmentReason);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        telemetry.RecordOutcome(Pipeline, plan is null ? "manual_review" : "confirmed", started);
        return new SubmitOutcome.Admitted(booking.Id, Terminal: true);
    }

    /// <summary>Every attempt lost a race: keep the booking (capacity was there) for a human.</summary>
    private async Task<SubmitOutcome> ExhaustedAsync(RestaurantModel r, BookingDraft draft, int attempts, long started, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BookingDb>();
        var booking = admission.Create(db, draft, r, Pipeline, time.GetUtcNow());
        booking.AssignmentState = AssignmentStates.ManualReview;
        booking.AssignmentReason = "attempts_exhausted";
        AddSummary(db, r, booking, "exhausted", attempts, started, booking.AssignmentReason);
        await db.SaveChangesAsync(ct);
        telemetry.RecordOutcome(Pipeline, "manual_review", started);
        return new SubmitOutcome.Admitted(booking.Id, Terminal: true);
    }

    private void AddSummary(BookingDb db, RestaurantModel r, Booking booking, string result, int attempts, long started, string? reason)
    {
        var context = new Dictionary<string, object?>
        {
            ["result"] = result,
            ["attemptsUsed"] = attempts,
            ["totalDurationMs"] = (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds,
            ["shadow"] = false,
        };
        if (reason is not null) context["reason"] = reason;
        events.Add(db, EventSources.AutoAssign, "auto_assign.summary", r.Id, booking.Id, context,
            result == "succeeded" ? Severity.Info : Severity.Warning);
    }
}
