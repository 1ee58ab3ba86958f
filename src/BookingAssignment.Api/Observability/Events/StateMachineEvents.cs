
namespace BookingAssignment.Api.Observability.Events;

/// <summary>Events of the V3 state machine (source <c>assignment.state_machine</c>): one per transition.</summary>
internal static class StateMachineEvents
{
    public const string Source = "assignment.state_machine";

    public static AppEvent Transition(Transition t, int version, string runTrigger, string? reason, string pipeline, bool shadow) =>
        new(Source, "booking.assignment_state_transition",
            t.To is AssignmentState.ManualReview or AssignmentState.Failed ? Severity.Warning : Severity.Info,
            new Dictionary<string, object?>
            {
                ["from"] = StateNames.Of(t.From),
                ["to"] = StateNames.Of(t.To),
                ["version"] = version,
                ["trigger"] = StateNames.Of(t.Trigger),
                ["run_trigger"] = runTrigger,
                ["reason"] = reason,
                ["pipeline"] = pipeline,
                ["shadow"] = shadow,
            });
}
