using BookingAssignment.Core.Floors;

namespace BookingAssignment.Core.Planning;

/// <summary>
/// Bounded reassignment (issue 4): when the new party fits nowhere as the floor stands, move up to
/// <see cref="TablePlannerOptions.MaxMoves"/> movable bookings to other tables (same time, same
/// party) so that it does. Iterative deepening on the number of moves, so a one-move plan always
/// beats a two-move plan; within one depth, the new party's sets are tried in static-score order and
/// a displaced booking tries free sets before displacing someone else. The search counts the sets
/// it examines and gives up at <see cref="TablePlannerOptions.MoveSearchBudget"/>. Every result is
/// re-validated against the whole evening before it is returned.
/// </summary>
internal sealed class ReassignmentSearch
{
    private readonly FloorProfile _profile;
    private readonly IReadOnlyList<Occupancy> _occupied;
    private readonly PlanRequest _request;
    private readonly TablePlannerOptions _options;

    // Bookings 0..n-1 are the occupancies; booking n is the new party.
    private readonly int _n;
    private readonly long[] _start;
    private readonly long[] _end;
    private readonly int[] _party;
    private readonly bool[] _movable;
    private readonly int[][] _original;
    private readonly int[][] _current;
    private readonly bool[] _moved;
    private readonly List<int>[] _byTable;
    private int _budget;

    public ReassignmentSearch(FloorProfile profile, IReadOnlyList<Occupancy> occupied, PlanRequest request, TablePlannerOptions options)
    {
        _profile = profile;
        // A canonical order, so the plan does not depend on the order the caller listed bookings in.
        occupied = occupied.OrderBy(o => o.During.Start.UtcTicks).ThenBy(o => o.BookingId).ToArray();
        _occupied = occupied;
        _request = request;
        _options = options;
        _n = occupied.Count;
        _start = new long[_n + 1];
        _end = new long[_n + 1];
        _party = new int[_n + 1];
        _movable = new bool[_n + 1];
        _original = new int[_n + 1][];
        _current = new int[_n + 1][];
        _moved = new bool[_n + 1];
        _byTable = new List<int>[profile.TableCount];
        for (var t = 0; t < _byTable.Length; t++) _byTable[t] = [];
        var floor = profile.Floor;
        for (var b = 0; b < _n; b++)
        {
            var o = occupied[b];
            _start[b] = o.During.Start.UtcTicks;
            _end[b] = o.During.End.UtcTicks;
            _party[b] = o.PartySize;
            var tables = new List<int>(o.TableIds.Count);
            foreach (var id in o.TableIds)
            {
                var i = floor.IndexOf(id);
                if (i >= 0) tables.Add(i);
            }
            _original[b] = _current[b] = tables.ToArray();
            // A booking on tables this floor does not know cannot be re-placed safely: keep it where it is.
            _movable[b] = o.Movable && tables.Count == o.TableIds.Count && tables.Count > 0;
            foreach (var t in _current[b]) _byTable[t].Add(b);
        }
        _start[_n] = request.During.Start.UtcTicks;
        _end[_n] = request.During.End.UtcTicks;
        _party[_n] = request.PartySize;
        _original[_n] = _current[_n] = [];
        _budget = options.MoveSearchBudget;
    }

    public TablePlan? Find()
    {
        if (!PassesRelaxation()) return null;
        var order = _profile.Fitting(_request.PartySize)
            .Select(c => (c, score: TablePlanner.StaticScore(_profile.Candidates[c], _request, _options)))
            .OrderBy(x => x.score) // stable: ties keep the static order
            .Select(x => x.c)
            .ToArray();
        for (var depth = 1; depth <= _options.MaxMoves; depth++)
        {
            foreach (var c in order)
            {
                if (_budget <= 0) return null;
                var set = _profile.Candidates[c];
                var checkpoint = _journal.Count;
                if (TryPlaceDisplacing(_n, set.Indexes, depth, out var used))
                {
                    var plan = Build(set, used);
                    if (plan is not null) return plan;
                    Rollback(checkpoint);
                }
            }
        }
        return null;
    }

    /// <summary>
    /// Necessary conditions, cheap: some fitting set avoids tables held by immovable bookings, and
    /// at the window's change points there are enough tables and seats for everyone present.
    /// </summary>
    private bool PassesRelaxation()
    {
        var pinned = new bool[_profile.TableCount];
        var totalSeats = 0;
        foreach (var t in _profile.Floor.Tables) totalSeats += t.MaxCovers;
        for (var b = 0; b < _n; b++)
            if (!_movable[b] && Overlaps(b, _n))
                foreach (var t in _current[b]) pinned[t] = true;
        var placeable = false;
        foreach (var c in _profile.Fitting(_request.PartySize))
        {
            var ok = true;
            foreach (var t in _profile.Candidates[c].Indexes)
                if (pinned[t]) { ok = false; break; }
            if (ok) { placeable = true; break; }
        }
        if (!placeable) return false;

        for (var p = 0; p < _n + 1; p++)
        {
            if (p < _n && !(Overlaps(p, _n) && _start[p] > _start[_n])) continue;
            var instant = _start[p];
            var tables = 1;
            var seats = _request.PartySize;
            for (var b = 0; b < _n; b++)
            {
                if (_start[b] > instant || instant >= _end[b]) continue;
                tables++;
                seats += _movable[b] ? _party[b] : HeldSeats(b);
            }
            if (tables > _profile.TableCount || seats > totalSeats) return false;
        }
        return true;
    }

    private int HeldSeats(int b)
    {
        var seats = 0;
        foreach (var t in _current[b]) seats += _profile.Floor.Tables[t].MaxCovers;
        return Math.Max(seats, _party[b]);
    }

    private bool Overlaps(int a, int b) => _start[a] < _end[b] && _start[b] < _end[a];

    /// <summary>Bookings other than <paramref name="self"/> holding any of the tables while <paramref name="self"/> needs them.</summary>
    private List<int> Conflicts(int self, int[] tables)
    {
        var result = new List<int>(2);
        foreach (var t in tables)
            foreach (var b in _byTable[t])
                if (b != self && Overlaps(b, self) && !result.Contains(b)) result.Add(b);
        return result;
    }

    /// <summary>
    /// Puts <paramref name="item"/> on <paramref name="tables"/>, displacing whoever holds them, then
    /// re-places every displaced booking within the remaining move allowance. On failure every change
    /// is rolled back and false returned.
    /// </summary>
    private bool TryPlaceDisplacing(int item, int[] tables, int allowance, out int used)
    {
        used = 0;
        _budget--;
        var displaced = Conflicts(item, tables);
        if (displaced.Count == 0 || displaced.Count > allowance) return false;
        foreach (var b in displaced)
            if (!_movable[b] || _moved[b]) return false;

        var checkpoint = _journal.Count;
        foreach (var b in displaced) Unassign(b);
        Assign(item, tables);
        foreach (var b in displaced) MarkMoved(b);
        if (PlaceAll(displaced, 0, allowance - displaced.Count, out var extra))
        {
            used = displaced.Count + extra;
            return true;
        }
        Rollback(checkpoint);
        return false;
    }

    /// <summary>Places pending[index..] on free sets, or by displacing others within the allowance; rolls back on failure.</summary>
    private bool PlaceAll(List<int> pending, int index, int allowance, out int extraMoves)
    {
        extraMoves = 0;
        if (index == pending.Count) return true;
        var b = pending[index];
        var fitting = _profile.Fitting(_party[b]);

        // First pass: a set free as things stand.
        foreach (var c in fitting)
        {
            if (--_budget < 0) return false;
            var tables = _profile.Candidates[c].Indexes;
            if (Conflicts(b, tables).Count != 0) continue;
            var checkpoint = _journal.Count;
            Assign(b, tables);
            if (PlaceAll(pending, index + 1, allowance, out extraMoves)) return true;
            Rollback(checkpoint);
        }
        if (allowance == 0) return false;

        // Second pass: displace someone else in turn (a chain), within the allowance.
        foreach (var c in fitting)
        {
            if (_budget < 0) return false;
            var checkpoint = _journal.Count;
            if (!TryPlaceDisplacing(b, _profile.Candidates[c].Indexes, allowance, out var used)) continue;
            if (PlaceAll(pending, index + 1, allowance - used, out extraMoves))
            {
                extraMoves += used;
                return true;
            }
            Rollback(checkpoint);
        }
        return false;
    }

    // The journal records every change so any failed branch can be undone exactly.
    private enum Change { Assigned, Unassigned, Moved }

    private readonly List<(Change Kind, int Booking, int[] Tables)> _journal = [];

    private void Assign(int b, int[] tables)
    {
        _current[b] = tables;
        foreach (var t in tables) _byTable[t].Add(b);
        _journal.Add((Change.Assigned, b, tables));
    }

    private void Unassign(int b)
    {
        var tables = _current[b];
        foreach (var t in tables) _byTable[t].Remove(b);
        _current[b] = [];
        _journal.Add((Change.Unassigned, b, tables));
    }

    private void MarkMoved(int b)
    {
        _moved[b] = true;
        _journal.Add((Change.Moved, b, []));
    }

    private void Rollback(int checkpoint)
    {
        for (var k = _journal.Count - 1; k >= checkpoint; k--)
        {
            var (kind, b, tables) = _journal[k];
            switch (kind)
            {
                case Change.Assigned:
                    foreach (var t in tables) _byTable[t].Remove(b);
                    _current[b] = [];
                    break;
                case Change.Unassigned:
                    _current[b] = tables;
                    foreach (var t in tables) _byTable[t].Add(b);
                    break;
                case Change.Moved:
                    _moved[b] = false;
                    break;
            }
        }
        _journal.RemoveRange(checkpoint, _journal.Count - checkpoint);
    }

    private TablePlan? Build(TableSet set, int moves)
    {
        var floor = _profile.Floor;
        var changed = new List<int>();
        for (var b = 0; b < _n; b++)
            if (_moved[b]) changed.Add(b);
        changed.Add(_n);
        if (changed.Count - 1 > _options.MaxMoves || changed.Count - 1 != moves) return null;

        // Independent re-check of everything that changed against the whole evening.
        foreach (var b in changed)
        {
            var tables = _current[b];
            if (tables.Length == 0 || !floor.IsAllowedSet(tables)) return null;
            var seats = 0;
            var min = 0;
            foreach (var t in tables)
            {
                seats += floor.Tables[t].MaxCovers;
                min = Math.Max(min, floor.Tables[t].MinCovers);
            }
            if (tables.Length > 1) min = Math.Min(min, seats);
            if (_party[b] > seats || _party[b] < min) return null;
            if (b < _n && !_movable[b]) return null;
            for (var other = 0; other <= _n; other++)
            {
                if (other == b || !Overlaps(b, other)) continue;
                foreach (var t in _current[other])
                    if (Array.IndexOf(tables, t) >= 0) return null;
            }
        }

        var movesOut = new List<Move>(changed.Count - 1);
        foreach (var b in changed)
        {
            if (b == _n) continue;
            movesOut.Add(new Move(
                _occupied[b].BookingId,
                _occupied[b].TableIds.ToArray(),
                _current[b].Select(t => floor.Tables[t].Id).ToArray()));
        }
        var score = TablePlanner.StaticScore(set, _request, _options) + _options.MoveWeight * movesOut.Count;
        return new TablePlan(_current[_n].Select(t => floor.Tables[t].Id).ToArray(), "reassigned", Math.Round(score, 4), movesOut);
    }
}
