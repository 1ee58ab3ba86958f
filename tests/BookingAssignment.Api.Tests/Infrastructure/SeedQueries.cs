namespace BookingAssignment.Api.Tests.Infrastructure;

/// <summary>The three "How to Monitor" queries of the seed, copied verbatim (they must run as written).</summary>
public static class SeedQueries
{
    /// <summary>Query 1: State Transition Volume (should match booking volume).</summary>
    public const string StateTransitionVolume = """
        SELECT COUNT(*) as transitions, COUNT(DISTINCT booking_id) as bookings
        FROM observability_events
        WHERE source = 'assignment.state_machine'
          AND created_at > NOW() - INTERVAL '1 hour';
        """;

    /// <summary>Query 2: Booking Confirmation Rate (target: ≥95%).</summary>
    public const string ConfirmationRate = """
        SELECT
          ROUND(100.0 * COUNT(*) FILTER (WHERE status = 'confirmed') / COUNT(*), 2) as confirmation_rate
        FROM bookings
        WHERE created_at > NOW() - INTERVAL '24 hours';
        """;

    /// <summary>Query 3: Manual Review Queue (target: &lt;10%).</summary>
    public const string ManualReviewQueue = """
        SELECT COUNT(*) as manual_review_count
        FROM bookings
        WHERE assignment_state = 'manual_review'
          AND created_at > NOW() - INTERVAL '24 hours';
        """;

    public static async Task<(long Transitions, long Bookings)> StateTransitionVolumeAsync(TestDatabase db)
    {
        var row = Assert.Single(await db.RowsAsync(StateTransitionVolume));
        return ((long)row["transitions"]!, (long)row["bookings"]!);
    }

    public static Task<decimal> ConfirmationRateAsync(TestDatabase db) => db.ScalarAsync<decimal>(ConfirmationRate);

    public static Task<long> ManualReviewQueueAsync(TestDatabase db) => db.ScalarAsync<long>(ManualReviewQueue);
}
