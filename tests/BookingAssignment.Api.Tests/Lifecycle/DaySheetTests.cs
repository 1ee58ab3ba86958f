using System.Globalization;
using System.Net;
using System.Text.Json;
using BookingAssignment.Api.Tests.Infrastructure;

namespace BookingAssignment.Api.Tests.Lifecycle;

public sealed class DaySheetTests
{
    private static readonly DateOnly Day = new(2027, 3, 10);

    [Fact]
    public async Task PagesReturnEveryBookingPresentFromTheStartExactlyOnceInOrderWhileBookingsAreAdded()
    {
        await using var api = await ApiHost.StartAsync();
        var restaurant = await api.Bookings.CreateRestaurantAsync(StaffKeys.Floor());
        var random = new Random(11);
        var present = new HashSet<Guid>();
        // Starts on a 15-minute grid, so many bookings share a start and the id breaks the tie.
        for (var i = 0; i < 80; i++) present.Add(await InsertAsync(api.Db, restaurant, Local(restaurant, Day, 11 * 60 + random.Next(0, 44) * 15)));

        using var stop = new CancellationTokenSource();
        var inserter = Task.Run(async () =>
        {
            var r = new Random(12);
            while (!stop.IsCancellationRequested)
                await InsertAsync(api.Db, restaurant, Local(restaurant, Day, 11 * 60 + r.Next(0, 44) * 15));
        });

        var seen = new List<(DateTimeOffset Start, Guid Id)>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await GetSheetAsync(api, restaurant, $"date={Day:yyyy-MM-dd}&limit=7" + (cursor is null ? "" : $"&cursor={cursor}"));
            Assert.Equal(HttpStatusCode.OK, page.Status);
            seen.AddRange(page.Json.GetProperty("bookings").EnumerateArray()
                .Select(b => (b.GetProperty("startsAt").GetDateTimeOffset(), b.GetProperty("id").GetGuid())));
            cursor = page.Str("nextCursor");
            // And a few right around the cursor: before it, tied with it, after it.
            if (seen.Count > 0)
                foreach (var minutes in new[] { -15, 0, 15 }) await InsertAsync(api.Db, restaurant, seen[^1].Start.AddMinutes(minutes));
            pages++;
        }
        while (cursor is not null && pages < 1000);
        await stop.CancelAsync();
        await inserter;

        Assert.Null(cursor);
        Assert.All(present, id => Assert.Equal(1, seen.Count(s => s.Id == id)));
        Assert.Equal(seen.Count, seen.Select(s => s.Id).Distinct().Count());
        for (var i = 1; i < seen.Count; i++)
            Assert.True(Compare(seen[i - 1], seen[i]) < 0, $"Out of order at {i}: {seen[i - 1]} then {seen[i]}");
    }

    [Fact]
    public async Task TheSheetCarriesTablesStatusPartyCustomerAndNotes()
    {
        await using var api = await ApiHost.StartAsync();
        var restaurant = await api.Bookings.CreateRestaurantAsync(StaffKeys.Floor());
        var startsAt = restaurant.At(new TimeOnly(19, 0), daysAhead: 3);
        var created = await api.Bookings.PostBookingAsync(Bodies.Booking(restaurant.Id, 3, startsAt, name: "Grace Hopper", notes: "window seat"));
        Assert.Equal(HttpStatusCode.Created, created.Status);

        var sheet = await GetSheetAsync(api, restaurant, $"date={DateOnly.FromDateTime(startsAt.DateTime):yyyy-MM-dd}");

        var booking = Assert.Single(sheet.Json.GetProperty("bookings").EnumerateArray());
        Assert.Equal(created.Id, booking.GetProperty("id").GetGuid());
        Assert.Equal(created.Tables, booking.GetProperty("tables").EnumerateArray().Select(t => t.GetString()!).ToArray());
        Assert.NotEmpty(created.Tables);
        Assert.Equal("confirmed", booking.GetProperty("status").GetString());
        Assert.Equal(3, booking.GetProperty("partySize").GetInt32());
        Assert.Equal("Grace Hopper", booking.GetProperty("customer").GetProperty("name").GetString());
        Assert.Equal("window seat", booking.GetProperty("notes").GetString());
        Assert.Equal(JsonValueKind.Null, sheet.Json.GetProperty("nextCursor").ValueKind);
    }

    [Fact]
    public async Task TheStatusFilterKeepsOnlyTheNamedStatuses()
    {
        await using var api = await ApiHost.StartAsync();
        var restaurant = await api.Bookings.CreateRestaurantAsync(StaffKeys.Floor());
        var byStatus = new Dictionary<string, Guid>();
        foreach (var (status, i) in new[] { "pending", "confirmed", "cancelled", "checked_in", "completed", "no_show" }.Select((s, i) => (s, i)))
            byStatus[status] = await InsertAsync(api.Db, restaurant, Local(restaurant, Day, 18 * 60 + i * 15), status);

        async Task<Guid[]> Ids(string status) =>
            (await GetSheetAsync(api, restaurant, $"date={Day:yyyy-MM-dd}&status={status}")).Json.GetProperty("bookings")
                .EnumerateArray().Select(b => b.GetProperty("id").GetGuid()).ToArray();

        Assert.Equal([byStatus["cancelled"]], await Ids("cancelled"));
        Assert.Equal([byStatus["pending"], byStatus["confirmed"]], await Ids("confirmed,pending"));
        Assert.Equal([byStatus["checked_in"], byStatus["no_show"]], await Ids("no_show, checked_in"));
        Assert.Equal(6, (await GetSheetAsync(api, restaurant, $"date={Day:yyyy-MM-dd}")).Json.GetProperty("bookings").GetArrayLength());
    }

    /// <summary>Europe/Paris: 29 March 2026 has 23 hours (02:00 → 03:00), 25 October 2026 has 25 (03:00 → 02:00).</summary>
    [Theory]
    [InlineData("2026-03-29",
        "2026-03-28T23:00:00Z 2026-03-29T00:30:00Z 2026-03-29T01:30:00Z 2026-03-29T21:59:00Z",
        "2026-03-28T22:59:00Z 2026-03-29T22:00:00Z 2026-03-29T22:30:00Z")]
    [InlineData("2026-10-25",
        "2026-10-24T22:00:00Z 2026-10-25T00:30:00Z 2026-10-25T01:30:00Z 2026-10-25T22:59:00Z",
        "2026-10-24T21:59:00Z 2026-10-25T23:00:00Z 2026-10-25T23:30:00Z")]
    public async Task ADaylightSavingDayReturnsExactlyItsOwnBookings(string date, string inside, string outside)
    {
        await using var api = await ApiHost.StartAsync();
        var paris = await api.Bookings.CreateRestaurantAsync(StaffKeys.Floor(timeZone: "Europe/Paris"));
        var expected = new List<Guid>();
        foreach (var t in Instants(inside)) expected.Add(await InsertAsync(api.Db, paris, t));
        foreach (var t in Instants(outside)) await InsertAsync(api.Db, paris, t);

        var sheet = await GetSheetAsync(api, paris, $"date={date}");

        Assert.Equal(HttpStatusCode.OK, sheet.Status);
        Assert.Equal(expected, sheet.Json.GetProperty("bookings").EnumerateArray().Select(b => b.GetProperty("id").GetGuid()));
    }

    [Theory]
    [InlineData("", "date")]
    [InlineData("date=2026-13-01", "date")]
    [InlineData("date=10/03/2027", "date")]
    [InlineData("date=2027-03-10&status=seated", "status")]
    [InlineData("date=2027-03-10&status=", "status")]
    [InlineData("date=2027-03-10&status=confirmed,,pending", "status")]
    [InlineData("date=2027-03-10&cursor=not-a-cursor", "cursor")]
    [InlineData("date=2027-03-10&cursor=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "cursor")]
    [InlineData("date=2027-03-10&cursor=%2F%2F%2F%2F%2F%2F%2F%2F%2F%2F%2F%2F%2F%2F%2F%2F%2F%2F%2F%2F%2F%2F%2F%2F%2F%2F%2F%2F%2F%2F%2F%2F", "cursor")]
    [InlineData("date=2027-03-10&limit=0", "limit")]
    [InlineData("date=2027-03-10&limit=201", "limit")]
    [InlineData("date=2027-03-10&limit=ten", "limit")]
    public async Task BadInputIsA400NamingTheField(string query, string field)
    {
        await using var api = await ApiHost.StartAsync();
        var restaurant = await api.Bookings.CreateRestaurantAsync(StaffKeys.Floor());

        var response = await GetSheetAsync(api, restaurant, query);

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal([field], response.ErrorKeys);
    }

    private static Task<ApiResponse> GetSheetAsync(ApiHost api, CreatedRestaurant r, string query) =>
        api.Bookings.GetAsync($"/restaurants/{r.Id}/bookings?{query}", api.Ops);

    /// <summary>PostgreSQL's order: start, then the uuid's bytes (the same order as its lowercase text).</summary>
    private static int Compare((DateTimeOffset Start, Guid Id) a, (DateTimeOffset Start, Guid Id) b)
    {
        var byStart = a.Start.CompareTo(b.Start);
        return byStart != 0 ? byStart : string.CompareOrdinal(a.Id.ToString(), b.Id.ToString());
    }

    private static DateTimeOffset Local(CreatedRestaurant r, DateOnly day, int minutesAfterMidnight)
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById(r.TimeZone);
        var wall = day.ToDateTime(TimeOnly.MinValue).AddMinutes(minutesAfterMidnight);
        return new DateTimeOffset(wall, zone.GetUtcOffset(wall));
    }

    private static IEnumerable<DateTimeOffset> Instants(string list) =>
        list.Split(' ').Select(s => DateTimeOffset.Parse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal));

    /// <summary>A booking row written directly (no tables): the day sheet lists bookings whatever their assignment.</summary>
    private static async Task<Guid> InsertAsync(TestDatabase db, CreatedRestaurant r, DateTimeOffset startsAt, string status = "confirmed")
    {
        var id = Guid.CreateVersion7();
        var start = startsAt.ToUniversalTime();
        await db.ExecuteAsync("""
            INSERT INTO bookings (id, restaurant_id, reference, party_size, start_at, end_at, status, assignment_pipeline, customer_name)
            VALUES ($1, $2, $3, 2, $4, $5, $6, 'legacy', 'Walk-in')
            """, id, r.Id, $"T-{id:N}", start, start.AddMinutes(90), status);
        return id;
    }
}
