using System.Net;
using BookingAssignment.Api.Tests.Infrastructure;
using BookingAssignment.Api.Tests.V3;
using Microsoft.Extensions.Time.Testing;

namespace BookingAssignment.Api.Tests.Lifecycle;

public sealed class VisitStatusTests
{
    /// <summary>The API on a clock the test moves (bookings are made ahead, then the evening arrives).</summary>
    private static async Task<(ApiHost Api, FakeTimeProvider Clock)> StartAsync(bool v3 = true)
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var api = await ApiHost.StartAsync(V3Setup.Flags(v3, shadow: false), configureServices: s => s.AddSingleton<TimeProvider>(clock));
        return (api, clock);
    }

    [Theory]
    [InlineData("complete")]
    [InlineData("no-show")]
    public async Task ATableFreedByCompleteOrNoShowCanBeBookedAgainAtOnce(string step)
    {
        var (api, clock) = await StartAsync();
        await using var _ = api;
        var r = await api.Bookings.CreateRestaurantAsync(Bodies.Restaurant([("A1", "main", 1, 2)]));
        var at = r.At(new TimeOnly(19, 0));
        var first = await api.Bookings.BookAsync(r, 2, at);
        first.Is(HttpStatusCode.Created);
        clock.SetUtcNow((at.AddMinutes(20)).ToUniversalTime());
        if (step == "complete") (await api.Ops.VisitAsync(first.Id, "seat")).Is(HttpStatusCode.OK);
        // The 19:00 booking still holds A1 until 20:45: a 19:45 guest is refused.
        var later = at.AddMinutes(45);
        (await api.Bookings.BookAsync(r, 2, later)).Is(HttpStatusCode.Conflict);

        var done = await api.Ops.VisitAsync(first.Id, step);

        done.Is(HttpStatusCode.OK);
        Assert.Equal(step == "complete" ? "completed" : "no_show", done.Str("status"));
        Assert.Empty(done.Tables);
        var next = await api.Bookings.BookAsync(r, 2, later);
        next.Is(HttpStatusCode.Created);
        Assert.Equal(["A1"], next.Tables);
        var type = step == "complete" ? "booking.completed" : "booking.no_show";
        Assert.Equal(1, await api.Db.CountAsync("SELECT count(*) FROM observability_events WHERE event_type = $1 AND booking_id = $2", type, first.Id));

        // Idempotent: the same step again answers the same status and writes nothing.
        var again = await api.Ops.VisitAsync(first.Id, step);
        again.Is(HttpStatusCode.OK);
        Assert.Equal(done.ETag(), again.ETag());
        Assert.Equal(1, await api.Db.CountAsync("SELECT count(*) FROM observability_events WHERE event_type = $1 AND booking_id = $2", type, first.Id));
        Assert.Equal(0, await Lifecycle.OverlapsAsync(api.Db));
    }

    [Fact]
    public async Task ASeatedBookingIsNeverMovedByALaterSolverRun()
    {
        var (api, clock) = await StartAsync();
        await using var _ = api;
        // Two joinable twos: a later four needs both, which only works by moving the couple — unless it is seated.
        var r = await api.Bookings.CreateRestaurantAsync(Bodies.Restaurant([("A1", "main", 1, 2), ("A2", "main", 1, 2), ("A3", "main", 1, 2)],
            [("A1", "A2"), ("A2", "A3")]));
        var at = r.At(new TimeOnly(19, 0));
        var couple = await api.Bookings.BookAsync(r, 2, at);
        clock.SetUtcNow((at.AddMinutes(-30)).ToUniversalTime());
        var seated = await api.Ops.VisitAsync(couple.Id, "seat");
        seated.Is(HttpStatusCode.OK);
        Assert.Equal("checked_in", seated.Str("status"));
        var tables = seated.Tables;

        // Every later booking that evening, whatever it needs, leaves the seated couple where it is.
        for (var i = 0; i < 4; i++) await api.Bookings.BookAsync(r, 1 + i % 4, at.AddMinutes(15 * i));
        var after = await api.Bookings.GetAsync($"/bookings/{couple.Id}");
        Assert.Equal("checked_in", after.Str("status"));
        Assert.Equal(tables, after.Tables);
        Assert.Equal(0, await api.Db.CountAsync("SELECT count(*) FROM booking_table_assignments WHERE booking_id = $1 AND released_at IS NOT NULL", couple.Id));
        Assert.Equal(0, await Lifecycle.OverlapsAsync(api.Db));
        // Seated early: the tables are held from the moment of seating.
        Assert.Equal(at.AddMinutes(-30).UtcDateTime, ((DateTime)(await api.Db.RowsAsync(
            "SELECT held_from FROM booking_table_assignments WHERE booking_id = $1 AND released_at IS NULL", couple.Id))[0]["held_from"]!).ToUniversalTime());
    }

    [Fact]
    public async Task NoShowBeforeTheGracePeriodAndIllegalStepsAre409WithTheCurrentStatus()
    {
        var (api, clock) = await StartAsync();
        await using var _ = api;
        var r = await api.Bookings.CreateRestaurantAsync(V3Setup.SmallFloor());
        var at = r.At(new TimeOnly(19, 0));
        var booked = await api.Bookings.BookAsync(r, 2, at);
        clock.SetUtcNow((at.AddMinutes(10)).ToUniversalTime());

        var early = await api.Ops.VisitAsync(booked.Id, "no-show");
        early.Is(HttpStatusCode.Conflict);
        Assert.Equal("no_show_too_early", early.Str("code"));
        Assert.Equal("confirmed", early.Str("currentStatus"));

        (await api.Ops.VisitAsync(booked.Id, "seat")).Is(HttpStatusCode.OK);
        clock.SetUtcNow((at.AddMinutes(30)).ToUniversalTime());
        var seatedNoShow = await api.Ops.VisitAsync(booked.Id, "no-show");
        seatedNoShow.Is(HttpStatusCode.Conflict);
        Assert.Equal("checked_in", seatedNoShow.Str("currentStatus"));
        var cancelSeated = await api.Bookings.CancelAsync(booked.Id);
        cancelSeated.Is(HttpStatusCode.Conflict);
        Assert.Equal("checked_in", cancelSeated.Str("currentStatus"));

        (await api.Ops.VisitAsync(booked.Id, "complete")).Is(HttpStatusCode.OK);
        var seatCompleted = await api.Ops.VisitAsync(booked.Id, "seat");
        seatCompleted.Is(HttpStatusCode.Conflict);
        Assert.Equal("illegal_status_transition", seatCompleted.Str("code"));
        Assert.Equal("completed", seatCompleted.Str("currentStatus"));

        // Seating hours ahead is refused, and so is a client key.
        var tomorrow = await api.Bookings.BookAsync(r, 2, at.AddDays(1));
        Assert.Equal("seat_too_early", (await api.Ops.VisitAsync(tomorrow.Id, "seat")).Str("code"));
        (await api.Client.VisitAsync(tomorrow.Id, "seat")).Is(HttpStatusCode.Forbidden);
        (await api.Ops.VisitAsync(Guid.NewGuid(), "seat")).Is(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task EarlySeatingNeedsTheTablesFreeUntilTheBookedStart()
    {
        var (api, clock) = await StartAsync();
        await using var _ = api;
        var r = await api.Bookings.CreateRestaurantAsync(Bodies.Restaurant([("A1", "main", 1, 2)]));
        var at = r.At(new TimeOnly(19, 0));
        var before = await api.Bookings.BookAsync(r, 2, at.AddMinutes(-105)); // 17:15, held until 19:00
        var booked = await api.Bookings.BookAsync(r, 2, at);
        clock.SetUtcNow((at.AddMinutes(-30)).ToUniversalTime());

        var taken = await api.Ops.VisitAsync(booked.Id, "seat");
        taken.Is(HttpStatusCode.Conflict);
        Assert.Equal("tables_not_free", taken.Str("code"));

        (await api.Ops.VisitAsync(before.Id, "seat")).Is(HttpStatusCode.OK);
        (await api.Ops.VisitAsync(before.Id, "complete")).Is(HttpStatusCode.OK);
        (await api.Ops.VisitAsync(booked.Id, "seat")).Is(HttpStatusCode.OK);
        Assert.Equal(0, await Lifecycle.OverlapsAsync(api.Db));
    }
}
