using BookingAssignment.Api.Observability;
using BookingAssignment.Api.Persistence;
using BookingAssignment.Api.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace BookingAssignment.Api.Tests.Ops;

/// <summary>
/// Migration 0007 and <see cref="EventRetention"/>: observability_events partitioned by UTC day,
/// days ahead created, rows that fell into the default partition moved into their day, days past
/// the retention dropped, the seed's query verbatim on top, and rows written before 0007 kept.
/// </summary>
public sealed class EventRetentionTests
{
    private const string OutOfTheirDay = """
        SELECT count(*) FROM observability_events
         WHERE tableoid::regclass::text <> 'observability_events_' || to_char(created_at AT TIME ZONE 'UTC', 'YYYYMMDD')
        """;

    [Fact]
    public async Task EventsLandInTheirDayAndDaysPastTheRetentionAreDropped()
    {
        await using var api = await ApiHost.StartAsync(new() { ["Observability:RetentionDays"] = "8", ["FEATURE_ASSIGNMENT_PIPELINE_V3"] = "true" });
        var r = await api.Bookings.CreateRestaurantAsync(Bodies.Restaurant([("T1", "main", 1, 4)]));
        Assert.Equal("confirmed", (await api.Bookings.BookAsync(r, 2, r.At(new TimeOnly(19, 0)))).Str("status"));

        // The start-up round (a background service: under a loaded suite it may still be running when
        // the booking is made) makes yesterday … today + 3; the booking's events are in today's partition.
        await Eventually.CountAsync(api.Db, """
            SELECT count(*) FROM generate_series(-1, 3) g
             WHERE to_regclass('observability_events_' || to_char((now() AT TIME ZONE 'UTC')::date + g, 'YYYYMMDD')) IS NOT NULL
            """, 5, "the start-up round's day partitions");
        Assert.Equal(0, await api.Db.CountAsync("SELECT count(*) FROM observability_events_default"));
        Assert.Equal(0, await api.Db.CountAsync(OutOfTheirDay));
        var events = await api.Db.CountAsync("SELECT count(*) FROM observability_events");
        Assert.True(events > 0);

        // Old days: one with its own partition (12 days back), rows without one (20 and 2 days back, in the default).
        await api.Db.ExecuteAsync("SELECT observability_events_ensure_partition((now() AT TIME ZONE 'UTC')::date - 12)");
        foreach (var daysBack in new[] { 12, 20, 2 })
            await api.Db.ExecuteAsync("""
                INSERT INTO observability_events (created_at, source, event_type, severity)
                VALUES (now() - make_interval(days => $1), 'test', 'old', 'info')
                """, daysBack);
        Assert.Equal(2, await api.Db.CountAsync("SELECT count(*) FROM observability_events_default"));

        var retention = api.Services.GetServices<IHostedService>().OfType<EventRetention>().Single();
        Assert.Equal((1, 1), await retention.RunOnceAsync(CancellationToken.None));

        // 12 and 20 days back are gone, 2 days back moved into its own day, nothing else touched.
        Assert.Equal(0, await api.Db.CountAsync("SELECT count(*) FROM observability_events_default"));
        Assert.Equal(0, await api.Db.CountAsync(OutOfTheirDay));
        Assert.Equal(1, await api.Db.CountAsync("SELECT count(*) FROM observability_events WHERE source = 'test'"));
        Assert.Equal(1, await api.Db.CountAsync("SELECT count(*) FROM observability_events WHERE source = 'test' AND created_at < now() - interval '1 day'"));
        Assert.Equal(events, await api.Db.CountAsync("SELECT count(*) FROM observability_events WHERE source <> 'test'"));
        Assert.Equal((0, 0), await retention.RunOnceAsync(CancellationToken.None));

        // The seed's query runs as written on the partitioned table, and new rows still get ids.
        var (transitions, bookings) = await SeedQueries.StateTransitionVolumeAsync(api.Db);
        Assert.True(transitions > 0 && bookings == 1, $"{transitions} transitions, {bookings} bookings");
        Assert.Equal("confirmed", (await api.Bookings.BookAsync(r, 2, r.At(new TimeOnly(12, 0)))).Str("status"));
        Assert.Equal(await api.Db.CountAsync("SELECT count(*) FROM observability_events"),
            await api.Db.CountAsync("SELECT count(DISTINCT id) FROM observability_events"));
    }

    [Fact]
    public async Task TheMigrationKeepsTheEventsWrittenBeforeIt()
    {
        await using var db = await TestDatabase.CreateAsync();
        // The migrations alone, no host: nothing else touches the half-migrated database.
        await using var context = new BookingDb(new DbContextOptionsBuilder<BookingDb>().UseNpgsql(db.ConnectionString).Options);
        var migrator = context.GetService<IMigrator>();
        await migrator.MigrateAsync("20261201000006_Webhooks");
        await db.ExecuteAsync("""
            INSERT INTO observability_events (created_at, source, event_type, severity, context)
            SELECT now() - make_interval(days => d), 'before', 'e' || d, 'info', jsonb_build_object('d', d)
              FROM generate_series(0, 4) d
            """);
        var ids = await db.RowsAsync("SELECT id, event_type, context::text AS context, created_at FROM observability_events ORDER BY id");

        await migrator.MigrateAsync();

        Assert.Equal(1, await db.CountAsync("SELECT count(*) FROM pg_partitioned_table WHERE partrelid = 'observability_events'::regclass"));
        Assert.Equal(ids.Select(Describe), (await db.RowsAsync("SELECT id, event_type, context::text AS context, created_at FROM observability_events ORDER BY id")).Select(Describe));
        Assert.Equal(0, await db.CountAsync(OutOfTheirDay));
        await db.ExecuteAsync("INSERT INTO observability_events (source, event_type, severity) VALUES ('after', 'x', 'info')");
        Assert.True(await db.ScalarAsync<long>("SELECT id FROM observability_events WHERE source = 'after'") > ids.Max(x => (long)x["id"]!));
    }

    private static string Describe(Dictionary<string, object?> row) => string.Join('|', row.Values);
}
