using BookingAssignment.Api.Tests.Infrastructure;

namespace BookingAssignment.Api.Tests.Ops;

/// <summary>POST /bookings/{id}/retry-assignment: a host asks the planner again for a manual-review booking.</summary>
public sealed class RetryAssignmentTests
{
    [Fact]
    public async Task RetryConfirmsAManualReviewBookingOnceATableIsFreeAndRefusesOtherwise()
    {
        await using var api = await ApiHost.StartAsync();
        var r = await api.Bookings.CreateRestaurantAsync(Bodies.Restaurant([("A1", "main", 1, 2)]));
        var at = r.At(new TimeOnly(19, 0));
        var first = await api.Bookings.BookAsync(r, 2, at);
        Assert.Equal(201, first.Code);

        // A second guest at the same time, put in manual review by hand (as a host queue would hold it).
        var waiting = Guid.NewGuid();
        await api.Db.ExecuteAsync("""
            INSERT INTO bookings (id, restaurant_id, reference, party_size, start_at, end_at, status, assignment_state,
                                  assignment_pipeline, assignment_reason, customer_name)
            VALUES ($1, $2, 'BK-RETRY01', 2, $3, $4, 'pending', 'manual_review', 'legacy', 'no_table_combination_free', 'Grace Hopper')
            """, waiting, r.Id, at, at.AddMinutes(90));

        // Its table is taken: still no placement, nothing changes.
        var refused = await BookingApiClient.PostAsync(api.Ops, $"/bookings/{waiting}/retry-assignment", null);
        Assert.Equal(409, refused.Code);
        Assert.Equal("no_plan", refused.Str("code"));
        Assert.Equal(0, await api.Db.CountAsync("SELECT count(*) FROM booking_table_assignments WHERE booking_id = $1", waiting));

        // The first guest cancels; the retry now seats the waiting one, audited as the operator's action.
        Assert.Equal(200, (await api.Bookings.CancelAsync(first.Id)).Code);
        var retried = await BookingApiClient.PostAsync(api.Ops, $"/bookings/{waiting}/retry-assignment", null);
        Assert.Equal(200, retried.Code);
        Assert.Equal("confirmed", retried.Str("status"));
        Assert.Equal("confirmed", retried.Str("assignmentState"));
        Assert.Equal(["A1"], retried.Tables);
        Assert.Equal(1, await api.Db.CountAsync("""
            SELECT count(*) FROM booking_assignment_state_history
            WHERE booking_id = $1 AND from_state = 'manual_review' AND to_state = 'confirmed' AND actor = 'operator_retry'
            """, waiting));
        // Found by the planner, not chosen by a host: not pinned, so reassignment may still move it.
        Assert.False(await api.Db.ScalarAsync<bool>("SELECT pinned FROM bookings WHERE id = $1", waiting));

        var again = await BookingApiClient.PostAsync(api.Ops, $"/bookings/{waiting}/retry-assignment", null);
        Assert.Equal(409, again.Code);
        Assert.Equal("not_in_manual_review", again.Str("code"));
        // Ops only.
        Assert.Equal(403, (await BookingApiClient.PostAsync(api.Client, $"/bookings/{waiting}/retry-assignment", null)).Code);
    }
}
