using System.Net;
using System.Text.Json.Nodes;
using BookingAssignment.Api.Tests.Infrastructure;
using BookingAssignment.Api.Tests.Lifecycle;

namespace BookingAssignment.Api.Tests.V3;

/// <summary>
/// The opt-in yield setting (issue 9): off, a couple is seated on a four-top whenever one is free; on,
/// with a history of fours asking for that evening, the couple is refused (409 held_for_larger_parties),
/// nothing is saved, the alternatives it is offered can be booked, availability agrees, and a four is
/// still seated. Turning it off again restores first come, first served.
/// </summary>
public sealed class YieldSettingTests
{
    [Fact]
    public async Task WithTheSettingOnACoupleGivesWayToTheFoursTheHistoryExpects()
    {
        await using var api = await ApiHost.StartAsync(V3Setup.Flags(v3: true, shadow: false));
        var r = await api.Bookings.CreateRestaurantAsync(Bodies.Restaurant([("A1", "main", 1, 4), ("A2", "main", 1, 4), ("C1", "main", 1, 2)]));
        var at = r.At(new TimeOnly(19, 0));
        await WriteHistoryAsync(api, r, days: 10, foursAt1900: 3);

        var off = await api.Ops.SendAsync(HttpMethod.Get, $"/restaurants/{r.Id}/yield");
        off.Is(HttpStatusCode.OK);
        Assert.False(off.Json.GetProperty("enabled").GetBoolean());
        (await api.Ops.SendAsync(HttpMethod.Put, $"/restaurants/{r.Id}/yield", new JsonObject())).Is(HttpStatusCode.BadRequest);
        Assert.Equal(["enabled"], (await api.Ops.SendAsync(HttpMethod.Put, $"/restaurants/{r.Id}/yield", new JsonObject())).ErrorKeys);

        var on = await api.Ops.SendAsync(HttpMethod.Put, $"/restaurants/{r.Id}/yield", new JsonObject { ["enabled"] = true });
        on.Is(HttpStatusCode.OK);
        Assert.True(on.Json.GetProperty("enabled").GetBoolean());
        Assert.Equal(30, on.Json.GetProperty("requests").GetInt32());
        Assert.Equal(10, on.Json.GetProperty("serviceDays").GetInt32());

        // The two-top first: a couple that fills its table is never turned away.
        var first = await api.Bookings.BookAsync(r, 2, at);
        first.Is(HttpStatusCode.Created);
        Assert.Equal(["C1"], first.Tables);

        // The next couple would take a four-top the fours are expected to want.
        var refused = await api.Bookings.BookAsync(r, 2, at);
        refused.Is(HttpStatusCode.Conflict);
        Assert.Equal("no_availability", refused.Str("code"));
        Assert.Equal(YieldReason, refused.Str("reason"));
        Assert.Equal(1, await api.Db.CountAsync("SELECT count(*) FROM bookings WHERE restaurant_id = $1", r.Id));
        Assert.Equal(1, await api.Db.CountAsync(
            "SELECT count(*) FROM observability_events WHERE restaurant_id = $1 AND event_type = 'booking.rejected' AND context->>'reason' = $2 AND created_at > now() - interval '1 hour'",
            r.Id, YieldReason));

        // Availability tells the same story, and an alternative offered can be booked.
        var slots = await AvailableAsync(api, r, 2, at);
        Assert.DoesNotContain(at, slots);
        var alternatives = refused.Json.GetProperty("alternatives").EnumerateArray().Select(a => a.GetDateTimeOffset()).ToArray();
        Assert.NotEmpty(alternatives);
        Assert.All(alternatives, a => Assert.Contains(a, slots));
        (await api.Bookings.BookAsync(r, 2, alternatives[0])).Is(HttpStatusCode.Created);

        // The party the tables are kept for is seated.
        var four = await api.Bookings.BookAsync(r, 4, at);
        four.Is(HttpStatusCode.Created);
        Assert.Equal("confirmed", four.Str("status"));

        // Off again: first come, first served.
        (await api.Ops.SendAsync(HttpMethod.Put, $"/restaurants/{r.Id}/yield", new JsonObject { ["enabled"] = false })).Is(HttpStatusCode.OK);
        Assert.Contains(at, await AvailableAsync(api, r, 2, at));
        (await api.Bookings.BookAsync(r, 2, at)).Is(HttpStatusCode.Created);
        Assert.Equal(2, await api.Db.CountAsync("SELECT count(*) FROM observability_events WHERE restaurant_id = $1 AND event_type = 'restaurant.yield_changed'", r.Id));
        Assert.Equal(0, await BookingAssignment.Api.Tests.Lifecycle.Lifecycle.OverlapsAsync(api.Db));
    }

    private const string YieldReason = "held_for_larger_parties";

    /// <summary>Refusals of parties of four at 19:00 on each of the last <paramref name="days"/> days, asked half an hour ahead.</summary>
    private static async Task WriteHistoryAsync(ApiHost api, CreatedRestaurant r, int days, int foursAt1900)
    {
        for (var d = 1; d <= days; d++)
            for (var k = 0; k < foursAt1900; k++)
            {
                var start = r.At(new TimeOnly(19, 0), daysAhead: -d);
                await api.Db.ExecuteAsync("""
                    INSERT INTO observability_events (created_at, source, event_type, severity, context, restaurant_id)
                    VALUES ($1, 'booking', 'booking.rejected', 'info', jsonb_build_object('party_size', 4, 'start_at', $2::text, 'reason', 'no_availability'), $3)
                    """, start.AddMinutes(-30).ToUniversalTime(), Bodies.Iso(start), r.Id);
            }
    }

    private static async Task<DateTimeOffset[]> AvailableAsync(ApiHost api, CreatedRestaurant r, int party, DateTimeOffset day)
    {
        var date = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(day, TimeZoneInfo.FindSystemTimeZoneById(r.TimeZone)).DateTime);
        var answer = await api.Bookings.GetAsync($"/restaurants/{r.Id}/availability?date={date:yyyy-MM-dd}&partySize={party}");
        answer.Is(HttpStatusCode.OK);
        return answer.Json.GetProperty("startTimes").EnumerateArray().Select(t => t.GetDateTimeOffset()).ToArray();
    }
}
