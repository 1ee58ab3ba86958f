using System.Net;
using System.Text.Json.Nodes;
using BookingAssignment.Api.Tests.Infrastructure;

namespace BookingAssignment.Api.Tests;

public sealed class BookingValidationTests
{
    [Fact]
    public async Task EachInvalidBookingIsRejectedNamingTheFieldAndNothingIsPersisted()
    {
        await using var api = await ApiHost.StartAsync();
        // Largest party: 4 (the 4-top, or the two joined 2-tops).
        var r = await api.Bookings.CreateRestaurantAsync(Bodies.Restaurant(
            [("A1", "main", 1, 2), ("A2", "main", 1, 2), ("B1", "main", 2, 4)], [("A1", "A2")]));
        var dinner = r.At(new TimeOnly(19, 0));

        var cases = new (string Case, string Body, HttpStatusCode Status, string Field)[]
        {
            ("party of 0", Bodies.Booking(r.Id, 0, dinner).ToJsonString(), HttpStatusCode.BadRequest, "partySize"),
            ("negative party", Bodies.Booking(r.Id, -3, dinner).ToJsonString(), HttpStatusCode.BadRequest, "partySize"),
            ("party larger than any table or combination", Bodies.Booking(r.Id, 9, dinner).ToJsonString(), HttpStatusCode.BadRequest, "partySize"),
            ("party size of the wrong type", With(Bodies.Booking(r.Id, 2, dinner), b => b["partySize"] = "four"), HttpStatusCode.BadRequest, "partySize"),
            ("start in the past", Bodies.Booking(r.Id, 2, r.At(new TimeOnly(19, 0), daysAhead: -1)).ToJsonString(), HttpStatusCode.BadRequest, "startsAt"),
            ("start outside service hours", Bodies.Booking(r.Id, 2, r.At(new TimeOnly(16, 0))).ToJsonString(), HttpStatusCode.BadRequest, "startsAt"),
            ("start after last seating", Bodies.Booking(r.Id, 2, r.At(new TimeOnly(22, 0))).ToJsonString(), HttpStatusCode.BadRequest, "startsAt"),
            ("malformed start", Bodies.Booking(r.Id, 2, "next friday at seven").ToJsonString(), HttpStatusCode.BadRequest, "startsAt"),
            ("start without an offset", Bodies.Booking(r.Id, 2, dinner.ToString("yyyy-MM-dd'T'HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture)).ToJsonString(), HttpStatusCode.BadRequest, "startsAt"),
            ("missing customer name", Bodies.Booking(r.Id, 2, dinner, name: "").ToJsonString(), HttpStatusCode.BadRequest, "customer.name"),
            ("missing customer", With(Bodies.Booking(r.Id, 2, dinner), b => b.Remove("customer")), HttpStatusCode.BadRequest, "customer"),
            ("bad email", Bodies.Booking(r.Id, 2, dinner, email: "ada-at-example").ToJsonString(), HttpStatusCode.BadRequest, "customer.email"),
            ("notes over the limit", Bodies.Booking(r.Id, 2, dinner, notes: new string('n', 501)).ToJsonString(), HttpStatusCode.BadRequest, "notes"),
            ("unknown zone preference", With(Bodies.Booking(r.Id, 2, dinner), b => b["zonePreference"] = "rooftop"), HttpStatusCode.BadRequest, "zonePreference"),
            ("malformed JSON", "{\"restaurantId\": \"" + r.Id + "\", \"partySize\": ", HttpStatusCode.BadRequest, "body"),
            ("unknown restaurant", Bodies.Booking(Guid.NewGuid(), 2, dinner).ToJsonString(), HttpStatusCode.NotFound, "restaurantId"),
        };

        var failures = new List<string>();
        foreach (var (name, body, status, field) in cases)
        {
            // Each with its own Idempotency-Key: a rejected request must not leave its key behind.
            var response = await BookingApiClient.PostAsync(api.Client, "/bookings", body, idempotencyKey: $"validation-{Guid.NewGuid()}");
            if (response.Status != status || !response.ErrorKeys.Contains(field))
                failures.Add($"{name}: expected {(int)status} naming '{field}', got {response}");
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.Equal(0, await api.Db.CountAsync("SELECT count(*) FROM bookings"));
        Assert.Equal(0, await api.Db.CountAsync("SELECT count(*) FROM idempotency_keys"));
        Assert.Equal(0, await api.Db.CountAsync("SELECT count(*) FROM booking_table_assignments"));
        Assert.Equal(0, await api.Db.CountAsync("SELECT count(*) FROM observability_events WHERE event_type = 'booking.created'"));

        // The valid body the cases were derived from is accepted.
        var ok = await api.Bookings.BookAsync(r, 2, dinner, idempotencyKey: "validation-control");
        Assert.Equal(HttpStatusCode.Created, ok.Status);
    }

    private static string With(JsonObject body, Action<JsonObject> change)
    {
        change(body);
        return body.ToJsonString();
    }
}
