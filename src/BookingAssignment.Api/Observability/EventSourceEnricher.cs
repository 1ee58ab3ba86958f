using Serilog.Core;
using Serilog.Events;

namespace BookingAssignment.Api.Observability;

/// <summary>
/// Gives log lines from the assignment classes their event source as prefix, so operators can
/// grep <c>[assignment.coordinator]</c>, <c>[assignment.state_machine]</c>, <c>[assignment.shadow]</c>
/// and <c>[auto_assign]</c> as the seed tells them to.
/// </summary>
public sealed class EventSourceEnricher : ILogEventEnricher
{
    private static readonly Dictionary<string, string> SourceByType = new(StringComparer.Ordinal)
    {
        ["BookingAssignment.Api.Assignment.AssignmentCoordinator"] = EventSources.Coordinator,
        ["BookingAssignment.Api.Assignment.V3Pipeline"] = EventSources.Coordinator,
        ["BookingAssignment.Api.Assignment.AssignmentWorker"] = EventSources.Coordinator,
        ["BookingAssignment.Api.Assignment.TransitionWriter"] = EventSources.StateMachine,
        ["BookingAssignment.Api.Assignment.ShadowRunner"] = EventSources.Shadow,
        ["BookingAssignment.Api.Assignment.LegacyAutoAssign"] = EventSources.AutoAssign,
    };

    public void Enrich(LogEvent logEvent, ILogEventPropertyFactory factory)
    {
        if (logEvent.Properties.ContainsKey("EventSource")) return;
        if (logEvent.Properties.TryGetValue("SourceContext", out var value) && value is ScalarValue { Value: string context }
            && SourceByType.TryGetValue(context, out var source))
            logEvent.AddPropertyIfAbsent(factory.CreateProperty("EventSource", source));
    }
}
