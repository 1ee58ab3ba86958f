using BookingAssignment.Api.Tests.Infrastructure;
using Npgsql;

namespace BookingAssignment.Api.Tests;

/// <summary>The built API as a child process: bad flags stop it; `migrate` is repeatable.</summary>
public sealed class StartupTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Theory]
    [InlineData("FEATURE_ASSIGNMENT_PIPELINE_V3_MAX_PARALLEL", "abc", "1 to 50")]
    [InlineData("FEATURE_ASSIGNMENT_PIPELINE_V3_MAX_PARALLEL", "0", "1 to 50")]
    [InlineData("FEATURE_ASSIGNMENT_PIPELINE_V3_PERCENT", "150", "0 to 100")]
    [InlineData("FEATURE_ASSIGNMENT_PIPELINE_V3", "yes please", "true or false")]
    [InlineData("FEATURE_ASSIGNMENT_PIPELINE_V3_SHADOW", "1", "true or false")]
    public async Task AnInvalidFlagStopsTheServiceWithOneLineNamingVariableValueAndWhatIsAllowed(string variable, string value, string allowed)
    {
        var servers = await TestServers.GetAsync();
        var env = ApiProcess.ValidEnvironment(servers.PostgresAdmin, servers.Redis);
        env[variable] = value;

        var result = await ApiProcess.RunAsync([], env, Timeout);

        Assert.False(result.TimedOut, $"the service kept running with {variable}='{value}'\n{result}");
        Assert.NotEqual(0, result.ExitCode);
        var line = Assert.Single(result.StderrLines);
        Assert.Contains(variable, line, StringComparison.Ordinal);
        Assert.Contains($"'{value}'", line, StringComparison.Ordinal);
        Assert.Contains(allowed, line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ALockServerTimeoutLongerThanTheLockWaitStopsTheServiceWithOneLineNamingBoth()
    {
        var servers = await TestServers.GetAsync();
        var env = ApiProcess.ValidEnvironment(servers.PostgresAdmin, servers.Redis);
        env["Locking__WaitMs"] = "1500";
        env["Locking__NodeOperationTimeoutMs"] = "5000";

        var result = await ApiProcess.RunAsync([], env, Timeout);

        Assert.False(result.TimedOut, $"the service kept running\n{result}");
        Assert.NotEqual(0, result.ExitCode);
        var line = Assert.Single(result.StderrLines);
        Assert.Contains("Locking:NodeOperationTimeoutMs (5000) must not exceed Locking:WaitMs (1500)", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MigrationsApplyToAnEmptyDatabaseAndAgainAsANoOpAndTheExclusionConstraintHolds()
    {
        var servers = await TestServers.GetAsync();
        await using var db = await TestDatabase.CreateAsync();
        var env = ApiProcess.ValidEnvironment(db.ConnectionString, servers.Redis);

        var first = await ApiProcess.RunAsync(["migrate"], env, Timeout);
        Assert.True(first.ExitCode == 0 && !first.TimedOut, first.ToString());
        Assert.Contains("Applied", first.Stdout, StringComparison.Ordinal);
        var second = await ApiProcess.RunAsync(["migrate"], env, Timeout);
        Assert.True(second.ExitCode == 0 && !second.TimedOut, second.ToString());
        Assert.Contains("up to date", second.Stdout, StringComparison.Ordinal);
        // One row per file in /migrations (the API embeds each as a resource "migrations.<file>").
        var files = typeof(Program).Assembly.GetManifestResourceNames().Count(n => n.StartsWith("migrations.", StringComparison.Ordinal));
        Assert.True(files >= 3, $"{files} migration files embedded");
        Assert.Equal(files, await db.CountAsync("SELECT count(*) FROM \"__EFMigrationsHistory\""));

        foreach (var table in new[] { "bookings", "booking_table_assignments", "observability_events", "booking_assignment_state_history",
                     "booking_assignment_attempts", "restaurant_tables", "table_adjacency", "zones", "idempotency_keys", "staff_keys" })
            Assert.Equal(1, await db.CountAsync("SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tablename = $1", table));

        var (tableId, bookingA, bookingB) = await SeedOneTableAndTwoBookingsAsync(db);
        const string assign = """
            INSERT INTO booking_table_assignments (booking_id, table_id, held_from, held_until, assigned_by, released_at)
            VALUES ($1, $2, $3, $4, 'test', $5)
            """;
        var t0 = new DateTime(2030, 1, 1, 19, 0, 0, DateTimeKind.Utc);
        await db.ExecuteAsync(assign, bookingA, tableId, t0, t0.AddHours(2), DBNull.Value);
        var overlap = await Assert.ThrowsAsync<PostgresException>(() => db.ExecuteAsync(assign, bookingB, tableId, t0.AddHours(1), t0.AddHours(3), DBNull.Value));
        Assert.Equal("23P01", overlap.SqlState);
        // Released rows and back-to-back windows ([) ranges) are allowed.
        await db.ExecuteAsync(assign, bookingB, tableId, t0.AddHours(1), t0.AddHours(3), DateTime.UtcNow);
        await db.ExecuteAsync(assign, bookingB, tableId, t0.AddHours(2), t0.AddHours(4), DBNull.Value);
        Assert.Equal(2, await db.CountAsync("SELECT count(*) FROM booking_table_assignments WHERE released_at IS NULL"));
    }

    private static async Task<(Guid Table, Guid A, Guid B)> SeedOneTableAndTwoBookingsAsync(TestDatabase db)
    {
        var restaurant = Guid.NewGuid();
        var zone = Guid.NewGuid();
        var table = Guid.NewGuid();
        var a = Guid.NewGuid();
        var b = Guid.NewGuid();
        await db.ExecuteAsync("""
            INSERT INTO restaurants (id, name, time_zone, services, turn_minutes_by_party_size, buffer_minutes, max_tables_per_booking)
            VALUES ($1, 'R', 'Europe/London', '[]', '{"2":90}', 15, 3)
            """, restaurant);
        await db.ExecuteAsync("INSERT INTO zones (id, restaurant_id, name) VALUES ($1, $2, 'main')", zone, restaurant);
        await db.ExecuteAsync("INSERT INTO restaurant_tables (id, restaurant_id, zone_id, label, min_covers, max_covers) VALUES ($1, $2, $3, 'A1', 1, 2)", table, restaurant, zone);
        foreach (var (id, reference) in new[] { (a, "BK-TESTA001"), (b, "BK-TESTB001") })
            await db.ExecuteAsync("""
                INSERT INTO bookings (id, restaurant_id, reference, party_size, start_at, end_at, assignment_pipeline, customer_name)
                VALUES ($1, $2, $3, 2, '2030-01-01T19:00Z', '2030-01-01T20:30Z', 'legacy', 'Test')
                """, id, restaurant, reference);
        return (table, a, b);
    }
}
