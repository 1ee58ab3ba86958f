using System.Net;
using System.Text.Json.Nodes;
using BookingAssignment.Api.Tests.Infrastructure;
using BookingAssignment.Api.Tests.V3;

namespace BookingAssignment.Api.Tests.Lifecycle;

public sealed class FloorAndBlockTests
{
    /// <summary>The tables given; B1 and B2 joinable when both are there.</summary>
    private static JsonObject Floor(params (string Label, string Zone, int Min, int Max)[] tables) =>
        Bodies.Restaurant(tables, tables.Count(t => t.Label is "B1" or "B2") == 2 ? [("B1", "B2")] : [], name: "Floor Change Bistro");

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task RetiringATableReseatsItsBookingsOrListsThemAndDryRunChangesNothing(bool v3)
    {
        await using var api = await ApiHost.StartAsync(V3Setup.Flags(v3, shadow: false));
        var r = await api.Bookings.CreateRestaurantAsync(Floor(("A1", "main", 1, 2), ("A2", "main", 1, 2), ("B1", "main", 3, 4), ("B2", "main", 3, 4)));
        var at = r.At(new TimeOnly(19, 0));
        var couples = new[] { await api.Bookings.BookAsync(r, 2, at), await api.Bookings.BookAsync(r, 2, at) };
        var four = await api.Bookings.BookAsync(r, 4, at);
        Assert.All(couples.Append(four), b => b.Is(HttpStatusCode.Created));
        // The new floor loses A1, A2 and B2: one four-top is left for two couples and a four.
        var smaller = Floor(("B1", "main", 1, 4));
        var snapshot = await SnapshotAsync(api.Db);

        var preview = await api.Ops.SendAsync(HttpMethod.Put, $"/restaurants/{r.Id}?dryRun=true", smaller);
        preview.Is(HttpStatusCode.OK);
        Assert.True(preview.Json.GetProperty("dryRun").GetBoolean());
        Assert.Equal(["A1", "A2", "B2"], preview.Json.Labels("tablesRetired"));
        Assert.Equal(snapshot, await SnapshotAsync(api.Db));
        Assert.Equal(4, (await api.Bookings.GetAsync($"/restaurants/{r.Id}")).Json.GetProperty("tables").GetArrayLength());

        var changed = await api.Ops.SendAsync(HttpMethod.Put, $"/restaurants/{r.Id}", smaller);
        changed.Is(HttpStatusCode.OK);
        var replanned = changed.Json.GetProperty("replanned").GetArrayLength();
        var listed = changed.Json.GetProperty("manualReview").EnumerateArray().ToArray();
        // The preview told the truth about what the change did.
        Assert.Equal(preview.Json.GetProperty("replanned").GetArrayLength(), replanned);
        Assert.Equal(preview.Json.GetProperty("manualReview").GetArrayLength(), listed.Length);
        Assert.Equal(2, listed.Length);
        Assert.All(listed, l => Assert.Equal("floor_changed", l.GetProperty("reason").GetString()));
        Assert.Equal(["B1"], (await api.Bookings.GetAsync($"/restaurants/{r.Id}")).Json.GetProperty("tables").EnumerateArray()
            .Select(t => t.GetProperty("label").GetString()!).ToArray());

        // No live assignment on a retired table; the stranded are in manual review, pending, without tables.
        Assert.Equal(0, await api.Db.CountAsync("""
            SELECT count(*) FROM booking_table_assignments a JOIN restaurant_tables t ON t.id = a.table_id
            WHERE a.released_at IS NULL AND t.retired_at IS NOT NULL
            """));
        Assert.Equal(3, await api.Db.CountAsync("SELECT count(*) FROM restaurant_tables WHERE retired_at IS NOT NULL"));
        foreach (var l in listed)
        {
            var b = await api.Bookings.GetAsync($"/bookings/{l.GetProperty("bookingId").GetGuid()}");
            Assert.Equal(("pending", "manual_review"), (b.Str("status"), b.Str("assignmentState")));
            Assert.Empty(b.Tables);
        }
        Assert.Equal(0, await Lifecycle.InconsistentAsync(api.Db));
        if (v3)
            Assert.Equal(2, await api.Db.CountAsync("SELECT count(*) FROM booking_assignment_state_history WHERE trigger = 'strand' AND to_state = 'manual_review'"));
        // A retired table cannot be assigned by hand either.
        var manual = await api.Ops.SendAsync(HttpMethod.Post, $"/bookings/{listed[0].GetProperty("bookingId").GetGuid()}/assign",
            new JsonObject { ["tables"] = new JsonArray("A1") });
        manual.Is(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task ATableMadeSmallerMovesItsPartyToATableThatStillFits()
    {
        await using var api = await ApiHost.StartAsync(V3Setup.Flags(v3: true, shadow: false));
        var r = await api.Bookings.CreateRestaurantAsync(Floor(("B1", "main", 3, 4), ("B2", "main", 3, 4)));
        var four = await api.Bookings.BookAsync(r, 4, r.At(new TimeOnly(19, 0)));
        var table = Assert.Single(four.Tables);
        var other = table == "B1" ? "B2" : "B1";
        var body = Floor((table, "main", 1, 2), (other, "main", 3, 4));

        var changed = await api.Ops.SendAsync(HttpMethod.Put, $"/restaurants/{r.Id}", body);

        changed.Is(HttpStatusCode.OK);
        var moved = Assert.Single(changed.Json.GetProperty("replanned").EnumerateArray());
        Assert.Equal([other], moved.Labels("toTables"));
        Assert.Equal([other], (await api.Bookings.GetAsync($"/bookings/{four.Id}")).Tables);
        Assert.Equal(1, await api.Db.CountAsync(
            "SELECT count(*) FROM booking_assignment_state_history WHERE booking_id = $1 AND trigger = 'floor_change'", four.Id));
        Assert.Equal(0, await Lifecycle.OverlapsAsync(api.Db));
        // Same validation as create.
        var bad = await api.Ops.SendAsync(HttpMethod.Put, $"/restaurants/{r.Id}", Floor(("B1", "main", 5, 2)));
        bad.Is(HttpStatusCode.BadRequest);
        Assert.Contains(bad.ErrorKeys, k => k.StartsWith("tables", StringComparison.Ordinal));
        (await api.Client.SendAsync(HttpMethod.Put, $"/restaurants/{r.Id}", body)).Is(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task ABlockReseatsTheBookingsUnderItAndEverythingKeepsOffTheBlockedTable()
    {
        await using var api = await ApiHost.StartAsync(V3Setup.Flags(v3: true, shadow: false));
        var r = await api.Bookings.CreateRestaurantAsync(Floor(("A1", "main", 1, 2), ("A2", "main", 1, 2), ("B1", "main", 1, 4), ("B2", "main", 1, 4)));
        var at = r.At(new TimeOnly(19, 0));
        var couple = await api.Bookings.BookAsync(r, 2, at);
        var blocked = Assert.Single(couple.Tables);
        var block = new JsonObject
        {
            ["tables"] = new JsonArray(blocked), ["from"] = Bodies.Iso(at.AddHours(-1)), ["until"] = Bodies.Iso(at.AddHours(3)), ["reason"] = "wobbly leg",
        };

        var created = await api.Ops.SendAsync(HttpMethod.Post, $"/restaurants/{r.Id}/blocks", block);

        created.Is(HttpStatusCode.Created);
        var blockId = created.Id;
        var moved = Assert.Single(created.Json.GetProperty("replanned").EnumerateArray());
        Assert.NotEqual([blocked], moved.Labels("toTables"));
        Assert.DoesNotContain(blocked, (await api.Bookings.GetAsync($"/bookings/{couple.Id}")).Tables);
        // Admission, availability and manual assignment keep off the blocked table.
        for (var i = 0; i < 2; i++)
        {
            var b = await api.Bookings.BookAsync(r, 2, at);
            b.Is(HttpStatusCode.Created);
            Assert.DoesNotContain(blocked, b.Tables);
        }
        Assert.Equal(HttpStatusCode.Conflict, (await api.Bookings.BookAsync(r, 2, at)).Status);
        var slots = await api.Bookings.GetAsync($"/restaurants/{r.Id}/availability?date={at:yyyy-MM-dd}&partySize=2");
        Assert.DoesNotContain(slots.Json.GetProperty("startTimes").EnumerateArray(), s => s.GetDateTimeOffset() == at);
        var manual = await api.Ops.SendAsync(HttpMethod.Post, $"/bookings/{couple.Id}/assign", new JsonObject { ["tables"] = new JsonArray(blocked) });
        manual.Is(HttpStatusCode.Conflict);
        Assert.Equal(0, await api.Db.CountAsync("""
            SELECT count(*) FROM booking_table_assignments a JOIN table_blocks k ON a.table_id = ANY(k.table_ids)
            WHERE a.released_at IS NULL AND k.deleted_at IS NULL AND a.held_from < k.held_until AND k.held_from < a.held_until
            """));

        // Lifting the block frees the table at once.
        (await api.Ops.SendAsync(HttpMethod.Delete, $"/restaurants/{r.Id}/blocks/{blockId}")).Is(HttpStatusCode.NoContent);
        var after = await api.Bookings.BookAsync(r, 2, at);
        after.Is(HttpStatusCode.Created);
        Assert.Equal([blocked], after.Tables);
        (await api.Ops.SendAsync(HttpMethod.Delete, $"/restaurants/{r.Id}/blocks/{Guid.NewGuid()}")).Is(HttpStatusCode.NotFound);
        Assert.Contains("tables", (await api.Ops.SendAsync(HttpMethod.Post, $"/restaurants/{r.Id}/blocks",
            new JsonObject { ["tables"] = new JsonArray("Z9"), ["from"] = Bodies.Iso(at), ["until"] = Bodies.Iso(at.AddHours(1)), ["reason"] = "x" })).ErrorKeys);
        Assert.Contains("until", (await api.Ops.SendAsync(HttpMethod.Post, $"/restaurants/{r.Id}/blocks",
            new JsonObject { ["tables"] = new JsonArray("A1"), ["from"] = Bodies.Iso(at), ["until"] = Bodies.Iso(at.AddHours(-1)), ["reason"] = "x" })).ErrorKeys);
    }

    [Fact]
    public async Task TheBlocksOfADayListOnlyLiveBlocksOverlappingThatServiceDay()
    {
        await using var api = await ApiHost.StartAsync(V3Setup.Flags(v3: true, shadow: false));
        var r = await api.Bookings.CreateRestaurantAsync(Floor(("A1", "main", 1, 2), ("A2", "main", 1, 2)));
        var at = r.At(new TimeOnly(18, 0));
        async Task<Guid> BlockAsync(string table, DateTimeOffset from, string reason)
        {
            var created = await api.Ops.SendAsync(HttpMethod.Post, $"/restaurants/{r.Id}/blocks",
                new JsonObject { ["tables"] = new JsonArray(table), ["from"] = Bodies.Iso(from), ["until"] = Bodies.Iso(from.AddHours(2)), ["reason"] = reason });
            created.Is(HttpStatusCode.Created);
            return created.Id;
        }
        var live = await BlockAsync("A1", at, "wobbly leg");
        var lifted = await BlockAsync("A2", at, "lifted");
        await BlockAsync("A2", at.AddDays(1), "next day");
        (await api.Ops.SendAsync(HttpMethod.Delete, $"/restaurants/{r.Id}/blocks/{lifted}")).Is(HttpStatusCode.NoContent);
        var date = DateOnly.FromDateTime(at.DateTime).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

        var listed = await api.Bookings.GetAsync($"/restaurants/{r.Id}/blocks?date={date}", api.Ops);

        listed.Is(HttpStatusCode.OK);
        var block = Assert.Single(listed.Json.GetProperty("blocks").EnumerateArray());
        Assert.Equal(live, block.GetProperty("id").GetGuid());
        Assert.Equal(["A1"], block.Labels("tables"));
        Assert.Equal("wobbly leg", block.GetProperty("reason").GetString());
        Assert.Equal(at, block.GetProperty("from").GetDateTimeOffset());
        (await api.Bookings.GetAsync($"/restaurants/{r.Id}/blocks?date=tomorrow", api.Ops)).Is(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task ABlockOverAFullEveningSendsTheUnseatableToManualReviewAndListsThem()
    {
        await using var api = await ApiHost.StartAsync(V3Setup.Flags(v3: true, shadow: false));
        var r = await api.Bookings.CreateRestaurantAsync(Floor(("A1", "main", 1, 2), ("A2", "main", 1, 2)));
        var at = r.At(new TimeOnly(19, 0));
        var first = await api.Bookings.BookAsync(r, 2, at);
        var second = await api.Bookings.BookAsync(r, 2, at);
        var block = new JsonObject
        {
            ["tables"] = new JsonArray("A1"), ["from"] = Bodies.Iso(at), ["until"] = Bodies.Iso(at.AddHours(2)), ["reason"] = "private event",
        };

        var created = await api.Ops.SendAsync(HttpMethod.Post, $"/restaurants/{r.Id}/blocks", block);

        created.Is(HttpStatusCode.Created);
        var listed = Assert.Single(created.Json.GetProperty("manualReview").EnumerateArray());
        Assert.Equal("table_blocked", listed.GetProperty("reason").GetString());
        var onA1 = new[] { first, second }.Single(b => b.Tables.SequenceEqual(["A1"]));
        Assert.Equal(onA1.Id, listed.GetProperty("bookingId").GetGuid());
        var queue = await api.Bookings.GetAsync("/ops/manual-review", api.Ops);
        Assert.Contains(queue.Json.GetProperty("items").EnumerateArray(), i => i.GetProperty("id").GetGuid() == onA1.Id);
        Assert.Equal(0, await Lifecycle.InconsistentAsync(api.Db));
    }

    private static Task<List<Dictionary<string, object?>>> SnapshotAsync(TestDatabase db) => db.RowsAsync("""
        SELECT (SELECT count(*) FROM booking_table_assignments WHERE released_at IS NULL) AS live,
               (SELECT count(*) FROM restaurant_tables WHERE retired_at IS NULL) AS tables,
               (SELECT string_agg(status || assignment_state || row_version, ',' ORDER BY id) FROM bookings) AS bookings,
               (SELECT count(*) FROM observability_events) AS events
        """);
}
