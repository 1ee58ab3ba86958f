using System.Net;
using System.Text.Json;
using BookingAssignment.Api.Tests.Infrastructure;

namespace BookingAssignment.Api.Tests;

public sealed class BookingLifecycleTests
{
    [Fact]
    public async Task ABookingIsConfirmedWithTablesAndCancellingFreesThemForTheNextGuest()
    {
        await using var api = await ApiHost.StartAsync();
        var r = await api.Bookings.CreateRestaurantAsync(Bodies.Restaurant([("A1", "main", 1, 2)]));
        var at = r.At(new TimeOnly(19, 0));

        var first = await api.Bookings.BookAsync(r, 2, at);
        Assert.Equal(HttpStatusCode.Created, first.Status);
        Assert.Equal("confirmed", first.Str("status"));
        Assert.Equal("confirmed", first.Str("assignmentState"));
        Assert.Equal("legacy", first.Str("pipeline"));
        Assert.Equal(["A1"], first.Tables);
        Assert.Equal($"/bookings/{first.Id}", first.Headers.Location?.OriginalString);
        Assert.Equal(1, await api.Db.CountAsync(
            "SELECT count(*) FROM booking_table_assignments WHERE booking_id = $1 AND table_id = $2 AND released_at IS NULL", first.Id, r.TableIds["A1"]));

        var fetched = await api.Bookings.GetAsync($"/bookings/{first.Id}");
        Assert.Equal(HttpStatusCode.OK, fetched.Status);
        Assert.Equal("confirmed", fetched.Str("status"));
        Assert.Equal(["A1"], fetched.Tables);

        // The only table is taken at that time.
        Assert.Equal(HttpStatusCode.Conflict, (await api.Bookings.BookAsync(r, 2, at)).Status);

        var cancelled = await api.Bookings.CancelAsync(first.Id);
        Assert.Equal(HttpStatusCode.OK, cancelled.Status);
        Assert.Equal("cancelled", cancelled.Str("status"));
        Assert.Empty(cancelled.Tables);
        Assert.Equal(0, await api.Db.CountAsync("SELECT count(*) FROM booking_table_assignments WHERE booking_id = $1 AND released_at IS NULL", first.Id));
        var releasedAt = await api.Db.ScalarAsync<DateTime>("SELECT released_at FROM booking_table_assignments WHERE booking_id = $1", first.Id);

        var next = await api.Bookings.BookAsync(r, 2, at);
        Assert.Equal(HttpStatusCode.Created, next.Status);
        Assert.Equal("confirmed", next.Str("status"));
        Assert.Equal(["A1"], next.Tables);

        // Cancelling again changes nothing: same answer, one event, the release time kept, the new guest keeps the table.
        var again = await api.Bookings.CancelAsync(first.Id);
        Assert.Equal(HttpStatusCode.OK, again.Status);
        Assert.Equal("cancelled", again.Str("status"));
        Assert.Equal(1, await api.Db.CountAsync("SELECT count(*) FROM observability_events WHERE event_type = 'booking.cancelled' AND booking_id = $1", first.Id));
        Assert.Equal(releasedAt, await api.Db.ScalarAsync<DateTime>("SELECT released_at FROM booking_table_assignments WHERE booking_id = $1", first.Id));
        Assert.Equal(1, await api.Db.CountAsync("SELECT count(*) FROM booking_table_assignments WHERE booking_id = $1 AND released_at IS NULL", next.Id));

        Assert.Equal(HttpStatusCode.NotFound, (await api.Bookings.CancelAsync(Guid.NewGuid())).Status);
    }

    [Fact]
    public async Task AFullTimeIsRejectedWithNoAvailabilityAlternativesAndARejectedEvent()
    {
        await using var api = await ApiHost.StartAsync();
        var r = await api.Bookings.CreateRestaurantAsync(Bodies.Restaurant([("A1", "main", 1, 2)]));
        var at = r.At(new TimeOnly(19, 0));
        Assert.Equal(HttpStatusCode.Created, (await api.Bookings.BookAsync(r, 2, at)).Status);

        var rejected = await api.Bookings.BookAsync(r, 2, at);

        Assert.Equal(HttpStatusCode.Conflict, rejected.Status);
        Assert.Equal("application/problem+json", rejected.ContentHeaders?.ContentType?.MediaType);
        Assert.Equal("no_availability", rejected.Str("code"));
        var alternatives = rejected.Json.GetProperty("alternatives").EnumerateArray().Select(a => a.GetDateTimeOffset()).ToArray();
        Assert.NotEmpty(alternatives);
        Assert.DoesNotContain(at, alternatives);
        Assert.Equal(1, await api.Db.CountAsync("SELECT count(*) FROM bookings"));
        Assert.Equal(1, await api.Db.CountAsync("SELECT count(*) FROM booking_table_assignments"));
        var events = await api.Db.RowsAsync(
            "SELECT booking_id, restaurant_id, context->>'reason' AS reason FROM observability_events WHERE source = 'bookings' AND event_type = 'booking.rejected'");
        var e = Assert.Single(events);
        Assert.Null(e["booking_id"]);
        Assert.Equal(r.Id, e["restaurant_id"]);
        Assert.False(string.IsNullOrWhiteSpace(e["reason"] as string));

        // The alternatives are real: the first one can be booked.
        var alternative = await api.Bookings.BookAsync(r, 2, alternatives[0]);
        Assert.Equal(HttpStatusCode.Created, alternative.Status);
        Assert.Equal("confirmed", alternative.Str("status"));
    }

    [Fact]
    public async Task AConfirmedBookingRecordsCreatedAttemptAndASuccessfulSummaryWithoutReason()
    {
        await using var api = await ApiHost.StartAsync();
        var r = await api.Bookings.CreateRestaurantAsync(Bodies.Restaurant([("A1", "main", 1, 2), ("B1", "main", 2, 4)]));

        var booking = await api.Bookings.BookAsync(r, 2, r.At(new TimeOnly(19, 30)));
        Assert.Equal(HttpStatusCode.Created, booking.Status);

        var rows = await api.Db.RowsAsync(
            "SELECT source, event_type, severity, context::text AS context FROM observability_events WHERE booking_id = $1 ORDER BY id", booking.Id);
        var types = rows.Select(x => $"{x["source"]}/{x["event_type"]}").ToArray();
        Assert.Contains("bookings/booking.created", types);
        Assert.Contains("auto_assign/auto_assign.attempt", types);
        var summaryRow = Assert.Single(rows, x => (string)x["event_type"]! == "auto_assign.summary");
        Assert.Equal("auto_assign", summaryRow["source"]);
        Assert.Equal("info", summaryRow["severity"]);

        using var summary = JsonDocument.Parse((string)summaryRow["context"]!);
        var c = summary.RootElement;
        Assert.Equal("succeeded", c.GetProperty("result").GetString());
        Assert.True(c.GetProperty("attemptsUsed").GetInt32() >= 1);
        Assert.True(c.GetProperty("totalDurationMs").GetDouble() >= 0);
        Assert.False(c.GetProperty("shadow").GetBoolean());
        Assert.False(c.TryGetProperty("reason", out _), "a successful summary carries no reason key");

        // V3 is off: nothing of V3 runs, so no state-machine, coordinator or shadow rows at all.
        Assert.Equal(0, await api.Db.CountAsync("SELECT count(*) FROM observability_events WHERE source = 'assignment.state_machine'"));
        Assert.Equal(0, await api.Db.CountAsync("SELECT count(*) FROM observability_events WHERE source IN ('assignment.coordinator', 'assignment.shadow')"));
        Assert.Equal(0, await api.Db.CountAsync("SELECT count(*) FROM booking_assignment_state_history"));
    }
}
