using System.Net;
using BookingAssignment.Api.Tests.Infrastructure;

namespace BookingAssignment.Api.Tests;

/// <summary>The three queries of the seed's "How to Monitor" section, verbatim, against a scripted evening.</summary>
public sealed class MonitoringQueryTests
{
    [Fact]
    public async Task TheSeedMonitoringQueriesReturnTheNumbersOfAScriptedEvening()
    {
        // One inline attempt, so a single lost race leaves the booking for manual review.
        await using var api = await ApiHost.StartAsync(new() { ["Bookings:LegacyMaxAttempts"] = "1" });
        var r = await api.Bookings.CreateRestaurantAsync(Bodies.Restaurant(
            [("T1", "main", 1, 2), ("T2", "main", 1, 2), ("T3", "main", 1, 2), ("T4", "main", 1, 2)]));
        var dinner = r.At(new TimeOnly(19, 0));

        // 3 confirmed at dinner, on T1–T3.
        for (var i = 0; i < 3; i++)
            Assert.Equal("confirmed", (await api.Bookings.BookAsync(r, 2, dinner)).Str("status"));
        // 1 confirmed at lunch, then cancelled.
        var lunch = await api.Bookings.BookAsync(r, 2, r.At(new TimeOnly(12, 30)));
        Assert.Equal("cancelled", (await api.Bookings.CancelAsync(lunch.Id)).Str("status"));

        // 1 manual review: another writer (not taking the app's lock) seats its own guest on T4 in an
        // open transaction; the API plans T4 too, its insert waits on the exclusion constraint, and
        // when the rival commits the only attempt is lost.
        await using (var rival = await api.Db.OpenAsync())
        await using (var tx = await rival.BeginTransactionAsync())
        {
            await using (var insert = rival.CreateCommand())
            {
                insert.Transaction = tx;
                insert.CommandText = """
                    WITH b AS (
                      INSERT INTO bookings (id, restaurant_id, reference, party_size, start_at, end_at, status, assignment_state, assignment_pipeline, customer_name)
                      VALUES ($1, $2, 'BK-RIVAL01', 2, $3, $3 + interval '90 minutes', 'confirmed', 'confirmed', 'legacy', 'Rival')
                      RETURNING id)
                    INSERT INTO booking_table_assignments (booking_id, table_id, held_from, held_until, assigned_by)
                    SELECT id, $4, $3, $3 + interval '105 minutes', 'rival' FROM b
                    """;
                insert.Parameters.AddWithValue(Guid.NewGuid());
                insert.Parameters.AddWithValue(r.Id);
                insert.Parameters.AddWithValue(dinner.ToUniversalTime());
                insert.Parameters.AddWithValue(r.TableIds["T4"]);
                await insert.ExecuteNonQueryAsync();
            }
            var racing = api.Bookings.BookAsync(r, 2, dinner);
            await WaitUntilAsync(async () => await api.Db.CountAsync(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'") > 0);
            await tx.CommitAsync();
            var lost = await racing;
            Assert.Equal(HttpStatusCode.Created, lost.Status);
            Assert.Equal("manual_review", lost.Str("assignmentState"));
            Assert.Equal("pending", lost.Str("status"));
            Assert.Empty(lost.Tables);
            Assert.Equal(1, await api.Db.CountAsync("""
                SELECT count(*) FROM observability_events
                WHERE booking_id = $1 AND event_type = 'auto_assign.summary' AND context->>'result' = 'exhausted' AND context ? 'reason'
                """, lost.Id));
        }

        // 2 rejected: dinner is full.
        for (var i = 0; i < 2; i++)
            Assert.Equal(HttpStatusCode.Conflict, (await api.Bookings.BookAsync(r, 2, dinner)).Status);

        // Bookings: 3 confirmed + 1 cancelled + 1 rival (confirmed) + 1 manual review = 6; 4 confirmed.
        var q1 = Assert.Single(await api.Db.RowsAsync(SeedQueries.StateTransitionVolume));
        Assert.Equal(0L, q1["transitions"]);
        Assert.Equal(0L, q1["bookings"]);
        Assert.Equal(Math.Round(100m * 4 / 6, 2), Assert.Single(await api.Db.RowsAsync(SeedQueries.ConfirmationRate))["confirmation_rate"]);
        Assert.Equal(1L, Assert.Single(await api.Db.RowsAsync(SeedQueries.ManualReviewQueue))["manual_review_count"]);
        Assert.Equal(2, await api.Db.CountAsync("SELECT count(*) FROM observability_events WHERE event_type = 'booking.rejected'"));
        Assert.Equal(0, await api.Db.CountAsync(ConcurrencyTests.OverlappingLiveAssignments));
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("The API's insert never waited on the rival's transaction.");
            await Task.Delay(20);
        }
    }
}
