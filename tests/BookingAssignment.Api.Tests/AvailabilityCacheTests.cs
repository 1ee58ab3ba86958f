using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using BookingAssignment.Api.Tests.Infrastructure;
using BookingAssignment.Api.Tests.Lifecycle;
using BookingAssignment.Api.Tests.V3;

namespace BookingAssignment.Api.Tests;

/// <summary>
/// Availability answers from a day it read before while the day's change counters are unchanged
/// (Assignment/ScheduleCache.cs, migrations/0010). The invariant: its answer is always the answer a
/// fresh read gives, whoever changed the day (this instance, another one, or plain SQL that no code
/// path of the service ran) and whatever changed (bookings, cancellations, holds and their expiry,
/// blocks, released tables).
/// </summary>
public sealed class AvailabilityCacheTests
{
    [Fact]
    public async Task RememberedDaysAnswerAsAFreshReadAfterEveryKindOfChange()
    {
        await using var db = await TestDatabase.CreateAsync();
        var flags = V3Setup.Flags(v3: true, shadow: false, extra: [("Bookings:HoldTtlSeconds", "2")]);
        await using var remembering = await ApiHost.StartAsync(flags, db);
        await using var fresh = await ApiHost.StartAsync(new(flags, StringComparer.OrdinalIgnoreCase) { ["Planner:RememberDays"] = "false" }, db);
        var r = await fresh.Bookings.CreateRestaurantAsync(V3Setup.SmallFloor("Remembered Days"));
        var random = new Random(20261203);
        var day = r.At(new TimeOnly(19, 0));
        DateTimeOffset Slot() => day.AddMinutes(15 * random.Next(-8, 10));
        using var unchanged = new CounterTotal(remembering, "booking.availability.schedule_reads", ("result", "unchanged"));
        var blocks = new List<Guid>();
        var changes = new List<string>();

        async Task SameAnswersAsync(string after)
        {
            foreach (var party in new[] { 2, 4, 6 })
            {
                while (true)
                {
                    var asked = DateTime.UtcNow;
                    var remembered = await StartTimesAsync(remembering, r, day, party);
                    var read = await StartTimesAsync(fresh, r, day, party);
                    if (read.SequenceEqual(remembered)) break;
                    // A hold that expired between the two answers changed the day in between: ask both again.
                    var expiredMeanwhile = await db.CountAsync(
                        "SELECT count(*) FROM booking_holds WHERE restaurant_id = $1 AND expires_at BETWEEN $2 AND now()", r.Id, asked);
                    Assert.True(expiredMeanwhile > 0, $"party {party} after {after}: fresh [{string.Join(", ", read)}], remembered [{string.Join(", ", remembered)}]");
                }
            }
        }

        await SameAnswersAsync("nothing");
        for (var step = 0; step < 40; step++)
        {
            var writer = random.Next(2) == 0 ? remembering : fresh;
            var change = random.Next(7);
            switch (change)
            {
                case 0 or 1: // a booking, through either instance
                    await writer.Bookings.BookAsync(r, random.Next(1, 7), Slot());
                    break;
                case 2: // a cancellation
                    var live = await db.RowsAsync("SELECT id FROM bookings WHERE restaurant_id = $1 AND status = 'confirmed'", r.Id);
                    if (live.Count > 0)
                        (await writer.Client.SendAsync(HttpMethod.Post, $"/bookings/{live[random.Next(live.Count)]["id"]}/cancel")).Is(HttpStatusCode.OK);
                    break;
                case 3: // a hold (it expires by itself, below)
                    await writer.Client.SendAsync(HttpMethod.Post, $"/restaurants/{r.Id}/holds",
                        new JsonObject { ["partySize"] = random.Next(1, 7), ["startsAt"] = Bodies.Iso(Slot()) });
                    break;
                case 4: // a block, or lifting one
                    if (blocks.Count > 0 && random.Next(2) == 0)
                    {
                        (await writer.Ops.SendAsync(HttpMethod.Delete, $"/restaurants/{r.Id}/blocks/{blocks[^1]}")).Is(HttpStatusCode.NoContent);
                        blocks.RemoveAt(blocks.Count - 1);
                    }
                    else
                    {
                        var from = Slot();
                        var created = await writer.Ops.SendAsync(HttpMethod.Post, $"/restaurants/{r.Id}/blocks", new JsonObject
                        {
                            ["tables"] = new JsonArray(new[] { "A1", "B1", "C1" }[random.Next(3)]), ["from"] = Bodies.Iso(from), ["until"] = Bodies.Iso(from.AddHours(2)), ["reason"] = "test",
                        });
                        created.Is(HttpStatusCode.Created);
                        blocks.Add(created.Id);
                    }
                    break;
                case 5: // tables released in plain SQL, by no code path of the service
                    await db.ExecuteAsync("""
                        UPDATE booking_table_assignments SET released_at = now()
                        WHERE id = (SELECT a.id FROM booking_table_assignments a JOIN bookings b ON b.id = a.booking_id
                                    WHERE b.restaurant_id = $1 AND a.released_at IS NULL ORDER BY a.id LIMIT 1)
                        """, r.Id);
                    break;
                default: // every hold of the day expires: no write at all
                    var expiry = (await db.RowsAsync("SELECT max(expires_at) AS last FROM booking_holds WHERE restaurant_id = $1", r.Id))[0]["last"];
                    if (expiry is DateTime last)
                        await Eventually.UntilAsync(() => Task.FromResult(DateTime.UtcNow > last.AddMilliseconds(100)), past => past, "the holds to expire");
                    break;
            }
            changes.Add(change.ToString(CultureInfo.InvariantCulture));
            await SameAnswersAsync($"changes {string.Join(",", changes)}");
        }

        // The answers were really remembered: after a change only a round's first read finds the day
        // changed (or one after a hold's expiry), so at least one read in each of the 41 rounds of three
        // is answered from a remembered day.
        Assert.True(unchanged.Total >= 41, $"{unchanged.Total} reads answered from a remembered day");
        Assert.Equal(0, await Lifecycle.Lifecycle.OverlapsAsync(db));
    }

    private static async Task<DateTimeOffset[]> StartTimesAsync(ApiHost api, CreatedRestaurant r, DateTimeOffset day, int party)
    {
        var answer = await api.Bookings.GetAsync($"/restaurants/{r.Id}/availability?date={day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}&partySize={party}");
        Assert.Equal(200, answer.Code);
        return answer.Json.GetProperty("startTimes").EnumerateArray().Select(t => t.GetDateTimeOffset()).ToArray();
    }
}
