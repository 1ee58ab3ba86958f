using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using BookingAssignment.Api.Tests.Infrastructure;
using BookingAssignment.Api.Tests.V3;
using Microsoft.Extensions.Time.Testing;

namespace BookingAssignment.Api.Tests.Lifecycle;

/// <summary>
/// A late service (18:00–02:00, last seating 00:30) on the two nights of the year the clocks change
/// in the restaurant's zone: the bookings after midnight stay on the evening they belong to, and
/// the day sheet, holds, blocks and visit status all agree on that.
/// </summary>
public sealed class CalendarEdgeTests
{
    private static readonly TimeZoneInfo London = TimeZoneInfo.FindSystemTimeZoneById("Europe/London");

    private static DateTimeOffset Local(DateOnly date, int hour, int minute)
    {
        var wall = date.ToDateTime(new TimeOnly(hour, minute));
        return new DateTimeOffset(wall, London.GetUtcOffset(wall));
    }

    [Theory]
    [InlineData("2027-03-27")] // the clocks go forward at 01:00 that night
    [InlineData("2027-10-30")] // the clocks go back at 02:00 that night
    public async Task ALateServiceOnADaylightSavingNightKeepsItsBookingsOnItsOwnEvening(string evening)
    {
        var day = DateOnly.ParseExact(evening, "yyyy-MM-dd", CultureInfo.InvariantCulture);
        var clock = new FakeTimeProvider(Local(day, 10, 0).ToUniversalTime());
        await using var api = await ApiHost.StartAsync(V3Setup.Flags(v3: true, shadow: false), configureServices: s => s.AddSingleton<TimeProvider>(clock));
        var floor = Bodies.Restaurant([("T1", "main", 1, 2), ("T2", "main", 1, 2), ("T3", "main", 1, 2)], name: "Late Night");
        floor["services"] = new JsonArray(new JsonObject { ["name"] = "late", ["start"] = "18:00", ["end"] = "02:00", ["lastSeating"] = "00:30" });
        var r = await api.Bookings.CreateRestaurantAsync(floor);

        var early = await api.Bookings.BookAsync(r, 2, Local(day, 19, 0));
        var late = await api.Bookings.BookAsync(r, 2, Local(day.AddDays(1), 0, 30));
        early.Is(HttpStatusCode.Created);
        late.Is(HttpStatusCode.Created);
        (await api.Bookings.BookAsync(r, 2, Local(day.AddDays(1), 0, 45))).Is(HttpStatusCode.BadRequest); // after last seating

        // The day sheet of the evening has both, in order; the next date has neither.
        Assert.Equal([early.Id, late.Id], await SheetAsync(api, r, day));
        Assert.Empty(await SheetAsync(api, r, day.AddDays(1)));
        // Availability of the evening offers the after-midnight slots too.
        var slots = await api.Bookings.GetAsync($"/restaurants/{r.Id}/availability?date={day:yyyy-MM-dd}&partySize=2");
        Assert.Contains(slots.Json.GetProperty("startTimes").EnumerateArray(), t => t.GetDateTimeOffset() == Local(day.AddDays(1), 0, 15));

        // A hold and a block across midnight.
        var hold = await api.Client.SendAsync(HttpMethod.Post, $"/restaurants/{r.Id}/holds",
            new JsonObject { ["partySize"] = 2, ["startsAt"] = Bodies.Iso(Local(day.AddDays(1), 0, 15)) });
        hold.Is(HttpStatusCode.Created);
        Assert.Equal(Local(day.AddDays(1), 0, 15), hold.Json.GetProperty("startsAt").GetDateTimeOffset());
        var free = new[] { "T1", "T2", "T3" }.Except(early.Tables.Concat(late.Tables)).First();
        var block = await api.Ops.SendAsync(HttpMethod.Post, $"/restaurants/{r.Id}/blocks", new JsonObject
        {
            ["tables"] = new JsonArray(free), ["from"] = Bodies.Iso(Local(day, 23, 0)), ["until"] = Bodies.Iso(Local(day.AddDays(1), 3, 0)), ["reason"] = "late clean",
        });
        block.Is(HttpStatusCode.Created);
        // The hold still has its capacity, the block took the third table: the evening's after-midnight slot is full.
        (await api.Bookings.BookAsync(r, 2, Local(day.AddDays(1), 0, 15))).Is(HttpStatusCode.Conflict);

        // The evening happens: seat and complete the first party, the late one never comes.
        clock.SetUtcNow(Local(day, 18, 45).ToUniversalTime());
        (await api.Ops.VisitAsync(early.Id, "seat")).Is(HttpStatusCode.OK);
        clock.SetUtcNow(Local(day, 20, 40).ToUniversalTime());
        (await api.Ops.VisitAsync(early.Id, "complete")).Is(HttpStatusCode.OK);
        clock.SetUtcNow(Local(day.AddDays(1), 0, 40).ToUniversalTime());
        Assert.Equal("no_show_too_early", (await api.Ops.VisitAsync(late.Id, "no-show")).Str("code"));
        clock.SetUtcNow(Local(day.AddDays(1), 0, 50).ToUniversalTime());
        (await api.Ops.VisitAsync(late.Id, "no-show")).Is(HttpStatusCode.OK);

        var sheet = await api.Bookings.GetAsync($"/restaurants/{r.Id}/bookings?date={day:yyyy-MM-dd}", api.Ops);
        Assert.Equal(["completed", "no_show"], sheet.Json.GetProperty("bookings").EnumerateArray().Select(b => b.GetProperty("status").GetString()!).ToArray());
        Assert.Equal(0, await Lifecycle.OverlapsAsync(api.Db));
    }

    private static async Task<Guid[]> SheetAsync(ApiHost api, CreatedRestaurant r, DateOnly date)
    {
        var sheet = await api.Bookings.GetAsync($"/restaurants/{r.Id}/bookings?date={date:yyyy-MM-dd}", api.Ops);
        sheet.Is(HttpStatusCode.OK);
        return sheet.Json.GetProperty("bookings").EnumerateArray().Select(b => b.GetProperty("id").GetGuid()).ToArray();
    }
}
