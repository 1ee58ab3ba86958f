using BookingAssignment.Api.Persistence;
using BookingAssignment.Api.Tests.Infrastructure;
using BookingAssignment.Api.Webhooks;

namespace BookingAssignment.Api.Tests.Persistence;

/// <summary>
/// The audit trail of a save (observability_events, booking_assignment_state_history): every column
/// arrives, ids follow the order the rows were staged in (the runbooks read history and events by
/// id), and a save stays all-or-nothing when an audit row is refused. Written for a batched writer
/// of these rows (measured and not kept, docs/benchmarks.md); it holds for any writer.
/// </summary>
public sealed class AuditTrailTests
{
    [Fact]
    public async Task ABookingsEventsAndHistoryArriveWholeAndInTheOrderTheyHappened()
    {
        await using var api = await ApiHost.StartAsync(new() { ["FEATURE_ASSIGNMENT_PIPELINE_V3"] = "true" });
        var r = await api.Bookings.CreateRestaurantAsync(Bodies.Restaurant([("T1", "main", 1, 4)]));
        var booked = await api.Bookings.BookAsync(r, 2, r.At(new TimeOnly(19, 0)));
        Assert.Equal("confirmed", booked.Str("status"));
        var id = booked.Id;

        var history = await api.Db.RowsAsync("SELECT version, from_state, to_state, trigger, pipeline, actor, metadata::text AS metadata FROM booking_assignment_state_history WHERE booking_id = $1 ORDER BY id", id);
        Assert.Equal([1, 2, 3, 4, 5], history.Select(h => (int)h["version"]!));
        Assert.Equal(["created", "capacity_verified", "assignment_pending", "assignment_in_progress", "assigned"], history.Select(h => (string)h["from_state"]!));
        Assert.Equal("confirmed", history[^1]["to_state"]);
        Assert.All(history, h => Assert.Equal("v3", h["pipeline"]));
        Assert.All(history, h => Assert.Contains("\"actor\": \"system\"", (string)h["metadata"]!, StringComparison.Ordinal));

        var events = await api.Db.RowsAsync("SELECT event_type, source, severity, restaurant_id, context->>'version' AS version FROM observability_events WHERE booking_id = $1 ORDER BY id", id);
        Assert.Equal("booking.created", events[0]["event_type"]);
        Assert.Equal("coordinator.confirmed", events[^1]["event_type"]);
        Assert.Equal(["1", "2", "3", "4", "5"], events.Where(e => (string)e["source"]! == "assignment.state_machine").Select(e => (string)e["version"]!));
        Assert.All(events, e => Assert.Equal(r.Id, e["restaurant_id"]));
        Assert.All(events, e => Assert.Equal("info", e["severity"]));
        // The seed's monitoring query counts the same transitions as the history holds.
        Assert.Equal(5, await api.Db.CountAsync("SELECT count(*) FROM observability_events WHERE booking_id = $1 AND event_type = 'booking.assignment_state_transition'", id));
    }

    [Fact]
    public async Task WhenAnAuditRowIsRefusedNothingOfTheSaveIsKept()
    {
        await using var api = await ApiHost.StartAsync();
        await using var scope = api.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BookingDb>();
        var subscription = new WebhookSubscription { Id = Guid.NewGuid(), Url = "https://example.test/hook", Events = ["booking.confirmed"], Secret = "whsec_x" };
        db.WebhookSubscriptions.Add(subscription);
        // A severity the table's CHECK refuses, in the same save as a subscription.
        db.Events.Add(new ObservabilityEvent { CreatedAt = DateTimeOffset.UtcNow, Source = "test", EventType = "test.bad", Severity = "loud", Context = "{}" });

        var refused = await Assert.ThrowsAnyAsync<Exception>(() => db.SaveChangesAsync());
        Assert.Equal(Npgsql.PostgresErrorCodes.CheckViolation, Assert.IsType<Npgsql.PostgresException>(refused.GetBaseException()).SqlState);

        Assert.Equal(0, await api.Db.CountAsync("SELECT count(*) FROM webhook_subscriptions WHERE id = $1", subscription.Id));
        Assert.Equal(0, await api.Db.CountAsync("SELECT count(*) FROM observability_events WHERE source = 'test'"));
    }
}
