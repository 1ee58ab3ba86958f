using Stateless;
using Stateless.Graph;

namespace BookingAssignment.Core.StateMachine;

/// <summary>The eight values of <c>bookings.assignment_state</c> (contract, SPEC §4.1).</summary>
public enum AssignmentState
{
    Created,
    CapacityVerified,
    AssignmentPending,
    AssignmentInProgress,
    Assigned,
    Confirmed,
    Failed,
    ManualReview,
}

public enum AssignmentTrigger
{
    VerifyCapacity,
    Enqueue,
    Start,
    PlanCommitted,
    Confirm,
    Retry,
    SendToManualReview,
    Fail,
    OperatorAssign,
    /// <summary>The planner moved a confirmed booking to other tables to make room (same time, same party).</summary>
    Reassign,
    /// <summary>An operator moved a confirmed booking to tables of their choice.</summary>
    OperatorReassign,
    /// <summary>The guest changed party, time or zone (PATCH /bookings/{id}) and a new arrangement committed.</summary>
    Modify,
    /// <summary>A floor change or a table block took the booking's tables and the planner re-seated it elsewhere.</summary>
    FloorChange,
    /// <summary>A floor change or a table block took the booking's tables and no arrangement re-seats it: a person decides.</summary>
    Strand,
}

/// <summary>
/// The V3 assignment lifecycle (SPEC §4.1) on Stateless, with the state stored outside (on the
/// booking row, or in memory for a dry run). Callers use intent methods; the machine refuses
/// any transition the diagram does not have.
/// </summary>
public sealed class AssignmentStateMachine
{
    private readonly StateMachine<AssignmentState, AssignmentTrigger> _machine;

    public AssignmentStateMachine(Func<AssignmentState> read, Action<AssignmentState> write)
    {
        _machine = new StateMachine<AssignmentState, AssignmentTrigger>(read, write);
        Configure(_machine);
    }

    /// <summary>A machine over a private in-memory state (shadow runs, diagrams, tests).</summary>
    public static AssignmentStateMachine InMemory(AssignmentState initial)
    {
        var state = initial;
        return new AssignmentStateMachine(() => state, s => state = s);
    }

    public AssignmentState State => _machine.State;
    public bool IsTerminal => State.IsTerminal();

    public bool CanRetry => _machine.CanFire(AssignmentTrigger.Retry);
    public bool CanSendToManualReview => _machine.CanFire(AssignmentTrigger.SendToManualReview);

    public Transition VerifyCapacity() => Fire(AssignmentTrigger.VerifyCapacity);
    public Transition Enqueue() => Fire(AssignmentTrigger.Enqueue);
    public Transition StartAssignment() => Fire(AssignmentTrigger.Start);
    public Transition CommitPlan() => Fire(AssignmentTrigger.PlanCommitted);
    public Transition Confirm() => Fire(AssignmentTrigger.Confirm);
    public Transition Retry() => Fire(AssignmentTrigger.Retry);
    public Transition SendToManualReview() => Fire(AssignmentTrigger.SendToManualReview);
    public Transition Fail() => Fire(AssignmentTrigger.Fail);
    public Transition OperatorAssign() => Fire(AssignmentTrigger.OperatorAssign);
    public Transition Reassign() => Fire(AssignmentTrigger.Reassign);
    public Transition OperatorReassign() => Fire(AssignmentTrigger.OperatorReassign);
    public Transition Modify() => Fire(AssignmentTrigger.Modify);
    public Transition FloorChange() => Fire(AssignmentTrigger.FloorChange);
    public Transition Strand() => Fire(AssignmentTrigger.Strand);

    private Transition Fire(AssignmentTrigger trigger)
    {
        var from = _machine.State;
        _machine.Fire(trigger);
        return new Transition(from, _machine.State, trigger);
    }

    /// <summary>The machine as a Mermaid state diagram (kept in docs/state-machine.md).</summary>
    public static string ToMermaid() => MermaidGraph.Format(InMemory(AssignmentState.Created)._machine.GetInfo());

    private static void Configure(StateMachine<AssignmentState, AssignmentTrigger> m)
    {
        m.Configure(AssignmentState.Created)
            .Permit(AssignmentTrigger.VerifyCapacity, AssignmentState.CapacityVerified)
            .Permit(AssignmentTrigger.Fail, AssignmentState.Failed);
        m.Configure(AssignmentState.CapacityVerified)
            .Permit(AssignmentTrigger.Enqueue, AssignmentState.AssignmentPending)
            .Permit(AssignmentTrigger.Fail, AssignmentState.Failed);
        m.Configure(AssignmentState.AssignmentPending)
            .Permit(AssignmentTrigger.Start, AssignmentState.AssignmentInProgress)
            .Permit(AssignmentTrigger.SendToManualReview, AssignmentState.ManualReview)
            .Permit(AssignmentTrigger.Fail, AssignmentState.Failed);
        m.Configure(AssignmentState.AssignmentInProgress)
            .Permit(AssignmentTrigger.PlanCommitted, AssignmentState.Assigned)
            .Permit(AssignmentTrigger.Retry, AssignmentState.AssignmentPending)
            .Permit(AssignmentTrigger.SendToManualReview, AssignmentState.ManualReview)
            .Permit(AssignmentTrigger.Fail, AssignmentState.Failed);
        m.Configure(AssignmentState.Assigned)
            .Permit(AssignmentTrigger.Confirm, AssignmentState.Confirmed)
            .Permit(AssignmentTrigger.SendToManualReview, AssignmentState.ManualReview)
            .Permit(AssignmentTrigger.Fail, AssignmentState.Failed);
        m.Configure(AssignmentState.ManualReview)
            .Permit(AssignmentTrigger.OperatorAssign, AssignmentState.Confirmed)
            .Permit(AssignmentTrigger.Modify, AssignmentState.Confirmed);
        // Moves keep the booking confirmed: a re-entry with its own trigger, so history and diagram agree.
        m.Configure(AssignmentState.Confirmed)
            .PermitReentry(AssignmentTrigger.Reassign)
            .PermitReentry(AssignmentTrigger.OperatorReassign)
            .PermitReentry(AssignmentTrigger.Modify)
            .PermitReentry(AssignmentTrigger.FloorChange)
            .Permit(AssignmentTrigger.Strand, AssignmentState.ManualReview);
        m.Configure(AssignmentState.Failed);
    }
}

/// <summary>Rules about states that hold outside a machine instance.</summary>
public static class AssignmentStates
{
    /// <summary>Terminal for the coordinator: confirmed, failed, manual_review (until an operator acts).</summary>
    public static bool IsTerminal(this AssignmentState s) => s is AssignmentState.Confirmed or AssignmentState.Failed or AssignmentState.ManualReview;
}

public sealed record Transition(AssignmentState From, AssignmentState To, AssignmentTrigger Trigger);

/// <summary>The database spelling of states and triggers (snake_case, as in the contract).</summary>
public static class StateNames
{
    public static string Of(AssignmentState s) => s switch
    {
        AssignmentState.Created => "created",
        AssignmentState.CapacityVerified => "capacity_verified",
        AssignmentState.AssignmentPending => "assignment_pending",
        AssignmentState.AssignmentInProgress => "assignment_in_progress",
        AssignmentState.Assigned => "assigned",
        AssignmentState.Confirmed => "confirmed",
        AssignmentState.Failed => "failed",
        AssignmentState.ManualReview => "manual_review",
        _ => throw new ArgumentOutOfRangeException(nameof(s), s, null),
    };

    public static AssignmentState Parse(string s) =>
        Enum.GetValues<AssignmentState>().FirstOrDefault(v => Of(v) == s, (AssignmentState)(-1)) is var v && Enum.IsDefined(v)
            ? v : throw new ArgumentOutOfRangeException(nameof(s), s, "Unknown assignment state.");

    public static string Of(AssignmentTrigger t) => t switch
    {
        AssignmentTrigger.VerifyCapacity => "verify_capacity",
        AssignmentTrigger.Enqueue => "enqueue",
        AssignmentTrigger.Start => "start",
        AssignmentTrigger.PlanCommitted => "plan_committed",
        AssignmentTrigger.Confirm => "confirm",
        AssignmentTrigger.Retry => "retry",
        AssignmentTrigger.SendToManualReview => "send_to_manual_review",
        AssignmentTrigger.Fail => "fail",
        AssignmentTrigger.OperatorAssign => "operator_assign",
        AssignmentTrigger.Reassign => "reassign",
        AssignmentTrigger.OperatorReassign => "operator_reassign",
        AssignmentTrigger.Modify => "modify",
        AssignmentTrigger.FloorChange => "floor_change",
        AssignmentTrigger.Strand => "strand",
        _ => throw new ArgumentOutOfRangeException(nameof(t), t, null),
    };
}
