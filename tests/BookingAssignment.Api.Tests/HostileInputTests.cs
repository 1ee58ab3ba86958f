using System.Net;
using System.Text.Json.Nodes;
using BookingAssignment.Api.Tests.Infrastructure;

namespace BookingAssignment.Api.Tests;

/// <summary>
/// Text PostgreSQL cannot store, a half-written time zone and a doubled Idempotency-Key header are
/// the client's mistakes: each is a 400 naming the field, nothing is persisted, and none of them
/// reaches the coordinator (so none can count towards opening its breaker).
/// </summary>
public sealed class HostileInputTests
{
    [Fact]
    public async Task UnstorableTextIsA400NamingTheFieldAndNothingIsSaved()
    {
        await using var api = await ApiHost.StartAsync(V3.V3Setup.Flags(v3: true, shadow: false));
        var r = await api.Bookings.CreateRestaurantAsync(Bodies.Restaurant([("A1", "main", 1, 4)]));
        var dinner = r.At(new TimeOnly(19, 0));
        const string loneSurrogate = "\"\\ud800 x\"";

        var bookings = new (string Case, string Body, string Field)[]
        {
            ("NUL in the name", Bodies.Booking(r.Id, 2, dinner, name: "Ada\0Lovelace").ToJsonString(), "customer.name"),
            ("NUL in the phone", With(Bodies.Booking(r.Id, 2, dinner), b => b["customer"]!["phone"] = "+44\u0000"), "customer.phone"),
            ("NUL in the notes", Bodies.Booking(r.Id, 2, dinner, notes: "window\0seat").ToJsonString(), "notes"),
            ("NUL in the zone", With(Bodies.Booking(r.Id, 2, dinner), b => b["zonePreference"] = "ma\0in"), "zonePreference"),
            ("a lone surrogate in the name", Bodies.Booking(r.Id, 2, dinner).ToJsonString().Replace("\"Ada Lovelace\"", loneSurrogate, StringComparison.Ordinal), "customer.name"),
        };
        var failures = new List<string>();
        foreach (var (name, body, field) in bookings)
        {
            var response = await BookingApiClient.PostAsync(api.Client, "/bookings", body, idempotencyKey: $"hostile-{Guid.NewGuid()}");
            if (response.Status != HttpStatusCode.BadRequest || !response.ErrorKeys.Contains(field))
                failures.Add($"{name}: expected 400 naming '{field}', got {response}");
        }

        var restaurants = new (string Case, JsonObject Body, string Field)[]
        {
            ("NUL in the restaurant name", Bodies.Restaurant([("A1", "main", 1, 4)], name: "Bistro\0"), "name"),
            ("NUL in a zone name", Bodies.Restaurant([("A1", "ma\0in", 1, 4)]), "tables[0].zone"),
            ("an unfinished time zone", Bodies.Restaurant([("A1", "main", 1, 4)], timeZone: "Europe/"), "timeZone"),
            ("a time zone that climbs out", Bodies.Restaurant([("A1", "main", 1, 4)], timeZone: "../../etc/passwd"), "timeZone"),
        };
        foreach (var (name, body, field) in restaurants)
        {
            var response = await BookingApiClient.PostAsync(api.Ops, "/restaurants", body.ToJsonString());
            if (response.Status != HttpStatusCode.BadRequest || !response.ErrorKeys.Contains(field))
                failures.Add($"{name}: expected 400 naming '{field}', got {response}");
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));

        Assert.Equal(0, await api.Db.CountAsync("SELECT count(*) FROM bookings"));
        Assert.Equal(1, await api.Db.CountAsync("SELECT count(*) FROM restaurants"));
        Assert.Equal(0, await api.Db.CountAsync("SELECT count(*) FROM idempotency_keys"));
        Assert.Equal(0, await api.Db.CountAsync("SELECT count(*) FROM observability_events WHERE source = 'assignment.coordinator'"));
        var pipeline = await api.Bookings.GetAsync("/ops/pipeline", api.Ops);
        Assert.Equal("closed", pipeline.Json.GetProperty("breakers").GetProperty("coordinator").GetProperty("status").GetString());
    }

    [Fact]
    public async Task ARepeatedIdempotencyKeyHeaderIsA400AndNothingIsSaved()
    {
        await using var api = await ApiHost.StartAsync();
        var r = await api.Bookings.CreateRestaurantAsync(Bodies.Restaurant([("A1", "main", 1, 4)]));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/bookings")
        {
            Content = new StringContent(Bodies.Booking(r.Id, 2, r.At(new TimeOnly(19, 0))).ToJsonString(), System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation("Idempotency-Key", ["a", "b"]);
        using var response = await api.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("Idempotency-Key", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await api.Db.CountAsync("SELECT count(*) FROM bookings"));
        Assert.Equal(0, await api.Db.CountAsync("SELECT count(*) FROM idempotency_keys"));
    }

    private static string With(JsonObject body, Action<JsonObject> change)
    {
        change(body);
        return body.ToJsonString();
    }
}
