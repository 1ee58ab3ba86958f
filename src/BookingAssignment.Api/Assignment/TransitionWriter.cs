using BookingAssignment.Api.Observability;
using BookingAssignment.Api.Persistence;
using BookingAssignment.Core.StateMachine;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace BookingAssignment.Api.Assignment;

/// <summary>
/// Persists V3 transitions: the machine decides, the booking row changes state and
/// <c>assignment_state_version</c>, and a history row and an <c>assignment.state_machine</c>
/// event are staged on the same context. The caller's SaveChanges issues
/// <c>UPDATE … WHERE id = @id AND assignment_state_version = @v</c> (EF concurrency token), so a
/// lost race throws <see cref="Microsoft.EntityFrameworkCore.DbUpdateConcurrencyException"/> and nothing is recorded.
/// </summary>
public sealed class TransitionWriter(EventRecorder events, TimeProvider time)
{
    /// <summary>UNIQUE (booking_id, version) of booking_assignment_state_history.</summary>
    public const string HistoryVersionKey = "booking_assignment_state_history_booking_id_version_key";

    /// <summary>
    /// The save lost an optimistic race: the versioned UPDATE matched no row, or — because EF sends
    /// the history INSERT in the same batch, and the winner already holds that version — the
    /// history's unique (booking_id, version) key refused the loser's row first (23505). Either way
    /// nothing was recorded, and the caller reloads and re-decides; it is not an error.
    /// </summary>
    public static bool IsLostRace(Exception ex)
    {
        if (ex is DbUpdateConcurrencyException) return true;
        for (var e = ex; e is not null; e = e.InnerException)
            if (e is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation, ConstraintName: HistoryVersionKey }) return true;
        return false;
    }

    public Transition Apply(BookingDb db, Booking booking, Func<AssignmentStateMachine, Transition> fire, string runTrigger,
        string? reason = null, string actor = "system")
    {
        var machine = new AssignmentStateMachine(() => StateNames.Parse(booking.AssignmentState), s => booking.AssignmentState = StateNames.Of(s));
        var t = fire(machine);
        var now = time.GetUtcNow();
        booking.AssignmentStateVersion += 1;
        booking.UpdatedAt = now;
        if (reason is not null) booking.AssignmentReason = reason;
        db.StateHistory.Add(new StateHistoryEntry
        {
            BookingId = booking.Id, FromState = StateNames.Of(t.From), ToState = StateNames.Of(t.To), Version = booking.AssignmentStateVersion,
            Trigger = StateNames.Of(t.Trigger), Reason = reason, Pipeline = booking.AssignmentPipeline, Actor = actor, CreatedAt = now,
        });
        events.Add(db, EventSources.StateMachine, "booking.assignment_state_transition", booking.RestaurantId, booking.Id,
            Context(t, booking.AssignmentStateVersion, runTrigger, reason, booking.AssignmentPipeline, shadow: false),
            t.To is AssignmentState.ManualReview or AssignmentState.Failed ? Severity.Warning : Severity.Info);
        return t;
    }

    public static Dictionary<string, object?> Context(Transition t, int version, string runTrigger, string? reason, string pipeline, bool shadow) => new()
    {
        ["from"] = StateNames.Of(t.From),
        ["to"] = StateNames.Of(t.To),
        ["version"] = version,
        ["trigger"] = StateNames.Of(t.Trigger),
        ["run_trigger"] = runTrigger,
        ["reason"] = reason,
        ["pipeline"] = pipeline,
        ["shadow"] = shadow,
    };
}
