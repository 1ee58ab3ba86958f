using System.Globalization;
using BookingAssignment.Api.Tests.Infrastructure;

namespace BookingAssignment.Api.Tests;

/// <summary>GET /restaurants/{id} and its availability (SPEC §6): what a front end reads before booking.</summary>
public sealed class RestaurantReadTests
{
    [Fact]
    public async Task ARestaurantReadsBackAsItWasCreated()
    {
        await using var api = await ApiHost.StartAsync();
        var r = await api.Bookings.CreateRestaurantAsync(Bodies.Restaurant(
            [("A1", "main", 1, 2), ("A2", "main", 1, 2), ("P1", "patio", 2, 4)], [("A1", "A2")], maxTablesPerBooking: 2, name: "Read Back"));

        var read = await api.Bookings.GetAsync($"/restaurants/{r.Id}");
        Assert.Equal(200, read.Code);
        Assert.Equal("Read Back", read.Str("name"));
        Assert.Equal("Europe/London", read.Str("timeZone"));
        Assert.Equal(2, read.Json.GetProperty("maxTablesPerBooking").GetInt32());
        Assert.Equal(15, read.Json.GetProperty("bufferMinutes").GetInt32());
        var tables = read.Json.GetProperty("tables").EnumerateArray()
            .Select(t => $"{t.GetProperty("label").GetString()}:{t.GetProperty("zone").GetString()}:{t.GetProperty("minCovers").GetInt32()}-{t.GetProperty("maxCovers").GetInt32()}")
            .ToArray();
        Assert.Equal(["A1:main:1-2", "A2:main:1-2", "P1:patio:2-4"], tables);
        var pair = Assert.Single(read.Json.GetProperty("adjacency").EnumerateArray());
        Assert.Equal(["A1", "A2"], pair.EnumerateArray().Select(x => x.GetString()!).Order().ToArray());
        Assert.Equal(2, read.Json.GetProperty("services").GetArrayLength());

        Assert.Equal(404, (await api.Bookings.GetAsync($"/restaurants/{Guid.NewGuid()}")).Code);
    }

    [Fact]
    public async Task AvailabilityListsTheGridTimesThatPassTheCapacityCheckAndDropsAFullSlot()
    {
        await using var api = await ApiHost.StartAsync();
        var r = await api.Bookings.CreateRestaurantAsync(Bodies.Restaurant([("A1", "main", 1, 4)]));
        var at = r.At(new TimeOnly(19, 0));
        var date = at.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

        var before = await api.Bookings.GetAsync($"/restaurants/{r.Id}/availability?date={date}&partySize=2");
        Assert.Equal(200, before.Code);
        var times = before.Json.GetProperty("startTimes").EnumerateArray().Select(t => t.GetDateTimeOffset()).ToArray();
        // Lunch 12:00–14:00 and dinner 17:00–21:30 on the 15-minute grid: 9 + 19 start times.
        Assert.Equal(28, times.Length);
        Assert.Contains(at, times);

        Assert.Equal(201, (await api.Bookings.BookAsync(r, 2, at)).Code);
        var after = await api.Bookings.GetAsync($"/restaurants/{r.Id}/availability?date={date}&partySize=2");
        var left = after.Json.GetProperty("startTimes").EnumerateArray().Select(t => t.GetDateTimeOffset()).ToArray();
        Assert.DoesNotContain(at, left);
        // The only table is held 19:00–20:45 (90 min turn + 15 min buffer): every start whose window
        // would overlap that is gone, the rest of the day stays.
        Assert.DoesNotContain(at.AddMinutes(-90), left);
        Assert.Contains(at.AddMinutes(-105), left);
        Assert.Contains(at.AddMinutes(105), left);
        Assert.DoesNotContain(at.AddMinutes(90), left);

        // A party no table can seat has no availability at all.
        var tooBig = await api.Bookings.GetAsync($"/restaurants/{r.Id}/availability?date={date}&partySize=5");
        Assert.Equal(0, tooBig.Json.GetProperty("startTimes").GetArrayLength());
    }

    [Theory]
    [InlineData("date=2026-13-01&partySize=2", "date")]
    [InlineData("date=tomorrow&partySize=2", "date")]
    [InlineData("date=2026-12-01&partySize=0", "partySize")]
    [InlineData("date=2026-12-01&partySize=two", "partySize")]
    public async Task BadAvailabilityQueriesAre400NamingTheParameter(string query, string field)
    {
        await using var api = await ApiHost.StartAsync();
        var r = await api.Bookings.CreateRestaurantAsync(Bodies.Restaurant([("A1", "main", 1, 4)]));
        var response = await api.Bookings.GetAsync($"/restaurants/{r.Id}/availability?{query}");
        Assert.Equal(400, response.Code);
        Assert.Contains(field, response.ErrorKeys);
    }
}
