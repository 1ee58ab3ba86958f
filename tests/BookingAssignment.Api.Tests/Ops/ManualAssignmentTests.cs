using System.Net;
using BookingAssignment.Api.Tests.Infrastructure;

namespace BookingAssignment.Api.Tests.Ops;

/// <summary>POST /bookings/{id}/assign: conflicts change nothing; success confirms, pins and audits; pins hold against reassignment.</summary>
public sealed class ManualAssignmentTests
{
    [Fact]
    public async Task AssigningTakenTablesIs409AndChangesNothingThenFreeTablesConfirmPinAndAudit()
    {
        await using var api = await ApiHost.StartAsync();
        var r = await api.Bookings.CreateRestaurantAsync(Bodies.Restaurant([("T1", "main", 1, 2), ("T2", "main", 1, 2)]));
        var dinner = r.At(new TimeOnly(19, 0));
        var seated = await api.Bookings.BookAsync(r, 2, dinner);
        Assert.Equal(["T1"], seated.Tables);
        var waiting = await ManualReviewBookingAsync(api, r, dinner);
        Assert.Contains(waiting, (await api.Bookings.GetAsync("/ops/manual-review", api.Ops)).Json.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetGuid()));
        var before = await SnapshotAsync(api.Db, waiting);

        var conflict = await BookingApiClient.PostAsync(api.Ops, $"/bookings/{waiting}/assign", """{"tables":["T1"]}""");
        Assert.Equal(HttpStatusCode.Conflict, conflict.Status);
        Assert.Equal(before, await SnapshotAsync(api.Db, waiting));
        Assert.Equal(["T1"], (await api.Bookings.GetAsync($"/bookings/{seated.Id}")).Tables);

        var assigned = await BookingApiClient.PostAsync(api.Ops, $"/bookings/{waiting}/assign", """{"tables":["T2"]}""");
        Assert.Equal(HttpStatusCode.OK, assigned.Status);
        Assert.Equal(("confirmed", "confirmed", "T2"), (assigned.Str("status"), assigned.Str("assignmentState"), string.Join(",", assigned.Tables)));
        var row = Assert.Single(await api.Db.RowsAsync("SELECT status, assignment_state, pinned, assignment_reason FROM bookings WHERE id = $1", waiting));
        Assert.Equal(("confirmed", "confirmed", true, null), ((string)row["status"]!, (string)row["assignment_state"]!, (bool)row["pinned"]!, row["assignment_reason"]));
        var history = Assert.Single(await api.Db.RowsAsync("SELECT from_state, to_state, actor FROM booking_assignment_state_history WHERE booking_id = $1", waiting));
        Assert.Equal(("manual_review", "confirmed", "operator"), ((string)history["from_state"]!, (string)history["to_state"]!, (string)history["actor"]!));
        var audit = Assert.Single(await api.Db.RowsAsync(
            "SELECT context->>'actor' AS actor, context->'tables'->>0 AS tbl, (context->>'pinned')::boolean AS pinned FROM observability_events WHERE booking_id = $1 AND event_type = 'booking.manually_assigned'", waiting));
        Assert.Equal(("operator", "T2", true), ((string)audit["actor"]!, (string)audit["tbl"]!, (bool)audit["pinned"]!));
        Assert.Equal(0, await api.Db.CountAsync(ConcurrencyTests.OverlappingLiveAssignments));
        Assert.DoesNotContain(waiting, (await api.Bookings.GetAsync("/ops/manual-review", api.Ops)).Json.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetGuid()));
    }

    [Fact]
    public async Task APinnedBookingIsNeverMovedToMakeRoom()
    {
        await using var api = await ApiHost.StartAsync(new() { ["FEATURE_ASSIGNMENT_PIPELINE_V3"] = "true" });

        // Control: unpinned, V3 moves the party of 2 from the 4-top to the 2-top to seat a party of 4.
        var (control, controlGuest) = await TwoOnTheFourTopAsync(api, "Control");
        var four = await api.Bookings.BookAsync(control, 4, control.At(new TimeOnly(19, 0)));
        Assert.Equal(("confirmed", "B4"), (four.Str("status"), string.Join(",", four.Tables)));
        Assert.Equal(["A2"], (await api.Bookings.GetAsync($"/bookings/{controlGuest}")).Tables);

        // Pinned by an operator: the only move that would make room is forbidden.
        var (r, guest) = await TwoOnTheFourTopAsync(api, "Pinned");
        var pin = await BookingApiClient.PostAsync(api.Ops, $"/bookings/{guest}/assign", """{"tables":["B4"]}""");
        Assert.Equal(HttpStatusCode.OK, pin.Status);
        Assert.True(await api.Db.ScalarAsync<bool>("SELECT pinned FROM bookings WHERE id = $1", guest));
        var before = await api.Db.CountAsync("SELECT count(*) FROM booking_table_assignments WHERE booking_id = $1", guest);

        var blocked = await api.Bookings.BookAsync(r, 4, r.At(new TimeOnly(19, 0)));
        Assert.True(blocked.Status == HttpStatusCode.Conflict || blocked.Str("assignmentState") == "manual_review", blocked.ToString());
        Assert.Equal(["B4"], (await api.Bookings.GetAsync($"/bookings/{guest}")).Tables);
        Assert.Equal(before, await api.Db.CountAsync("SELECT count(*) FROM booking_table_assignments WHERE booking_id = $1", guest));
        Assert.Equal(0, await api.Db.CountAsync("SELECT count(*) FROM observability_events WHERE booking_id = $1 AND event_type = 'assignment.reassigned'", guest));
        Assert.Equal(0, await api.Db.CountAsync(ConcurrencyTests.OverlappingLiveAssignments));
    }

    /// <summary>A restaurant with a 2-top and a 4-top, and a party of 2 seated on the 4-top at 19:00 (the 2-top free again).</summary>
    private static async Task<(CreatedRestaurant, Guid)> TwoOnTheFourTopAsync(ApiHost api, string name)
    {
        var r = await api.Bookings.CreateRestaurantAsync(Bodies.Restaurant([("A2", "main", 1, 2), ("B4", "main", 1, 4)], name: name));
        var dinner = r.At(new TimeOnly(19, 0));
        var first = await api.Bookings.BookAsync(r, 2, dinner);
        Assert.Equal(["A2"], first.Tables);
        var guest = await api.Bookings.BookAsync(r, 2, dinner);
        Assert.Equal(["B4"], guest.Tables);
        Assert.Equal("cancelled", (await api.Bookings.CancelAsync(first.Id)).Str("status"));
        return (r, guest.Id);
    }

    /// <summary>A booking the pipeline left for a human (as the legacy planner does after lost races).</summary>
    private static async Task<Guid> ManualReviewBookingAsync(ApiHost api, CreatedRestaurant r, DateTimeOffset startsAt)
    {
        var id = Guid.NewGuid();
        await api.Db.ExecuteAsync("""
            INSERT INTO bookings (id, restaurant_id, reference, party_size, start_at, end_at, status, assignment_state, assignment_pipeline, assignment_reason, customer_name)
            VALUES ($1, $2, 'BK-MANUAL1', 2, $3, $3 + interval '90 minutes', 'pending', 'manual_review', 'legacy', 'attempts_exhausted', 'Grace Hopper')
            """, id, r.Id, startsAt.ToUniversalTime());
        return id;
    }

    private static async Task<string> SnapshotAsync(TestDatabase db, Guid id) => string.Join("|",
        await db.ScalarAsync<string>("SELECT concat_ws(',', status, assignment_state, assignment_state_version, pinned, assignment_reason) FROM bookings WHERE id = $1", id),
        await db.CountAsync("SELECT count(*) FROM booking_table_assignments WHERE booking_id = $1", id),
        await db.CountAsync("SELECT count(*) FROM booking_assignment_state_history WHERE booking_id = $1", id),
        await db.CountAsync("SELECT count(*) FROM observability_events WHERE booking_id = $1", id));
}
