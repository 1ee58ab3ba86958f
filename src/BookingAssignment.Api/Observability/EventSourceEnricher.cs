using BookingAssignment.Api.Assignment;
using Serilog.Core;
using Serilog.Events;

namespace BookingAssignment.Api.Observability;

/// <summary>
/// Gives log lines from the assignment classes their event source as prefix, so operators can
/// grep <c>[assignment.coordinator]</c>, <c>[assignment.state_machine]</c>, <c>[assignment.shadow]</c>
/// and <c>[auto_assign]</c> as the seed tells them to. Sources come from the event definitions.
/// </summary>
internal sealed class EventSourceEnricher : ILogEventEnricher
{
    /// <summary>The log property that carries the source (set by <see cref="EventRecorder"/> for event lines).</summary>
    public const string Property = "EventSource";

    private static readonly Dictionary<string, string> SourceByType = new(StringComparer.Ordinal)
    {
        [typeof(AssignmentCoordinator).FullName!] = CoordinatorEvents.Source,
        [typeof(AssignmentRun).FullName!] = CoordinatorEvents.Source,
        [typeof(RetryScheduler).FullName!] = CoordinatorEvents.Source,
        [typeof(AssignmentWorker).FullName!] = CoordinatorEvents.Source,
        [typeof(TransitionWriter).FullName!] = StateMachineEvents.Source,
        [typeof(ShadowRunner).FullName!] = ShadowEvents.Source,
        [typeof(LegacyAutoAssign).FullName!] = AutoAssignEvents.Source,
    };

    public void Enrich(LogEvent logEvent, ILogEventPropertyFactory propertyFactory)
    {
        if (logEvent.Properties.ContainsKey(Property)) return;
        if (logEvent.Properties.TryGetValue("SourceContext", out var value) && value is ScalarValue { Value: string context }
            && SourceByType.TryGetValue(context, out var source))
            logEvent.AddPropertyIfAbsent(propertyFactory.CreateProperty(Property, source));
    }
}
