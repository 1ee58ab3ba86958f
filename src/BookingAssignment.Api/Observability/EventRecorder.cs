using System.Text.Json;

namespace BookingAssignment.Api.Observability;

/// <summary>
/// Writes rows to <c>observability_events</c> and the matching log line. <see cref="Add"/> stages
/// the row on the caller's context so it commits (or not) with the change it describes;
/// <see cref="WriteAsync"/> is for events that describe no row change (a rejection, a dry run).
/// </summary>
internal sealed partial class EventRecorder(ILogger<EventRecorder> logger, TimeProvider time, IServiceScopeFactory scopes)
{
    public void Add(BookingDb db, AppEvent e, Guid? restaurantId, Guid? bookingId) =>
        db.Events.Add(Create(e, restaurantId, bookingId));

    public async Task WriteAsync(AppEvent e, Guid? restaurantId, Guid? bookingId, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BookingDb>();
        db.Events.Add(Create(e, restaurantId, bookingId));
        await db.SaveChangesAsync(ct);
    }

    private ObservabilityEvent Create(AppEvent e, Guid? restaurantId, Guid? bookingId)
    {
        var json = ContextJson(e.Context);
        using (logger.BeginScope(new Dictionary<string, object> { [EventSourceEnricher.Property] = e.Source }))
        {
            var level = e.Severity switch
            {
                Severity.Warning => LogLevel.Warning,
                Severity.Error => LogLevel.Error,
                Severity.Critical => LogLevel.Critical,
                _ => LogLevel.Information,
            };
            LogEvent(logger, level, e.Type, bookingId, json);
        }
        return new ObservabilityEvent
        {
            CreatedAt = time.GetUtcNow(),
            Source = e.Source,
            EventType = e.Type,
            Severity = e.Severity,
            Context = json,
            RestaurantId = restaurantId,
            BookingId = bookingId,
        };
    }

    /// <summary>A context as jsonb text. Absent, not null: successful outcomes carry no "reason" key at all.</summary>
    public static string ContextJson(IEnumerable<KeyValuePair<string, object?>> context) =>
        JsonSerializer.Serialize(context.Where(kv => kv.Value is not null).ToDictionary());

    [LoggerMessage(Message = "{EventType} booking={BookingId} {Context}")]
    private static partial void LogEvent(ILogger logger, LogLevel level, string eventType, Guid? bookingId, string context);
}
