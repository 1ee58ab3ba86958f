namespace BookingAssignment.Api.Observability.Events;

/// <summary>
/// An <c>observability_events</c> row before it is written: its source (contract, SPEC §5.1, also
/// the log prefix), type, severity and context. Built only by the factories beside this file, one
/// per source, so every event type and its context keys are spelled once.
/// </summary>
internal sealed record AppEvent(string Source, string Type, string Severity, IReadOnlyDictionary<string, object?> Context);

internal static class Severity
{
    public const string Info = "info";
    public const string Warning = "warning";
    public const string Error = "error";
    public const string Critical = "critical";
}
