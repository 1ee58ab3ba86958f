using BookingAssignment.Api.Assignment;
using BookingAssignment.Api.Persistence;
using BookingAssignment.Api.Restaurants;
using BookingAssignment.Api.Tests.Infrastructure;
using BookingAssignment.Api.Tests.V3;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace BookingAssignment.Api.Tests.Persistence;

/// <summary>
/// The schedule read runs on PostgreSQL's generic plan, planned once per connection (planning it on
/// every execution cost more than running it, docs/benchmarks.md), and the plan mode it sets for
/// itself goes no further: the statements after it, in its transaction or outside one, plan as the
/// server is configured to.
/// </summary>
public sealed class SchedulePlanTests
{
    [Fact]
    public async Task TheScheduleReadIsNotPlannedAgainOnEachExecutionAndLeavesThePlanModeAsItWas()
    {
        await using var api = await ApiHost.StartAsync(V3Setup.Flags(v3: true, shadow: false));
        var created = await api.Bookings.CreateRestaurantAsync(V3Setup.SmallFloor("Generic Plan"));
        await api.Bookings.BookAsync(created, 2, created.At(new TimeOnly(19, 0)));
        var r = (await api.Services.GetRequiredService<RestaurantCatalog>().FindAsync(created.Id, CancellationToken.None))!;
        var window = Schedule.DayWindow(r, created.At(new TimeOnly(19, 0)));

        await using var scope = api.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BookingDb>();
        await db.Database.OpenConnectionAsync(); // one connection for every read below, so their prepared statement is one
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        var defaultMode = await ScalarAsync(connection, "SHOW plan_cache_mode");

        // Outside a transaction: each read is a batch of its own.
        for (var i = 0; i < 8; i++)
        {
            var schedule = await Schedule.LoadAsync(db, r, window, movableFrom: null, excludeBookingId: null, CancellationToken.None);
            Assert.Single(schedule); // the booking above, every time
            Assert.Equal(defaultMode, await ScalarAsync(connection, "SHOW plan_cache_mode"));
        }
        // Inside one, with the day's lock first (admission's read): the mode is back before the transaction goes on.
        await using (var tx = await db.Database.BeginTransactionAsync())
        {
            for (var i = 0; i < 4; i++)
            {
                await Schedule.LoadAsync(db, r, window, movableFrom: null, excludeBookingId: null, CancellationToken.None, lockDay: r.Rules.ServiceDate(window.Start));
                Assert.Equal(defaultMode, await ScalarAsync(connection, "SHOW plan_cache_mode"));
            }
            await tx.CommitAsync();
        }

        // Npgsql prepared the read after its second use; PostgreSQL would have planned its first five executions afresh.
        var plans = await RowAsync(connection, "SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE statement LIKE 'SELECT a.booking_id%'");
        Assert.True(plans.Generic >= 5, $"generic plans used {plans.Generic}");
        Assert.Equal(0, plans.Custom);
        await db.Database.CloseConnectionAsync();
    }

    private static async Task<string> ScalarAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return (string)(await command.ExecuteScalarAsync())!;
    }

    private static async Task<(long Generic, long Custom)> RowAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync(), "the schedule read is a prepared statement on this connection");
        return (reader.GetInt64(0), reader.GetInt64(1));
    }
}
