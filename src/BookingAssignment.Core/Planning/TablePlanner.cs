using BookingAssignment.Core.Floors;

namespace BookingAssignment.Core.Planning;

/// <summary>
/// The V3 planner (SPEC §4.4): a scored search over the floor's candidate table sets, with bounded
/// reassignment of movable bookings when nothing fits as the floor stands.
/// <para>
/// Hard rules: the party size lies within the set's [MinCovers, MaxCovers]; the set is a single
/// table or a connected set of adjacent tables in one zone (a <see cref="Floor.Candidates"/> entry);
/// no table is held by a booking whose <see cref="Occupancy.During"/> (turn time plus buffer)
/// overlaps the request. Everything else is the score, a cost where lower is better:
/// </para>
/// <code>
/// score = SpareSeatWeight   × (seats at the set − party size)
///       + ExtraTableWeight  × (tables − 1)
///       + ScarcityWeight    × Σ_q Σ_{t in set} free sets for party size q using table t ÷ free sets for q
///       + ZoneMismatchWeight  when a zone was asked for and the set is elsewhere
///       + DeadGapWeightPerMinute × minutes of unsellable idle time left before/after neighbours on the same tables
///       + MoveWeight × moved bookings                                   (reassigned plans only)
/// </code>
/// <para>
/// The scarcity term is measured in the request's window: taking the last free six-top, or a
/// four-top that is part of the only free joinable pair, costs nearly a whole party size's options;
/// taking one of twenty free four-tops costs little. Only minimal candidate sets are scored (see
/// <see cref="FloorProfile"/>). Ties go to the static order (fewest tables, fewest seats, floor
/// order), so the same input always gives the same plan.
/// </para>
/// </summary>
public sealed class TablePlanner : IAssignmentPlanner
{
    private readonly TablePlannerOptions _options;

    public TablePlanner() : this(new TablePlannerOptions()) { }

    public TablePlanner(TablePlannerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.MaxMoves < 0) throw new ArgumentOutOfRangeException(nameof(options), "MaxMoves must be zero or more.");
        _options = options;
    }

    public TablePlannerOptions Options => _options;

    public TablePlan? Plan(Floor floor, IReadOnlyList<Occupancy> occupied, PlanRequest request)
    {
        ArgumentNullException.ThrowIfNull(floor);
        ArgumentNullException.ThrowIfNull(occupied);
        ArgumentNullException.ThrowIfNull(request);
        var profile = FloorProfile.For(floor);
        var fitting = profile.Fitting(request.PartySize);
        if (fitting.Length == 0 || request.During.End <= request.During.Start) return null;

        var window = WindowView.Build(floor, occupied, request.During);
        var best = -1;
        var bestScore = double.PositiveInfinity;
        ScarcityIndex? scarcity = null;
        var freeCount = 0;
        foreach (var c in fitting)
            if (window.IsFree(profile.Candidates[c])) freeCount++;

        if (freeCount > 0)
        {
            // Computed even for a single option so that scores stay comparable between requests.
            scarcity = ScarcityIndex.Build(profile, window.Busy);
            foreach (var c in fitting)
            {
                var set = profile.Candidates[c];
                if (!window.IsFree(set)) continue;
                var score = Score(set, request, window, scarcity);
                if (score < bestScore - 1e-9)
                {
                    bestScore = score;
                    best = c;
                }
            }
            var chosen = profile.Candidates[best];
            return new TablePlan(OccupancyIndex.Ids(floor, chosen), chosen.Count == 1 ? "single" : "joined", Math.Round(bestScore, 4), []);
        }

        if (_options.MaxMoves == 0) return null;
        return new ReassignmentSearch(profile, occupied, request, _options).Find();
    }

    /// <summary>The score terms that do not depend on the rest of the evening.</summary>
    internal static double StaticScore(TableSet set, PlanRequest request, TablePlannerOptions options)
    {
        var score = options.SpareSeatWeight * (set.MaxCovers - request.PartySize)
                    + options.ExtraTableWeight * (set.Count - 1);
        if (request.ZonePreference is { } zone && !string.Equals(zone, set.Zone, StringComparison.OrdinalIgnoreCase))
            score += options.ZoneMismatchWeight;
        return score;
    }

    private double Score(TableSet set, PlanRequest request, WindowView window, ScarcityIndex? scarcity)
    {
        var score = StaticScore(set, request, _options);
        if (scarcity is not null) score += _options.ScarcityWeight * scarcity.Cost(set);
        score += _options.DeadGapWeightPerMinute * window.DeadGapMinutes(set, _options.MinUsefulGapMinutes);
        return score;
    }
}

/// <summary>What the floor looks like around one request's window: busy tables and the nearest neighbours in time.</summary>
internal sealed class WindowView
{
    private WindowView(bool[] busy, long[] previousEnd, long[] nextStart, long start, long end)
    {
        Busy = busy;
        PreviousEnd = previousEnd;
        NextStart = nextStart;
        Start = start;
        End = end;
    }

    public bool[] Busy { get; }
    /// <summary>Latest end of a booking on the table that ends at or before the window, or long.MinValue.</summary>
    public long[] PreviousEnd { get; }
    /// <summary>Earliest start of a booking on the table that starts at or after the window ends, or long.MaxValue.</summary>
    public long[] NextStart { get; }
    public long Start { get; }
    public long End { get; }

    public static WindowView Build(Floor floor, IReadOnlyList<Occupancy> occupied, Slot during)
    {
        var n = floor.Tables.Count;
        var busy = new bool[n];
        var previousEnd = new long[n];
        var nextStart = new long[n];
        Array.Fill(previousEnd, long.MinValue);
        Array.Fill(nextStart, long.MaxValue);
        var start = during.Start.UtcTicks;
        var end = during.End.UtcTicks;
        for (var k = 0; k < occupied.Count; k++)
        {
            var o = occupied[k];
            var os = o.During.Start.UtcTicks;
            var oe = o.During.End.UtcTicks;
            var tables = o.TableIds;
            for (var j = 0; j < tables.Count; j++)
            {
                var i = floor.IndexOf(tables[j]);
                if (i < 0) continue;
                if (os < end && start < oe) busy[i] = true;
                else if (oe <= start) { if (oe > previousEnd[i]) previousEnd[i] = oe; }
                else if (os < nextStart[i]) nextStart[i] = os;
            }
        }
        return new WindowView(busy, previousEnd, nextStart, start, end);
    }

    public bool IsFree(TableSet set)
    {
        foreach (var i in set.Indexes)
            if (Busy[i]) return false;
        return true;
    }

    /// <summary>Idle minutes left on the set's tables that are too short for any booking to use.</summary>
    public double DeadGapMinutes(TableSet set, int minUsefulMinutes)
    {
        var minUseful = TimeSpan.FromMinutes(minUsefulMinutes).Ticks;
        long dead = 0;
        foreach (var i in set.Indexes)
        {
            if (PreviousEnd[i] != long.MinValue)
            {
                var gap = Start - PreviousEnd[i];
                if (gap > 0 && gap < minUseful) dead += gap;
            }
            if (NextStart[i] != long.MaxValue)
            {
                var gap = NextStart[i] - End;
                if (gap > 0 && gap < minUseful) dead += gap;
            }
        }
        return (double)dead / TimeSpan.TicksPerMinute;
    }
}

/// <summary>
/// For the request's window: how many free candidate sets fit each party size, and how many of
/// those use each table. Cost(set) sums, over party sizes, the share of that size's free options
/// the set would take away (an upper estimate when a joined option shares two of its tables).
/// </summary>
internal sealed class ScarcityIndex
{
    private readonly int _sizes;
    private readonly int[] _freeBySize;
    private readonly int[] _usingTable;

    private ScarcityIndex(int sizes, int[] freeBySize, int[] usingTable)
    {
        _sizes = sizes;
        _freeBySize = freeBySize;
        _usingTable = usingTable;
    }

    public static ScarcityIndex Build(FloorProfile profile, bool[] busy)
    {
        var sizes = profile.MaxParty + 1;
        var freeBySize = new int[sizes];
        var usingTable = new int[profile.TableCount * sizes];
        for (var p = 1; p < sizes; p++)
        {
            foreach (var c in profile.Fitting(p))
            {
                var set = profile.Candidates[c];
                var free = true;
                foreach (var i in set.Indexes)
                    if (busy[i]) { free = false; break; }
                if (!free) continue;
                freeBySize[p]++;
                foreach (var i in set.Indexes) usingTable[i * sizes + p]++;
            }
        }
        return new ScarcityIndex(sizes, freeBySize, usingTable);
    }

    public double Cost(TableSet set)
    {
        var cost = 0.0;
        for (var p = 1; p < _sizes; p++)
        {
            var free = _freeBySize[p];
            if (free == 0) continue;
            var lost = 0;
            foreach (var i in set.Indexes) lost += _usingTable[i * _sizes + p];
            cost += Math.Min(lost, free) / (double)free;
        }
        return cost;
    }
}
