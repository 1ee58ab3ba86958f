using BookingAssignment.Core.Planning;

namespace BookingAssignment.Core.Yield;

/// <summary>One request from a restaurant's own history, seated or refused: its party, its start (local time of day) and how long before that start it was made.</summary>
public readonly record struct PastRequest(int PartySize, TimeOnly Start, TimeSpan Lead);

/// <summary>Requests the forecast expects for one start and party size that have not arrived yet (<see cref="Count"/> may be fractional).</summary>
public readonly record struct ExpectedRequest(int PartySize, Slot During, double Count);

/// <summary>
/// What a restaurant's own history says is still to come for a service day: the mean number of
/// requests per day for each (start time, party size), times the share of the history's requests
/// made closer to their start than the time that is left now. Learnt from requests, not bookings, so
/// demand the restaurant turned away counts too.
/// </summary>
public sealed class DemandForecast
{
    private readonly (int Party, TimeOnly Start, double PerDay)[] _cells;
    private readonly double[] _leadMinutes; // ascending

    private DemandForecast((int, TimeOnly, double)[] cells, double[] leadMinutes) => (_cells, _leadMinutes) = (cells, leadMinutes);

    /// <param name="history">Every request of the last <paramref name="serviceDays"/> days.</param>
    public static DemandForecast Learn(IEnumerable<PastRequest> history, int serviceDays)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(serviceDays, 1);
        var all = history.ToArray();
        var cells = all.GroupBy(r => (r.PartySize, r.Start))
            .Select(g => (g.Key.PartySize, g.Key.Start, g.Count() / (double)serviceDays))
            .OrderBy(c => c.Start).ThenBy(c => c.PartySize).ToArray();
        var leads = all.Select(r => Math.Max(0, r.Lead.TotalMinutes)).Order().ToArray();
        return new DemandForecast(cells, leads);
    }

    /// <summary>Requests in the history (the forecast knows nothing without them).</summary>
    public int Observations => _leadMinutes.Length;

    /// <summary>The expected requests for the day whose starts <paramref name="startOn"/> places, still to arrive at <paramref name="now"/>.</summary>
    /// <param name="heldFor">How long a party of that size holds its tables (turn time plus buffer).</param>
    public IReadOnlyList<ExpectedRequest> StillToCome(DateTimeOffset now, Func<TimeOnly, DateTimeOffset> startOn, Func<int, TimeSpan> heldFor)
    {
        var result = new List<ExpectedRequest>(_cells.Length);
        foreach (var (party, start, perDay) in _cells)
        {
            var at = startOn(start);
            var share = ShareMadeWithin((at - now).TotalMinutes);
            if (share <= 0) continue;
            result.Add(new ExpectedRequest(party, new Slot(at, at + heldFor(party)), perDay * share));
        }
        return result;
    }

    /// <summary>The share of the history's requests made less than <paramref name="minutes"/> before their start.</summary>
    private double ShareMadeWithin(double minutes)
    {
        if (_leadMinutes.Length == 0 || minutes <= 0) return 0;
        var i = Array.BinarySearch(_leadMinutes, minutes);
        if (i < 0) i = ~i;
        else while (i > 0 && _leadMinutes[i - 1] == minutes) i--;
        return i / (double)_leadMinutes.Length;
    }
}
