using BookingAssignment.Api.Tests.Infrastructure;

namespace BookingAssignment.Api.Tests.Ops;

/// <summary>Every file in sql/rollout against a scripted situation, checked number by number.</summary>
public sealed class RolloutSqlTests
{
    private static readonly TimeSpan TenMinutes = TimeSpan.FromMinutes(10);

    [Fact]
    public void EveryRolloutQueryHasAOneLineHeaderWithItsTargetAndIsListedInTheReadme()
    {
        var folder = Path.Combine(RolloutScenario.RepoRoot, "sql", "rollout");
        var files = Directory.GetFiles(folder, "*.sql").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(16, files.Length);
        var readme = File.ReadAllText(Path.Combine(folder, "README.md"));
        foreach (var file in files)
        {
            var first = File.ReadLines(Path.Combine(folder, file!)).First();
            Assert.StartsWith("-- ", first, StringComparison.Ordinal);
            Assert.Contains("Target", first, StringComparison.Ordinal);
            Assert.Contains(file!, readme, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void TheSeedQueriesAreVerbatim()
    {
        Assert.Contains(SeedQueries.StateTransitionVolume.ReplaceLineEndings("\n"), RolloutScenario.Sql("01_state_transition_volume.sql").ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Contains(SeedQueries.ConfirmationRate.ReplaceLineEndings("\n"), RolloutScenario.Sql("02_confirmation_rate_24h.sql").ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Contains(SeedQueries.ManualReviewQueue.ReplaceLineEndings("\n"), RolloutScenario.Sql("03_manual_review_count_24h.sql").ReplaceLineEndings("\n"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task EveryQueryReturnsTheNumbersOfAScriptedDay()
    {
        await using var s = await RolloutScenario.CreateAsync();
        // Bookings of the last 24 h (30 minutes old unless said otherwise): 23 in all, 18 confirmed, 2 in manual review.
        var v3Confirmed = await s.BookingsAsync(16, "confirmed", "confirmed", "v3");
        var legacyConfirmed = await s.BookingsAsync(2, "confirmed", "confirmed", "legacy");
        await s.BookingAsync("manual_review", "pending", "v3", "no_table_combination_free");
        await s.BookingAsync("manual_review", "pending", "legacy", "attempts_exhausted");
        var stuck = await s.BookingAsync("assignment_pending", "pending", "v3", ago: TimeSpan.FromMinutes(20));
        await s.BookingAsync("assignment_in_progress", "pending", "v3", ago: TimeSpan.FromMinutes(5)); // young: not stuck
        await s.BookingAsync("confirmed", "cancelled", "legacy");
        // Older than 24 h: outside every window, but a stuck one is still stuck.
        await s.BookingAsync("confirmed", "confirmed", "legacy", ago: TimeSpan.FromHours(30));
        var oldStuck = await s.BookingAsync("created", "pending", "v3", ago: TimeSpan.FromHours(30));

        // Transitions: 3 live walks and a retry edge 10 minutes ago, 2 shadow walks, 1 live walk 2 hours ago.
        for (var i = 0; i < 3; i++) await s.ConfirmedWalkAsync(v3Confirmed[i], ago: TenMinutes);
        await s.TransitionAsync(stuck, "assignment_in_progress", "assignment_pending", ago: TenMinutes);
        foreach (var id in legacyConfirmed) await s.ConfirmedWalkAsync(id, shadow: true, ago: TenMinutes);
        await s.ConfirmedWalkAsync(v3Confirmed[3], ago: TimeSpan.FromHours(2));

        // Shadow comparisons: legacy live / V3 candidate 9 vs 8 confirmed of 10; one V3-live comparison whose legacy dry run failed.
        for (var i = 0; i < 8; i++) await s.ComparisonAsync(Guid.NewGuid(), "confirmed", "confirmed");
        await s.ComparisonAsync(Guid.NewGuid(), "confirmed", "manual_review");
        await s.ComparisonAsync(Guid.NewGuid(), "manual_review", "manual_review");
        await s.ComparisonAsync(Guid.NewGuid(), "confirmed", "error", control: "v3", candidate: "legacy");

        // Coordinator runs: 10 live starts and 1 error this hour, 5 clean starts 3 hours ago, 4 dry runs with 1 error.
        for (var i = 0; i < 10; i++) await s.CoordinatorAsync("coordinator.start", Guid.NewGuid());
        await s.CoordinatorAsync("coordinator.error", Guid.NewGuid(), """{"trigger":"inline","shadow":false,"reason":"TimeoutException"}""");
        for (var i = 0; i < 5; i++) await s.CoordinatorAsync("coordinator.start", Guid.NewGuid(), ago: TimeSpan.FromHours(3));
        for (var i = 0; i < 4; i++) await s.CoordinatorAsync("coordinator.start", Guid.NewGuid(), """{"trigger":"shadow","shadow":true}""");
        await s.CoordinatorAsync("coordinator.error", Guid.NewGuid(), """{"trigger":"shadow","shadow":true,"reason":"x"}""");

        // Locks: 19 acquired waiting 1..19 ms, one contended (1500 ms), one degraded (40 ms).
        for (var ms = 1; ms <= 19; ms++) await s.CoordinatorAsync("coordinator.lock_acquired", Guid.NewGuid(), $$"""{"trigger":"inline","shadow":false,"wait_ms":{{ms}}}""");
        await s.CoordinatorAsync("coordinator.lock_contention", Guid.NewGuid(), """{"trigger":"inline","shadow":false,"wait_ms":1500,"reason":"lock_wait_exceeded"}""");
        await s.CoordinatorAsync("coordinator.lock_degraded", Guid.NewGuid(), """{"trigger":"inline","shadow":false,"wait_ms":40,"reason":"redis_unavailable"}""");

        // Breakers: coordinator open 6 minutes then 1 minute; redis-lock open for the last 3 minutes; 2 bookings sent to legacy.
        await s.BreakerSpellAsync("coordinator", TimeSpan.FromMinutes(40), TimeSpan.FromMinutes(34));
        await s.BreakerSpellAsync("coordinator", TimeSpan.FromMinutes(20), TimeSpan.FromMinutes(19));
        await s.BreakerSpellAsync("redis-lock", TimeSpan.FromMinutes(3), null);
        for (var i = 0; i < 2; i++)
        {
            var b = Guid.NewGuid();
            await s.CoordinatorAsync("coordinator.circuit_open", b, """{"trigger":"inline","shadow":false,"circuit_status":"open","reason":"coordinator_circuit_open"}""", TimeSpan.FromMinutes(37));
            await s.CoordinatorAsync("coordinator.fallback_legacy", b, """{"trigger":"inline","shadow":false,"reason":"coordinator_circuit_open"}""", TimeSpan.FromMinutes(37));
        }

        // Retries: 3 for lock contention (100/200/300 ms) on 2 bookings, 1 after an error.
        var (r1, r2) = (Guid.NewGuid(), Guid.NewGuid());
        foreach (var (b, delay) in new[] { (r1, 100), (r1, 200), (r2, 300) })
            await s.CoordinatorAsync("coordinator.retry", b, $$"""{"trigger":"worker","shadow":false,"reason":"lock_contention","delay_ms":{{delay}}}""");
        await s.CoordinatorAsync("coordinator.retry", r2, """{"trigger":"worker","shadow":false,"reason":"error:TimeoutException","delay_ms":50}""");

        // Latency: V3 confirmed in 10, 20, …, 100 ms; legacy summaries of 5 and 7 ms; dry runs (excluded) very slow.
        for (var ms = 10; ms <= 100; ms += 10) await s.CoordinatorAsync("coordinator.confirmed", Guid.NewGuid(), $$"""{"trigger":"inline","shadow":false,"strategy":"single","attempts":1,"duration_ms":{{ms}}}""");
        await s.CoordinatorAsync("coordinator.confirmed", Guid.NewGuid(), """{"trigger":"shadow","shadow":true,"duration_ms":9999}""");
        foreach (var ms in new[] { 5, 7 })
            await s.EventAsync("auto_assign", "auto_assign.summary", Guid.NewGuid(), $$"""{"result":"succeeded","attemptsUsed":1,"totalDurationMs":{{ms}},"shadow":false}""");
        await s.EventAsync("auto_assign", "auto_assign.summary", Guid.NewGuid(), """{"result":"succeeded","attemptsUsed":1,"totalDurationMs":8888,"shadow":true}""");

        // 01 (seed): 15 + 1 + 10 transitions in the last hour, on 3 + 1 + 2 bookings.
        var q1 = Assert.Single(await s.RunAsync("01_state_transition_volume.sql"));
        Assert.Equal(26L, q1["transitions"]);
        Assert.Equal(6L, q1["bookings"]);
        // 02, 03 (seed).
        Assert.Equal(Math.Round(100m * 18 / 23, 2), Assert.Single(await s.RunAsync("02_confirmation_rate_24h.sql"))["confirmation_rate"]);
        Assert.Equal(2L, Assert.Single(await s.RunAsync("03_manual_review_count_24h.sql"))["manual_review_count"]);

        // 04: each edge of the walk 4 live + 2 shadow; one retry edge.
        var edges = (await s.RunAsync("04_transitions_by_edge.sql")).ToDictionary(r => $"{r["from_state"]}->{r["to_state"]}");
        Assert.Equal(6, edges.Count);
        foreach (var edge in new[] { "created->capacity_verified", "capacity_verified->assignment_pending", "assignment_pending->assignment_in_progress",
                     "assignment_in_progress->assigned", "assigned->confirmed" })
            Assert.Equal((4L, 2L, 6L), ((long)edges[edge]["live"]!, (long)edges[edge]["shadow"]!, (long)edges[edge]["total"]!));
        Assert.Equal((1L, 0L), ((long)edges["assignment_in_progress->assignment_pending"]["live"]!, (long)edges["assignment_in_progress->assignment_pending"]["shadow"]!));

        // 05: legacy live 90 %, V3 shadow 80 %, delta −10 points, agreement 90 %; the V3-live row has one failed dry run.
        var shadow = (await s.RunAsync("05_shadow_vs_live.sql")).ToDictionary(r => (string)r["live_pipeline"]!);
        Assert.Equal((10L, 90.00m, 80.00m, -10.00m, 90.00m, 0L), Row(shadow["legacy"], "comparisons", "live_success_pct", "shadow_success_pct", "delta_points", "agreement_pct", "shadow_errors"));
        Assert.Equal((1L, 100.00m, 0.00m, -100.00m, 0.00m, 1L), Row(shadow["v3"], "comparisons", "live_success_pct", "shadow_success_pct", "delta_points", "agreement_pct", "shadow_errors"));

        // 06: one reason each, half the queue each.
        var reasons = (await s.RunAsync("06_manual_review_reasons.sql")).ToDictionary(r => (string)r["reason"]!);
        Assert.Equal(2, reasons.Count);
        Assert.Equal(("v3", 1L, 50.00m), ((string)reasons["no_table_combination_free"]["pipeline"]!, (long)reasons["no_table_combination_free"]["bookings"]!, (decimal)reasons["no_table_combination_free"]["share_of_queue_pct"]!));
        Assert.Equal(("legacy", 1L, 50.00m), ((string)reasons["attempts_exhausted"]["pipeline"]!, (long)reasons["attempts_exhausted"]["bookings"]!, (decimal)reasons["attempts_exhausted"]["share_of_queue_pct"]!));

        // 07: 3 hours ago 5 runs, no errors; this hour 10 runs, 1 error (10 %), dry runs 4 with 1 error.
        var hours = await s.RunAsync("07_coordinator_error_rate_hourly.sql");
        Assert.Equal(2, hours.Count);
        Assert.Equal((5L, 0L, 0.00m, 0L, 0L), Row(hours[0], "runs", "errors", "error_rate_pct", "shadow_runs", "shadow_errors"));
        Assert.Equal((10L, 1L, 10.00m, 4L, 1L), Row(hours[1], "runs", "errors", "error_rate_pct", "shadow_runs", "shadow_errors"));

        // 08: 21 waits {1..19, 40, 1500}: p50 = 11, p95 = 40 (the 20th of 21), max 1500.
        var locks = Assert.Single(await s.RunAsync("08_lock_contention.sql"));
        Assert.Equal((19L, 1L, 1L, 11.0m, 40.0m, 1500m), Row(locks, "acquired", "contended", "degraded", "wait_p50_ms", "wait_p95_ms", "wait_max_ms"));

        // 09: coordinator tripped twice, longest 6 minutes, closed now, 2 bookings to legacy; redis-lock open for 3 minutes.
        var breakers = (await s.RunAsync("09_breaker_trips.sql")).ToDictionary(r => (string)r["circuit"]!);
        Assert.Equal((2L, 6.0m, false, 2L), Row4(breakers["coordinator"]));
        Assert.Equal((1L, 3.0m, true, 0L), Row4(breakers["redis-lock"]));

        // 10: lock_contention 3 retries on 2 bookings, 200 ms on average; one error retry.
        var retries = await s.RunAsync("10_retry_reasons.sql");
        Assert.Equal(("lock_contention", 3L, 2L, 200.0m, 300m), ((string)retries[0]["reason"]!, (long)retries[0]["retries"]!, (long)retries[0]["bookings"]!, (decimal)retries[0]["avg_delay_ms"]!, (decimal)retries[0]["max_delay_ms"]!));
        Assert.Equal(("error:TimeoutException", 1L, 50.0m), ((string)retries[1]["reason"]!, (long)retries[1]["retries"]!, (decimal)retries[1]["avg_delay_ms"]!));

        // 11: the 30-hour-old created booking and the 20-minute-old pending one; not the 5-minute-old one.
        var stuckRows = await s.RunAsync("11_stuck_bookings.sql");
        Assert.Equal([oldStuck, stuck], stuckRows.Select(r => (Guid)r["id"]!).ToArray());
        Assert.InRange((decimal)stuckRows[1]["age_minutes"]!, 19.9m, 21m);

        // 12: V3 {10..100}: p50 55, p95 95.5; legacy {5, 7}: p50 6, p95 6.9; all 12: p50 45, p95 94.5.
        var latency = (await s.RunAsync("12_assignment_latency.sql")).ToDictionary(r => (string?)r["pipeline"] ?? "all");
        Assert.Equal((10L, 55.0m, 95.5m), (Convert.ToInt64(latency["v3"]["samples"]), (decimal)latency["v3"]["p50_ms"]!, (decimal)latency["v3"]["p95_ms"]!));
        Assert.Equal((2L, 6.0m, 6.9m), (Convert.ToInt64(latency["legacy"]["samples"]), (decimal)latency["legacy"]["p50_ms"]!, (decimal)latency["legacy"]["p95_ms"]!));
        Assert.Equal((12L, 45.0m, 94.5m), (Convert.ToInt64(latency["all"]["samples"]), (decimal)latency["all"]["p50_ms"]!, (decimal)latency["all"]["p95_ms"]!));

        // 13: confirmed 3 legacy + 16 V3 of 23; manual review 1 + 1; one pending, one in progress.
        var states = (await s.RunAsync("13_assignment_state_distribution.sql")).ToDictionary(r => (string)r["assignment_state"]!);
        Assert.Equal((3L, 16L, 19L, 82.61m), Row(states["confirmed"], "legacy", "v3", "total", "share_pct"));
        Assert.Equal((1L, 1L, 2L, 8.70m), Row(states["manual_review"], "legacy", "v3", "total", "share_pct"));
        Assert.Equal(1L, states["assignment_pending"]["total"]);
        Assert.Equal(1L, states["assignment_in_progress"]["total"]);

        // 14: critical — confirmation 78 %, coordinator errors 1 of 15 live runs, 2 stuck; 6 transition bookings vs 23 expected (shadow on).
        var health = Assert.Single(await s.RunAsync("14_health_check.sql"));
        Assert.Equal("critical", health["status"]);
        Assert.Equal((23L, 78.26m, 8.70m, 6.67m, 2L), Row(health, "bookings", "confirmation_rate", "manual_review_pct", "error_rate_pct", "stuck_bookings"));
        Assert.Equal((6L, 23L), ((long)health["transition_bookings_1h"]!, (long)health["expected_bookings_1h"]!));
        var why = (string)health["reasons"]!;
        Assert.Contains("confirmation 78.26 % < 95 %", why, StringComparison.Ordinal);
        Assert.Contains("2 stuck booking(s)", why, StringComparison.Ordinal);
        Assert.Contains("transition bookings 6 vs 23 expected (1 h)", why, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HealthCheckIsHealthyWhenEveryV3BookingIsConfirmedAndWalked()
    {
        await using var s = await RolloutScenario.CreateAsync();
        foreach (var id in await s.BookingsAsync(20, "confirmed", "confirmed", "v3", ago: TenMinutes))
        {
            await s.ConfirmedWalkAsync(id, ago: TenMinutes);
            await s.CoordinatorAsync("coordinator.start", id, ago: TenMinutes);
        }
        var health = Assert.Single(await s.RunAsync("14_health_check.sql"));
        Assert.Equal(("healthy", 100.00m, 0.00m, 0.00m, 20L, 20L, ""),
            ((string)health["status"]!, (decimal)health["confirmation_rate"]!, (decimal)health["manual_review_pct"]!, (decimal)health["error_rate_pct"]!,
             (long)health["transition_bookings_1h"]!, (long)health["expected_bookings_1h"]!, (string)health["reasons"]!));
    }

    [Fact]
    public async Task HealthCheckWarnsAtNinetyPercentConfirmedAndTenPercentManualReview()
    {
        await using var s = await RolloutScenario.CreateAsync();
        var ids = await s.BookingsAsync(18, "confirmed", "confirmed", "v3", ago: TenMinutes);
        ids.AddRange(await s.BookingsAsync(2, "manual_review", "pending", "v3", "no_table_combination_free", TenMinutes));
        foreach (var id in ids) await s.ConfirmedWalkAsync(id, ago: TenMinutes);
        var health = Assert.Single(await s.RunAsync("14_health_check.sql"));
        Assert.Equal(("warning", 90.00m, 10.00m), ((string)health["status"]!, (decimal)health["confirmation_rate"]!, (decimal)health["manual_review_pct"]!));
        Assert.Equal("confirmation 90.00 % < 95 %; manual review 10.00 % >= 10 %", health["reasons"]);
    }

    [Fact]
    public async Task QueriesMatchWhatTheServiceWritesWithV3AndShadowOn()
    {
        await using var api = await ApiHost.StartAsync(new() { ["FEATURE_ASSIGNMENT_PIPELINE_V3"] = "true", ["FEATURE_ASSIGNMENT_PIPELINE_V3_SHADOW"] = "true" });
        var r = await api.Bookings.CreateRestaurantAsync(Bodies.Restaurant([("T1", "main", 1, 4), ("T2", "main", 1, 4), ("T3", "main", 1, 4), ("T4", "main", 1, 4), ("T5", "main", 1, 4)]));
        for (var i = 0; i < 5; i++)
            Assert.Equal("confirmed", (await api.Bookings.BookAsync(r, 2, r.At(new TimeOnly(19, 0)))).Str("status"));
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (await api.Db.CountAsync("SELECT count(*) FROM observability_events WHERE event_type = 'shadow.comparison'") < 5)
        {
            Assert.True(DateTime.UtcNow < deadline, "the legacy dry runs never recorded their comparisons");
            await Task.Delay(50);
        }
        var s = await RolloutScenario.CreateAsync(api.Db);

        var q1 = Assert.Single(await s.RunAsync("01_state_transition_volume.sql"));
        Assert.Equal((25L, 5L), ((long)q1["transitions"]!, (long)q1["bookings"]!)); // 5 live transitions per V3 booking
        Assert.Equal(100.00m, Assert.Single(await s.RunAsync("02_confirmation_rate_24h.sql"))["confirmation_rate"]);
        Assert.Equal(0L, Assert.Single(await s.RunAsync("03_manual_review_count_24h.sql"))["manual_review_count"]);
        var edges = await s.RunAsync("04_transitions_by_edge.sql");
        Assert.Equal(5, edges.Count);
        Assert.All(edges, e => Assert.Equal((5L, 0L), ((long)e["live"]!, (long)e["shadow"]!)));
        var shadow = Assert.Single(await s.RunAsync("05_shadow_vs_live.sql"));
        Assert.Equal(("v3", "legacy", 5L, 100.00m, 100.00m, 100.00m),
            ((string)shadow["live_pipeline"]!, (string)shadow["shadow_pipeline"]!, (long)shadow["comparisons"]!, (decimal)shadow["live_success_pct"]!,
             (decimal)shadow["shadow_success_pct"]!, (decimal)shadow["agreement_pct"]!));
        Assert.Empty(await s.RunAsync("06_manual_review_reasons.sql"));
        var hour = Assert.Single(await s.RunAsync("07_coordinator_error_rate_hourly.sql"));
        Assert.Equal((5L, 0L), ((long)hour["runs"]!, (long)hour["errors"]!));
        Assert.Equal(5L, Assert.Single(await s.RunAsync("08_lock_contention.sql"))["acquired"]);
        Assert.Empty(await s.RunAsync("09_breaker_trips.sql"));
        Assert.Empty(await s.RunAsync("10_retry_reasons.sql"));
        Assert.Empty(await s.RunAsync("11_stuck_bookings.sql"));
        var latency = (await s.RunAsync("12_assignment_latency.sql")).ToDictionary(x => (string?)x["pipeline"] ?? "all");
        Assert.Equal(5L, Convert.ToInt64(latency["v3"]["samples"]));
        Assert.False(latency.ContainsKey("legacy")); // the legacy dry runs are marked shadow and excluded
        var states = Assert.Single(await s.RunAsync("13_assignment_state_distribution.sql"));
        Assert.Equal(("confirmed", 5L), ((string)states["assignment_state"]!, (long)states["v3"]!));
        Assert.Equal("healthy", Assert.Single(await s.RunAsync("14_health_check.sql"))["status"]);
    }

    private static (object?, object?, object?, object?, object?, object?) Row(Dictionary<string, object?> r, string a, string b, string c, string d, string e, string f) =>
        (r[a], r[b], r[c], r[d], r[e], r[f]);

    private static (object?, object?, object?, object?, object?) Row(Dictionary<string, object?> r, string a, string b, string c, string d, string e) =>
        (r[a], r[b], r[c], r[d], r[e]);

    private static (object?, object?, object?, object?) Row(Dictionary<string, object?> r, string a, string b, string c, string d) =>
        (r[a], r[b], r[c], r[d]);

    private static (long, decimal, bool, long) Row4(Dictionary<string, object?> r) =>
        ((long)r["trips"]!, (decimal)r["longest_open_minutes"]!, (bool)r["open_now"]!, (long)r["fallback_bookings"]!);
}
