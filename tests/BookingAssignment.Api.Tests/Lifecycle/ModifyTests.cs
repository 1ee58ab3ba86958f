using System.Net;
using System.Text.Json.Nodes;
using BookingAssignment.Api.Tests.Infrastructure;
using BookingAssignment.Api.Tests.V3;

namespace BookingAssignment.Api.Tests.Lifecycle;

public sealed class ModifyTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task PartyUpAndDownAndAMoveInTimeAreReseatedByTheBookingsPipeline(bool v3)
    {
        await using var api = await ApiHost.StartAsync(V3Setup.Flags(v3, shadow: false));
        var r = await api.Bookings.CreateRestaurantAsync(V3Setup.SmallFloor());
        var at = r.At(new TimeOnly(19, 0));
        var booked = await api.Bookings.BookAsync(r, 2, at);
        booked.Is(HttpStatusCode.Created);
        Assert.StartsWith("A", Assert.Single(booked.Tables));

        var up = await api.Client.PatchAsync(booked.Id, Lifecycle.Patch(("partySize", 4)), booked.ETag());
        up.Is(HttpStatusCode.OK);
        Assert.Equal(4, up.Json.GetProperty("partySize").GetInt32());
        Assert.StartsWith("B", Assert.Single(up.Tables));
        Assert.NotEqual(booked.ETag(), up.ETag());
        Assert.Equal(up.ETag(), up.Str("etag"));

        var down = await api.Client.PatchAsync(booked.Id, Lifecycle.Patch(("partySize", 2)), up.ETag());
        down.Is(HttpStatusCode.OK);
        Assert.StartsWith("A", Assert.Single(down.Tables));

        var later = at.AddHours(1);
        var moved = await api.Client.PatchAsync(booked.Id, Lifecycle.Patch(("startsAt", Bodies.Iso(later))), down.ETag());
        moved.Is(HttpStatusCode.OK);
        Assert.Equal(later, moved.Json.GetProperty("startsAt").GetDateTimeOffset());
        Assert.Equal("confirmed", moved.Str("status"));
        // Exactly one live assignment, at the new time; the old ones are released, none overlap.
        var live = await api.Db.RowsAsync("SELECT held_from FROM booking_table_assignments WHERE booking_id = $1 AND released_at IS NULL", booked.Id);
        Assert.Equal(later.UtcDateTime, ((DateTime)Assert.Single(live)["held_from"]!).ToUniversalTime());
        Assert.Equal(0, await Lifecycle.OverlapsAsync(api.Db));

        // Each change is one booking.modified event with the field's old and new value.
        var changes = await api.Db.RowsAsync("""
            SELECT context->'changes'->'partySize'->>'old' AS old, context->'changes'->'partySize'->>'new' AS new
            FROM observability_events WHERE event_type = 'booking.modified' AND booking_id = $1 ORDER BY id
            """, booked.Id);
        Assert.Equal(3, changes.Count);
        Assert.Equal(("2", "4"), ((string)changes[0]["old"]!, (string)changes[0]["new"]!));
        Assert.Equal(("4", "2"), ((string)changes[1]["old"]!, (string)changes[1]["new"]!));
        if (v3)
            Assert.Equal(3, await api.Db.CountAsync(
                "SELECT count(*) FROM booking_assignment_state_history WHERE booking_id = $1 AND trigger = 'modify' AND from_state = 'confirmed' AND to_state = 'confirmed'", booked.Id));
    }

    [Fact]
    public async Task AZoneChangeMovesTheBookingToTheNewZone()
    {
        await using var api = await ApiHost.StartAsync(V3Setup.Flags(v3: true, shadow: true));
        var r = await api.Bookings.CreateRestaurantAsync(Bodies.Restaurant([("A1", "main", 1, 2), ("T1", "terrace", 1, 2)]));
        var booked = await api.Bookings.PostBookingAsync(WithZone(Bodies.Booking(r.Id, 2, r.At(new TimeOnly(19, 0))), "main"));
        booked.Is(HttpStatusCode.Created);
        Assert.Equal(["A1"], booked.Tables);

        var terrace = await api.Client.PatchAsync(booked.Id, Lifecycle.Patch(("zonePreference", "terrace")), booked.ETag());
        terrace.Is(HttpStatusCode.OK);
        Assert.Equal(["T1"], terrace.Tables);
        Assert.Equal("terrace", terrace.Str("zonePreference"));
        // SHADOW on: the modification got its dry run of the other pipeline too.
        await Eventually.UntilAsync(() => api.Db.CountAsync("SELECT count(*) FROM observability_events WHERE event_type = 'shadow.comparison' AND booking_id = $1", booked.Id),
            n => n >= 2, "a shadow comparison for the create and for the modification");
    }

    [Fact]
    public async Task AChangeThatCannotBeServedIsA409AndTheBookingStaysExactlyAsItWas()
    {
        await using var api = await ApiHost.StartAsync(V3Setup.Flags(v3: true, shadow: false));
        var r = await api.Bookings.CreateRestaurantAsync(Bodies.Restaurant([("A1", "main", 1, 2), ("B1", "main", 3, 4)]));
        var at = r.At(new TimeOnly(19, 0));
        var couple = await api.Bookings.BookAsync(r, 2, at);
        (await api.Bookings.BookAsync(r, 4, at)).Is(HttpStatusCode.Created);
        var before = await api.Db.RowsAsync("SELECT row_version, assignment_state_version, party_size FROM bookings WHERE id = $1", couple.Id);

        var refused = await api.Client.PatchAsync(couple.Id, Lifecycle.Patch(("partySize", 4)), couple.ETag());

        refused.Is(HttpStatusCode.Conflict);
        Assert.Equal("no_availability", refused.Str("code"));
        Assert.True(refused.Json.TryGetProperty("alternatives", out _));
        var after = await api.Bookings.GetAsync($"/bookings/{couple.Id}");
        Assert.Equal(2, after.Json.GetProperty("partySize").GetInt32());
        Assert.Equal(["A1"], after.Tables);
        Assert.Equal(couple.ETag(), after.ETag());
        Assert.Equal(before, await api.Db.RowsAsync("SELECT row_version, assignment_state_version, party_size FROM bookings WHERE id = $1", couple.Id));
        Assert.Equal(0, await api.Db.CountAsync("SELECT count(*) FROM observability_events WHERE event_type = 'booking.modified'"));
    }

    [Fact]
    public async Task TenConcurrentPatchesWithOneETagGiveOne200AndNine412()
    {
        await using var api = await ApiHost.StartAsync(V3Setup.Flags(v3: true, shadow: false));
        var r = await api.Bookings.CreateRestaurantAsync(V3Setup.SmallFloor());
        var booked = await api.Bookings.BookAsync(r, 2, r.At(new TimeOnly(19, 0)));
        var etag = booked.ETag();

        var answers = await Task.WhenAll(Enumerable.Range(0, 10).Select(i =>
            api.Client.PatchAsync(booked.Id, i % 2 == 0 ? Lifecycle.Patch(("notes", $"note {i}")) : Lifecycle.Patch(("partySize", 3 + i % 4)), etag)));

        Assert.Equal(1, answers.Count(a => a.Status == HttpStatusCode.OK));
        Assert.Equal(9, answers.Count(a => a.Status == HttpStatusCode.PreconditionFailed));
        Assert.All(answers.Where(a => a.Status == HttpStatusCode.PreconditionFailed), a => Assert.Equal("etag_mismatch", a.Str("code")));
        Assert.Equal(1, await api.Db.CountAsync("SELECT count(*) FROM observability_events WHERE event_type = 'booking.modified'"));
    }

    [Fact]
    public async Task ModificationsRacingFiftyNewBookingsLeaveNoOverlapAndEveryBookingTerminal()
    {
        await using var api = await ApiHost.StartAsync(V3Setup.Flags(v3: true, shadow: false, maxParallel: 4));
        var r = await api.Bookings.CreateRestaurantAsync(V3Setup.LargeFloor("Race"));
        var evening = r.At(new TimeOnly(18, 0));
        var existing = new List<ApiResponse>();
        for (var i = 0; i < 12; i++) existing.Add(await api.Bookings.BookAsync(r, 2 + i % 4, evening.AddMinutes(15 * (i % 8))));

        var creates = Enumerable.Range(0, 50).Select(i => api.Bookings.BookAsync(r, 1 + i % 6, evening.AddMinutes(15 * (i % 14))));
        var patches = existing.Where(b => b.Status == HttpStatusCode.Created).Select((b, i) => api.Client.PatchAsync(b.Id,
            i % 2 == 0 ? Lifecycle.Patch(("startsAt", Bodies.Iso(evening.AddMinutes(30 + 15 * (i % 6))))) : Lifecycle.Patch(("partySize", 1 + (i + 3) % 6)),
            b.ETag()));
        var answers = await Task.WhenAll(creates.Concat(patches));

        // A racing booking's exact admission may move an existing one to other tables (a reassign, which
        // changes its ETag): the PATCH that still carries the creation ETag is then refused, as it must be.
        Assert.All(answers, a => Assert.True(a.Code is 200 or 201 or 202 or 409 || a.Code == 412 && a.Str("code") == "etag_mismatch", a.ToString()));
        await V3Setup.WaitAllV3TerminalAsync(api.Db);
        Assert.Equal(0, await Lifecycle.OverlapsAsync(api.Db));
        Assert.Equal(0, await Lifecycle.InconsistentAsync(api.Db));
        // A refused modification left its booking as it was: still confirmed with its tables.
        Assert.Equal(0, await api.Db.CountAsync("SELECT count(*) FROM bookings WHERE status = 'confirmed' AND assignment_state <> 'confirmed'"));
    }

    [Fact]
    public async Task BadInputStaleETagsAndFinishedBookingsAreRefusedClearly()
    {
        await using var api = await ApiHost.StartAsync(V3Setup.Flags(v3: true, shadow: false));
        var r = await api.Bookings.CreateRestaurantAsync(V3Setup.SmallFloor());
        var booked = await api.Bookings.BookAsync(r, 2, r.At(new TimeOnly(19, 0)));

        var zero = await api.Client.PatchAsync(booked.Id, Lifecycle.Patch(("partySize", 0)));
        zero.Is(HttpStatusCode.BadRequest);
        Assert.Contains("partySize", zero.ErrorKeys);
        var badTime = await api.Client.PatchAsync(booked.Id, Lifecycle.Patch(("startsAt", "tomorrow")));
        Assert.Contains("startsAt", badTime.ErrorKeys);
        var typed = await api.Client.PatchAsync(booked.Id, Lifecycle.Patch(("partySize", "four")));
        typed.Is(HttpStatusCode.BadRequest);
        (await api.Client.PatchAsync(Guid.NewGuid(), Lifecycle.Patch(("notes", "x")))).Is(HttpStatusCode.NotFound);
        var stale = await api.Client.PatchAsync(booked.Id, Lifecycle.Patch(("notes", "x")), "\"v0\"");
        stale.Is(HttpStatusCode.PreconditionFailed);
        Assert.Equal(booked.ETag(), stale.Str("currentETag"));

        // Notes change in place: same tables, no re-plan.
        var noted = await api.Client.PatchAsync(booked.Id, Lifecycle.Patch(("notes", "window seat please")), booked.ETag());
        noted.Is(HttpStatusCode.OK);
        Assert.Equal(booked.Tables, noted.Tables);
        Assert.Equal("window seat please", noted.Str("notes"));

        (await api.Bookings.CancelAsync(booked.Id)).Is(HttpStatusCode.OK);
        var cancelled = await api.Client.PatchAsync(booked.Id, Lifecycle.Patch(("partySize", 3)));
        cancelled.Is(HttpStatusCode.Conflict);
        Assert.Equal("booking_not_modifiable", cancelled.Str("code"));
        Assert.Equal("cancelled", cancelled.Str("currentStatus"));
    }

    private static JsonObject WithZone(JsonObject booking, string zone)
    {
        booking["zonePreference"] = zone;
        return booking;
    }
}
