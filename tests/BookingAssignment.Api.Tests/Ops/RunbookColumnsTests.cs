using BookingAssignment.Api.Tests.Infrastructure;
using Npgsql;

namespace BookingAssignment.Api.Tests.Ops;

/// <summary>
/// Migration 0005: the columns the origin's runbooks read (attempts.created_at / .result, history.metadata),
/// as the service writes them, and sql/rollout/15–16 over bookings the service assigned.
/// </summary>
public sealed class RunbookColumnsTests
{
    [Fact]
    public async Task TheRunbookColumnsFollowTheWritersAndTheNewQueriesCountRealAttempts()
    {
        await using var db = await TestDatabase.CreateAsync();
        CreatedRestaurant r;
        await using (var legacy = await ApiHost.StartAsync(database: db))
        {
            r = await legacy.Bookings.CreateRestaurantAsync(Bodies.Restaurant(
                [("T1", "main", 1, 2), ("T2", "main", 1, 2), ("T3", "main", 1, 2), ("T4", "main", 1, 2)], adjacency: [("T3", "T4")]));
            foreach (var party in new[] { 2, 2, 4 })
                Assert.Equal("confirmed", (await legacy.Bookings.BookAsync(r, party, r.At(new TimeOnly(19, 0)))).Str("status"));
        }
        var v3Bookings = new List<Guid>();
        await using (var v3 = await ApiHost.StartAsync(new() { ["FEATURE_ASSIGNMENT_PIPELINE_V3"] = "true" }, db))
            foreach (var party in new[] { 2, 2, 4 })
            {
                var booking = await v3.Bookings.BookAsync(r, party, r.At(new TimeOnly(12, 30)));
                Assert.Equal(("confirmed", "v3"), (booking.Str("status"), booking.Str("pipeline")));
                v3Bookings.Add(booking.Id);
            }
        // A failed earlier attempt on one V3 booking (as a retry leaves it).
        await db.ExecuteAsync("""
            INSERT INTO booking_assignment_attempts (booking_id, pipeline, attempt_no, started_at, finished_at, outcome, reason)
            VALUES ($1, 'v3', 0, now() - interval '2 minutes', now() - interval '2 minutes', 'no_plan', 'no_table_combination_free')
            """, v3Bookings[0]);

        // created_at is started_at and result follows outcome, on every row, and neither can be written apart.
        Assert.Equal(7, await db.CountAsync("SELECT count(*) FROM booking_assignment_attempts WHERE created_at = started_at"));
        Assert.Equal(6, await db.CountAsync("SELECT count(*) FROM booking_assignment_attempts WHERE result = 'success' AND outcome = 'assigned'"));
        Assert.Equal(1, await db.CountAsync("SELECT count(*) FROM booking_assignment_attempts WHERE result = 'failure' AND outcome = 'no_plan'"));
        await Assert.ThrowsAsync<PostgresException>(() => db.ExecuteAsync("UPDATE booking_assignment_attempts SET result = 'success'"));

        // metadata: the transition event's context plus the actor, on every V3 history row.
        var history = await db.CountAsync("SELECT count(*) FROM booking_assignment_state_history");
        Assert.True(history >= 3 * 5, $"{history} history rows");
        Assert.Equal(history, await db.CountAsync("""
            SELECT count(*) FROM booking_assignment_state_history h
              JOIN observability_events e ON e.booking_id = h.booking_id AND e.source = 'assignment.state_machine'
                                         AND (e.context->>'version')::int = h.version
             WHERE h.metadata = e.context || jsonb_build_object('actor', h.actor)
               AND h.metadata->>'to' = h.to_state AND h.metadata->>'run_trigger' IS NOT NULL
            """));

        // 15: legacy 3 bookings, one attempt each; V3 3 bookings, 4 attempts, one retried, 1 of 4 attempts failed.
        var perBooking = (await db.RowsAsync(RolloutScenario.Sql("15_attempts_per_booking.sql"))).ToDictionary(x => (string)x["pipeline"]!);
        Assert.Equal((3L, 3m, 1.00m, 1, 0L, 0L, 0.00m), Attempts(perBooking["legacy"]));
        Assert.Equal((3L, 4m, 1.33m, 2, 1L, 0L, 25.00m), Attempts(perBooking["v3"]));

        // 16: two singles and one joined pair per pipeline; V3's failed attempt had no plan.
        var strategies = (await db.RowsAsync(RolloutScenario.Sql("16_strategy_breakdown.sql")))
            .ToDictionary(x => $"{x["pipeline"]}/{x["strategy"]}");
        Assert.Equal(["legacy/combination", "legacy/single_best_fit", "v3/(no plan)", "v3/joined", "v3/single"], strategies.Keys.Order(StringComparer.Ordinal));
        Assert.Equal((2L, 2L, 66.67m, 1.00m), Strategy(strategies["legacy/single_best_fit"]));
        Assert.Equal((1L, 1L, 33.33m, 2.00m), Strategy(strategies["legacy/combination"]));
        Assert.Equal((2L, 2L, 66.67m, 1.00m), Strategy(strategies["v3/single"]));
        Assert.Equal((1L, 1L, 33.33m, 2.00m), Strategy(strategies["v3/joined"]));
        Assert.Equal((1L, 0L, 0.00m, null), Strategy(strategies["v3/(no plan)"]));
    }

    [Fact]
    public async Task RowsWrittenBeforeTheMigrationGetTheirColumnsFilledIn()
    {
        await using var db = await TestDatabase.CreateAsync();
        var files = Directory.GetFiles(Path.Combine(RolloutScenario.RepoRoot, "migrations"), "*.sql").Order(StringComparer.Ordinal).ToArray();
        var runbook = files.Single(f => Path.GetFileName(f) == "0005_runbook_columns.sql");
        foreach (var file in files.Where(f => string.CompareOrdinal(f, runbook) < 0)) await db.ExecuteAsync(await File.ReadAllTextAsync(file));
        var s = await RolloutScenario.CreateAsync(db);
        var (withEvent, withoutEvent) = (await s.BookingAsync("confirmed", "confirmed"), await s.BookingAsync("manual_review", "pending", reason: "planner_budget_exhausted"));
        await db.ExecuteAsync("""
            INSERT INTO booking_assignment_state_history (booking_id, from_state, to_state, version, trigger, reason, pipeline, actor)
            VALUES ($1, 'created', 'capacity_verified', 1, 'verify_capacity', NULL, 'v3', 'system'),
                   ($2, 'assignment_in_progress', 'manual_review', 4, 'send_to_manual_review', 'planner_budget_exhausted', 'v3', 'system')
            """, withEvent, withoutEvent);
        await db.ExecuteAsync("""
            INSERT INTO booking_assignment_attempts (booking_id, pipeline, attempt_no, started_at, finished_at, outcome, strategy)
            VALUES ($1, 'v3', 1, now() - interval '5 minutes', now() - interval '4 minutes', 'assigned', 'single')
            """, withEvent);
        await s.EventAsync("assignment.state_machine", "booking.assignment_state_transition", withEvent,
            """{"from":"created","to":"capacity_verified","version":1,"trigger":"verify_capacity","run_trigger":"inline","pipeline":"v3","shadow":false}""");

        await db.ExecuteAsync(await File.ReadAllTextAsync(runbook));

        var rows = (await db.RowsAsync("SELECT booking_id, metadata::text AS metadata FROM booking_assignment_state_history"))
            .ToDictionary(x => (Guid)x["booking_id"]!, x => (string)x["metadata"]!);
        Assert.Equal("""{"to": "capacity_verified", "from": "created", "actor": "system", "shadow": false, "trigger": "verify_capacity", "version": 1, "pipeline": "v3", "run_trigger": "inline"}""",
            rows[withEvent]);
        Assert.Equal("""{"to": "manual_review", "from": "assignment_in_progress", "actor": "system", "reason": "planner_budget_exhausted", "shadow": false, "trigger": "send_to_manual_review", "version": 4, "pipeline": "v3"}""",
            rows[withoutEvent]);
        Assert.Equal(1, await db.CountAsync("SELECT count(*) FROM booking_assignment_attempts WHERE created_at = started_at AND result = 'success'"));
    }

    private static (long, decimal, decimal, int, long, long, decimal) Attempts(Dictionary<string, object?> x) =>
        ((long)x["bookings"]!, (decimal)x["attempts"]!, (decimal)x["avg_attempts"]!, Convert.ToInt32(x["max_attempts"]), (long)x["bookings_retried"]!,
         (long)x["bookings_never_succeeded"]!, (decimal)x["failed_attempts_pct"]!);

    private static (long, long, decimal, decimal?) Strategy(Dictionary<string, object?> x) =>
        ((long)x["attempts"]!, (long)x["successes"]!, (decimal)x["share_of_successes_pct"]!, (decimal?)x["avg_tables"]);
}
