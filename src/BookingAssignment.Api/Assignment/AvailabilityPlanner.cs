using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using BookingAssignment.Core.Floors;

namespace BookingAssignment.Api.Assignment;

/// <summary>
/// The start times a restaurant can offer a party: V3 restaurants get the exact decision (with its
/// own, smaller budget: a slot whose decision runs out is not offered), legacy ones the capacity
/// check they are admitted by. Availability and a 409's alternatives both come from here, so an
/// offered slot can be booked.
/// </summary>
internal sealed class AvailabilityPlanner(PipelineSelector selector, IOptions<PlannerOptions> options,
    [FromKeyedServices(PipelineSelector.V3)] IAssignmentPlanner v3Planner, YieldForecasts yields)
{
    private readonly CapacityCheck _capacity = new();
    private readonly ExactPlanner _exact = new(new ExactPlannerOptions { Budget = TimeSpan.FromMilliseconds(options.Value.AvailabilityBudgetMs) });

    // Exact answers per floor, by the schedule's content and the request: a sold-out evening asked
    // again and again (a drop, every 409's alternatives) is searched once while nothing changes.
    // The capacity check is cheaper than the fingerprint, so it is never cached.
    // The plan is kept (null: not bookable) for the yield setting, which judges it against the moment of asking.
    private readonly ConditionalWeakTable<Floor, ConcurrentDictionary<(UInt128 Schedule, int Party, long Start, long End), TablePlan?>> _answers = new();
    private const int AnswersPerFloor = 20_000;

    /// <summary>Whether a request can be booked at <paramref name="now"/>: the decision admission takes, the yield setting included.</summary>
    public async Task<Func<PlanRequest, bool>> ForAsync(RestaurantModel r, IReadOnlyList<Occupancy> schedule, DateTimeOffset now)
    {
        // Exact only where admission is exact: otherwise the capacity check is what admits.
        var v3 = v3Planner is IArrangementSolver && (await selector.ChooseAsync(r.Id)).Live == PipelineSelector.V3;
        if (!v3) return request => _capacity.Check(r.Floor, schedule, request).Ok;
        await yields.PrepareAsync(r, CancellationToken.None);
        var answers = _answers.GetValue(r.Floor, _ => new());
        var content = Fingerprint(schedule);
        var refuses = yields.Refusals(r, schedule, now);
        return request =>
        {
            var key = (content, request.PartySize, request.During.Start.UtcTicks, request.During.End.UtcTicks);
            if (!answers.TryGetValue(key, out var plan))
            {
                plan = (_exact.Decide(r.Floor, schedule, request) as ArrangementDecision.Feasible)?.Plan;
                if (answers.Count >= AnswersPerFloor) answers.Clear(); // Count takes every lock: only on a miss
                answers[key] = plan;
            }
            return plan is not null && !refuses(request, plan);
        };
    }

    /// <summary>
    /// The schedule's content, whatever its order: two 64-bit sums of per-booking hashes (bookings,
    /// windows, parties, tables, movability). Zone preference is not part of it: it orders sets, never decides.
    /// </summary>
    private static UInt128 Fingerprint(IReadOnlyList<Occupancy> schedule)
    {
        ulong low = (ulong)schedule.Count, high = 0;
        foreach (var o in schedule)
        {
            var item = ((ulong)Hash(o, salt: 1) << 32) | Hash(o, salt: 2);
            low += item;
            high += (item * 0x9E3779B97F4A7C15UL) ^ (item >> 29);
        }
        return new UInt128(high, low);
    }

    private static uint Hash(Occupancy o, int salt)
    {
        var hash = new HashCode();
        hash.Add(salt);
        hash.Add(o.BookingId);
        hash.Add(o.During.Start.UtcTicks);
        hash.Add(o.During.End.UtcTicks);
        hash.Add(o.PartySize);
        hash.Add(o.Movable);
        foreach (var t in o.TableIds) hash.Add(t);
        return (uint)hash.ToHashCode();
    }

    /// <summary>Nearest start times on the 15-minute grid of the same day that can be booked.</summary>
    public async Task<IReadOnlyList<DateTimeOffset>> AlternativesAsync(RestaurantModel r, IReadOnlyList<Occupancy> daySchedule,
        int partySize, DateTimeOffset requested, DateTimeOffset now, int count)
    {
        if (count <= 0) return [];
        var bookable = await ForAsync(r, daySchedule, now);
        return r.Rules.SeatingGrid(r.Rules.ServiceDate(requested))
            .Where(t => t > now && t != requested)
            .OrderBy(t => Math.Abs((t - requested).Ticks)).ThenBy(t => t)
            .Where(t => bookable(new PlanRequest(partySize, r.Rules.HeldWindow(t, partySize))))
            .Take(count)
            .Order()
            .ToArray();
    }
}
