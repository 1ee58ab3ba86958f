namespace BookingAssignment.Simulator;

/// <summary>
/// Checks a night's schedule from first principles, using only the simulator's own description of
/// the floor (not Core's candidate sets): every seated request is on known tables, at most the
/// floor's table limit, joined tables connected by listed joins inside one zone, the party within
/// the capacity range, start on the grid inside the seating window and the table cleared by closing,
/// and no table held by two requests at once (held window = turn + buffer, half-open).
/// </summary>
public static class ScheduleValidator
{
    public static List<string> Validate(FloorPlan plan, IReadOnlyList<Request> requests, Schedule schedule)
    {
        var problems = new List<string>();
        var tables = plan.Tables.ToDictionary(t => t.Id);
        var joins = new HashSet<(Guid, Guid)>();
        foreach (var (a, b) in plan.Joins) { joins.Add((a, b)); joins.Add((b, a)); }
        var byId = requests.ToDictionary(r => r.Id);
        var holds = new Dictionary<Guid, List<(int Start, int End, int Id)>>();

        foreach (var (id, ids) in schedule.Tables)
        {
            if (!byId.TryGetValue(id, out var r)) { problems.Add($"unknown request {id}"); continue; }
            if (ids.Length == 0 || ids.Length > plan.MaxTablesPerBooking) { problems.Add($"request {id}: {ids.Length} tables"); continue; }
            if (ids.Distinct().Count() != ids.Length) { problems.Add($"request {id}: a table listed twice"); continue; }
            if (ids.Any(t => !tables.ContainsKey(t))) { problems.Add($"request {id}: unknown table"); continue; }
            var set = ids.Select(t => tables[t]).ToArray();
            if (set.Select(t => t.Zone).Distinct().Count() != 1) problems.Add($"request {id}: tables in more than one zone");
            if (!Connected(ids, joins)) problems.Add($"request {id}: tables not joined");
            var max = set.Sum(t => t.MaxCovers);
            var min = set.Length == 1 ? set[0].MinCovers : Math.Min(set.Max(t => t.MinCovers), max);
            if (r.Party > max || r.Party < min) problems.Add($"request {id}: party {r.Party} outside {min}-{max}");
            if (r.StartMinute < Demand.OpenMinute || r.StartMinute > Demand.LastSeatingMinute || r.StartMinute % Demand.GridMinutes != 0)
                problems.Add($"request {id}: start {r.StartMinute} outside the seating window");
            if (r.StartMinute + Demand.TurnMinutes(r.Party) + Demand.BufferMinutes > Demand.CloseMinute)
                problems.Add($"request {id}: not cleared by closing");
            if (r.HeldMinutes != Demand.TurnMinutes(r.Party) + Demand.BufferMinutes)
                problems.Add($"request {id}: held {r.HeldMinutes} min, expected turn + buffer");
            foreach (var t in ids)
            {
                if (!holds.TryGetValue(t, out var list)) holds[t] = list = [];
                list.Add((r.StartMinute, r.StartMinute + Demand.TurnMinutes(r.Party) + Demand.BufferMinutes, id));
            }
        }
        foreach (var (table, list) in holds)
        {
            list.Sort();
            for (var i = 1; i < list.Count; i++)
                if (list[i].Start < list[i - 1].End)
                    problems.Add($"table {tables[table].Label}: requests {list[i - 1].Id} and {list[i].Id} overlap");
        }
        return problems;
    }

    private static bool Connected(Guid[] ids, HashSet<(Guid, Guid)> joins)
    {
        var seen = new HashSet<Guid> { ids[0] };
        var frontier = new Queue<Guid>(seen);
        while (frontier.Count > 0)
        {
            var t = frontier.Dequeue();
            foreach (var other in ids)
                if (!seen.Contains(other) && joins.Contains((t, other))) { seen.Add(other); frontier.Enqueue(other); }
        }
        return seen.Count == ids.Length;
    }
}
