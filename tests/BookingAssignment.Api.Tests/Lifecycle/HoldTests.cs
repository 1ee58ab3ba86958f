using System.Net;
using System.Text.Json.Nodes;
using BookingAssignment.Api.Tests.Infrastructure;
using BookingAssignment.Api.Tests.V3;

namespace BookingAssignment.Api.Tests.Lifecycle;

public sealed class HoldTests
{
    private static JsonObject Hold(int party, DateTimeOffset at) => new() { ["partySize"] = party, ["startsAt"] = Bodies.Iso(at) };

    private static Task<ApiResponse> HoldAsync(ApiHost api, CreatedRestaurant r, int party, DateTimeOffset at) =>
        api.Client.SendAsync(HttpMethod.Post, $"/restaurants/{r.Id}/holds", Hold(party, at));

    private static JsonObject BookingWithHold(CreatedRestaurant r, int party, DateTimeOffset at, Guid holdId)
    {
        var body = Bodies.Booking(r.Id, party, at);
        body["holdId"] = holdId;
        return body;
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task TwoHoldsRacingForTheLastTableGiveOne201AndOne409(bool v3)
    {
        await using var api = await ApiHost.StartAsync(V3Setup.Flags(v3, shadow: false));
        var r = await api.Bookings.CreateRestaurantAsync(Bodies.Restaurant([("A1", "main", 1, 2), ("A2", "main", 1, 2)]));
        var at = r.At(new TimeOnly(19, 0));
        (await api.Bookings.BookAsync(r, 2, at)).Is(HttpStatusCode.Created);

        var answers = await Task.WhenAll(HoldAsync(api, r, 2, at), HoldAsync(api, r, 2, at));

        Assert.Equal([HttpStatusCode.Created, HttpStatusCode.Conflict], answers.Select(a => a.Status).Order());
        var granted = answers.Single(a => a.Status == HttpStatusCode.Created);
        Assert.True(granted.Json.GetProperty("expiresAt").GetDateTimeOffset() > DateTimeOffset.UtcNow);
        Assert.Equal("no_availability", answers.Single(a => a.Status == HttpStatusCode.Conflict).Str("code"));
        // The held capacity is not sold to anyone else…
        (await api.Bookings.BookAsync(r, 2, at)).Is(HttpStatusCode.Conflict);
        // …but the guest who holds it is never refused.
        var booked = await api.Bookings.PostBookingAsync(BookingWithHold(r, 2, at, granted.Json.GetProperty("holdId").GetGuid()));
        booked.Is(HttpStatusCode.Created);
        Assert.Equal("confirmed", booked.Str("status"));
        Assert.Equal(0, await Lifecycle.OverlapsAsync(api.Db));
    }

    [Fact]
    public async Task AnExpiredHoldsCapacityIsBookableWithoutAnySweep()
    {
        await using var api = await ApiHost.StartAsync(V3Setup.Flags(v3: true, shadow: false, extra: ("Bookings:HoldTtlSeconds", "1")));
        var r = await api.Bookings.CreateRestaurantAsync(Bodies.Restaurant([("A1", "main", 1, 2)]));
        var at = r.At(new TimeOnly(19, 0));
        var hold = await HoldAsync(api, r, 2, at);
        hold.Is(HttpStatusCode.Created);
        (await api.Bookings.BookAsync(r, 2, at)).Is(HttpStatusCode.Conflict);

        var expiresAt = hold.Json.GetProperty("expiresAt").GetDateTimeOffset();
        await Eventually.UntilAsync(() => Task.FromResult(DateTimeOffset.UtcNow > expiresAt.AddMilliseconds(200)), past => past, "the hold to expire");

        var booked = await api.Bookings.BookAsync(r, 2, at);
        booked.Is(HttpStatusCode.Created);
        Assert.Equal(["A1"], booked.Tables);
        Assert.Equal(1, await api.Db.CountAsync("SELECT count(*) FROM booking_holds")); // still there, for the record: nothing swept it
    }

    [Fact]
    public async Task AHoldConsumedTwiceGivesOneBooking()
    {
        await using var api = await ApiHost.StartAsync(V3Setup.Flags(v3: true, shadow: false));
        var r = await api.Bookings.CreateRestaurantAsync(V3Setup.SmallFloor());
        var at = r.At(new TimeOnly(19, 0));
        var holdId = (await HoldAsync(api, r, 4, at)).Json.GetProperty("holdId").GetGuid();

        var answers = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => api.Bookings.PostBookingAsync(BookingWithHold(r, 4, at, holdId))));

        Assert.Equal(1, answers.Count(a => a.Status == HttpStatusCode.Created));
        Assert.All(answers.Where(a => a.Status != HttpStatusCode.Created), a => Assert.Equal("hold_already_used", a.Str("code")));
        Assert.Equal(1, await api.Db.CountAsync("SELECT count(*) FROM bookings WHERE hold_id = $1", holdId));
        // A hold for another party or time is refused before anything runs.
        var otherTime = await api.Bookings.PostBookingAsync(BookingWithHold(r, 4, at.AddMinutes(15), holdId));
        otherTime.Is(HttpStatusCode.BadRequest);
        Assert.Contains("holdId", otherTime.ErrorKeys);
        (await api.Bookings.PostBookingAsync(BookingWithHold(r, 4, at, Guid.NewGuid()))).Is(HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ABookingWithALiveHoldIsNeverRefusedEvenWhenTheEveningFillsUp(bool exact)
    {
        await using var api = await ApiHost.StartAsync(V3Setup.Flags(v3: true, shadow: false, extra: ("Planner:ExactAdmission", exact ? "true" : "false")));
        var r = await api.Bookings.CreateRestaurantAsync(V3Setup.SmallFloor());
        var evening = r.At(new TimeOnly(18, 0));
        var holds = new List<(Guid Id, int Party, DateTimeOffset At)>();
        for (var i = 0; i < 6; i++)
        {
            var (party, at) = (2 + i % 3, evening.AddMinutes(30 * i));
            var h = await HoldAsync(api, r, party, at);
            if (h.Status == HttpStatusCode.Created) holds.Add((h.Json.GetProperty("holdId").GetGuid(), party, at));
        }
        Assert.NotEmpty(holds);
        // Everyone else books the evening full around the holds.
        for (var i = 0; i < 40; i++) await api.Bookings.BookAsync(r, 1 + i % 6, evening.AddMinutes(15 * (i % 16)));

        foreach (var (id, party, at) in holds)
        {
            var booked = await api.Bookings.PostBookingAsync(BookingWithHold(r, party, at, id));
            Assert.True(booked.Code is 201 or 202, booked.ToString());
        }
        await V3Setup.WaitAllV3TerminalAsync(api.Db);
        // With exact admission every later decision had to place the holds too, so each is seated; with the
        // capacity check alone a held guest is admitted (never refused) but may wait for a host.
        var seated = await api.Db.CountAsync("SELECT count(*) FROM bookings WHERE hold_id IS NOT NULL AND status = 'confirmed'");
        // Exactness is lost only where a decision ran out of its budget (that booking went to a person and still holds capacity).
        var exhausted = await api.Db.CountAsync("SELECT count(*) FROM bookings WHERE assignment_reason = 'planner_budget_exhausted'");
        if (exact && exhausted == 0) Assert.Equal(holds.Count, seated);
        Assert.Equal(0, await Lifecycle.OverlapsAsync(api.Db));
    }
}
