namespace BookingAssignment.Core.Rules;

/// <summary>
/// A service period in the restaurant's local time (e.g. dinner 17:00–23:00, last seating 21:30).
/// An end at or before the start runs past midnight (18:00–01:00), and so may the last seating.
/// </summary>
public sealed record Service(string Name, TimeOnly Start, TimeOnly End, TimeOnly LastSeating)
{
    public bool CrossesMidnight => End <= Start;
}

/// <summary>
/// When a party may be seated and for how long: services, turn time by party size and the reset
/// buffer between bookings. Times are converted with the restaurant's IANA time zone.
/// </summary>
public sealed class ServiceRules
{
    private readonly KeyValuePair<int, int>[] _turns;

    public ServiceRules(TimeZoneInfo timeZone, IReadOnlyList<Service> services, IReadOnlyDictionary<int, int> turnMinutesByPartySize, int bufferMinutes)
    {
        TimeZone = timeZone;
        Services = services;
        BufferMinutes = bufferMinutes;
        _turns = turnMinutesByPartySize.OrderBy(kv => kv.Key).ToArray();
        if (_turns.Length == 0) throw new ArgumentException("At least one turn time is required.", nameof(turnMinutesByPartySize));
        DayStartMinutes = DayStartOf(services);
    }

    /// <summary>
    /// Minutes after local midnight at which a service day begins: the latest end of a service that
    /// runs past midnight, 0 when none does. A booking at 00:30 after a Friday dinner that ends at
    /// 01:00 belongs to Friday — its day sheet, its lock, its seating grid.
    /// </summary>
    public int DayStartMinutes { get; }

    public static int DayStartOf(IEnumerable<Service> services) =>
        services.Where(s => s.CrossesMidnight).Select(s => Minutes(s.End)).DefaultIfEmpty(0).Max();

    /// <summary>A service as minutes on its service day's clock (past midnight: beyond 1440): start, last seating, end.</summary>
    public static (int Start, int Last, int End) Span(Service s)
    {
        var start = Minutes(s.Start);
        var last = Minutes(s.LastSeating) < start ? Minutes(s.LastSeating) + 1440 : Minutes(s.LastSeating);
        var end = Minutes(s.End) <= start ? Minutes(s.End) + 1440 : Minutes(s.End);
        return (start, last, end);
    }

    private static int Minutes(TimeOnly t) => t.Hour * 60 + t.Minute;

    public TimeZoneInfo TimeZone { get; }
    public IReadOnlyList<Service> Services { get; }
    public int BufferMinutes { get; }

    /// <summary>The smallest key ≥ party size; parties larger than every key use the largest key.</summary>
    public int TurnMinutes(int partySize)
    {
        foreach (var (size, minutes) in _turns)
            if (size >= partySize) return minutes;
        return _turns[^1].Value;
    }

    /// <summary>The dining window shown to the guest (start to start + turn).</summary>
    public DateTimeOffset EndOf(DateTimeOffset start, int partySize) => start.AddMinutes(TurnMinutes(partySize));

    /// <summary>The window a table is held: turn time plus the reset buffer.</summary>
    public Planning.Slot HeldWindow(DateTimeOffset start, int partySize) =>
        new(start, start.AddMinutes(TurnMinutes(partySize) + BufferMinutes));

    public DateTimeOffset ToLocal(DateTimeOffset instant) => TimeZoneInfo.ConvertTime(instant, TimeZone);

    /// <summary>The service whose seating window contains the start, or why none does.</summary>
    public SeatingCheck CheckSeating(DateTimeOffset start)
    {
        var local = ToLocal(start).DateTime;
        var t = (int)(local - ServiceDate(start).ToDateTime(TimeOnly.MinValue)).TotalMinutes;
        foreach (var s in Services)
        {
            var (from, last, _) = Span(s);
            if (t >= from && t <= last) return new SeatingCheck(s, null);
        }
        foreach (var s in Services)
        {
            var (_, last, end) = Span(s);
            if (t > last && t < end) return new SeatingCheck(null, $"after last seating ({s.LastSeating:HH\\:mm}) for {s.Name}");
        }
        return new SeatingCheck(null, "outside service hours");
    }

    /// <summary>The service date of an instant (see <see cref="DayStartMinutes"/>): the key the coordinator locks on and the day sheet's date.</summary>
    public DateOnly ServiceDate(DateTimeOffset start) => DateOnly.FromDateTime(ToLocal(start).DateTime.AddMinutes(-DayStartMinutes));

    /// <summary>The instants a service date covers, [start, end): from its day start to the next one, 23 or 25 hours on daylight-saving days.</summary>
    public Planning.Slot ServiceDay(DateOnly date) =>
        new(LocalDay.StartOf(TimeZone, date, DayStartMinutes), LocalDay.StartOf(TimeZone, date.AddDays(1), DayStartMinutes));

    /// <summary>Every start time on the 15-minute grid inside the seating windows of a service date (past midnight included).</summary>
    public IEnumerable<DateTimeOffset> SeatingGrid(DateOnly date, int stepMinutes = 15)
    {
        var midnight = date.ToDateTime(TimeOnly.MinValue);
        foreach (var s in Services)
        {
            var (from, last, _) = Span(s);
            for (var m = from; m <= last; m += stepMinutes)
            {
                var local = midnight.AddMinutes(m);
                if (TimeZone.IsInvalidTime(local)) continue;
                yield return new DateTimeOffset(local, TimeZone.GetUtcOffset(local));
            }
        }
    }
}

public sealed record SeatingCheck(Service? Service, string? Problem)
{
    public bool Ok => Service is not null;
}
