using System.Text.Json;
using BookingAssignment.Api.Persistence;

namespace BookingAssignment.Api.Observability;

/// <summary>Event sources (contract, SPEC §5.1). They are also the log line prefixes.</summary>
public static class EventSources
{
    public const string StateMachine = "assignment.state_machine";
    public const string Coordinator = "assignment.coordinator";
    public const string AutoAssign = "auto_assign";
    public const string Shadow = "assignment.shadow";
    public const string Bookings = "bookings";
}

public static class Severity
{
    public const string Info = "info";
    public const string Warning = "warning";
    public const string Error = "error";
    public const string Critical = "critical";
}

/// <summary>
/// Writes rows to <c>observability_events</c> and the matching log line. <see cref="Add"/> stages
/// the row on the caller's context so it commits (or not) with the change it describes;
/// <see cref="WriteAsync"/> is for events that describe no row change (a rejection, a dry run).
/// </summary>
public sealed partial class EventRecorder(ILogger<EventRecorder> logger, TimeProvider time, IServiceScopeFactory scopes)
{
    public void Add(BookingDb db, string source, string eventType, Guid? restaurantId, Guid? bookingId,
        IReadOnlyDictionary<string, object?> context, string severity = Severity.Info)
    {
        db.Events.Add(Create(source, eventType, restaurantId, bookingId, context, severity));
    }

    public async Task WriteAsync(string source, string eventType, Guid? restaurantId, Guid? bookingId,
        IReadOnlyDictionary<string, object?> context, string severity = Severity.Info, CancellationToken ct = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BookingDb>();
        db.Events.Add(Create(source, eventType, restaurantId, bookingId, context, severity));
        await db.SaveChangesAsync(ct);
    }

    private ObservabilityEvent Create(string source, string eventType, Guid? restaurantId, Guid? bookingId,
        IReadOnlyDictionary<string, object?> context, string severity)
    {
        // Absent, not null: successful outcomes carry no "reason" key at all.
        var json = JsonSerializer.Serialize(context.Where(kv => kv.Value is not null).ToDictionary());
        using (logger.BeginScope(new Dictionary<string, object> { ["EventSource"] = source }))
        {
            var level = severity switch
            {
                Severity.Warning => LogLevel.Warning,
                Severity.Error => LogLevel.Error,
                Severity.Critical => LogLevel.Critical,
                _ => LogLevel.Information,
            };
            LogEvent(logger, level, eventType, bookingId, json);
        }
        return new ObservabilityEvent
        {
            CreatedAt = time.GetUtcNow(),
            Source = source,
            EventType = eventType,
            Severity = severity,
            Context = json,
            RestaurantId = restaurantId,
            BookingId = bookingId,
        };
    }

    [LoggerMessage(Message = "{EventType} booking={BookingId} {Context}")]
    private static partial void LogEvent(ILogger logger, LogLevel level, string eventType, Guid? bookingId, string context);
}
