using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using BookingAssignment.Core.Floors;

namespace BookingAssignment.Core.Planning;

/// <summary>
/// A solver's decisions remembered by what they depend on: the floor, the schedule's content and the
/// request. A decision is a fact about that content (the same evening and party get the same answer),
/// so nothing goes stale: a booking made, moved or cancelled changes the content and so the key. A
/// drop, where hundreds ask for the same few times on an evening that does not change between them,
/// is decided once per time and party instead of once per request.
/// <para>
/// Out of budget is remembered only when <paramref name="rememberBudgetExhausted"/> says so: an
/// admission that ran out may succeed on a quieter machine, but an availability answer for such a
/// slot is "not offered" either way. Per floor (a floor change makes a new one); when full, a floor's
/// memory starts over rather than tracking age. Thread-safe.
/// </para>
/// </summary>
public sealed class RememberedDecisions(IArrangementSolver solver, bool rememberBudgetExhausted, int capacityPerFloor = 20_000)
    : IArrangementSolver, IAssignmentPlanner
{
    private readonly ConditionalWeakTable<Floor, FloorMemory> _decisions = new();

    /// <summary>One floor's decisions; <see cref="Added"/> counts them (ConcurrentDictionary.Count would take every lock).</summary>
    private sealed class FloorMemory
    {
        public readonly ConcurrentDictionary<Key, ArrangementDecision> Decisions = new(4 * Environment.ProcessorCount, 1024);
        public int Added;
    }

    private readonly record struct Key(UInt128 Schedule, int Party, long Start, long End, string? Zone);

    /// <summary>The solver that decides what is not remembered yet.</summary>
    public IArrangementSolver Solver => solver;

    public TablePlan? Plan(Floor floor, IReadOnlyList<Occupancy> occupied, PlanRequest request) =>
        Decide(floor, occupied, request) is ArrangementDecision.Feasible f ? f.Plan : null;

    public ArrangementDecision Decide(Floor floor, IReadOnlyList<Occupancy> occupied, PlanRequest request) => On(floor, occupied)(request);

    /// <summary>Decisions on one schedule for many requests (availability's start times): its content is hashed once.</summary>
    public Func<PlanRequest, ArrangementDecision> On(Floor floor, IReadOnlyList<Occupancy> occupied)
    {
        ArgumentNullException.ThrowIfNull(floor);
        ArgumentNullException.ThrowIfNull(occupied);
        var memory = _decisions.GetValue(floor, _ => new());
        var content = Fingerprint(occupied);
        return request =>
        {
            ArgumentNullException.ThrowIfNull(request);
            // The zone preference orders the candidate sets, so it can change the plan (never the verdict).
            var key = new Key(content, request.PartySize, request.During.Start.UtcTicks, request.During.End.UtcTicks, request.ZonePreference);
            if (memory.Decisions.TryGetValue(key, out var known)) return known;
            var decision = solver.Decide(floor, occupied, request);
            if (decision is ArrangementDecision.BudgetExhausted && !rememberBudgetExhausted) return decision;
            if (Interlocked.Increment(ref memory.Added) > capacityPerFloor)
            {
                memory.Decisions.Clear();
                Interlocked.Exchange(ref memory.Added, 1);
            }
            memory.Decisions[key] = decision;
            return decision;
        };
    }

    /// <summary>
    /// The schedule's content, whatever its order: two 64-bit sums of per-booking hashes (booking,
    /// window, party, tables, movability). HashCode is seeded per process, so a key means nothing
    /// outside it; two different evenings share a key with odds of about one in 2^64.
    /// </summary>
    private static UInt128 Fingerprint(IReadOnlyList<Occupancy> schedule)
    {
        ulong low = (ulong)schedule.Count, high = 0;
        for (var i = 0; i < schedule.Count; i++)
        {
            var o = schedule[i];
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
        for (var i = 0; i < o.TableIds.Count; i++) hash.Add(o.TableIds[i]);
        return (uint)hash.ToHashCode();
    }
}
