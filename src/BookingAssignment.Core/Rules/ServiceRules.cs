namespace BookingAssignment.Core.Rules;

/// <summary>A service period in the restaurant's local time (e.g. dinner 17:00–23:00, last seating 21:30).</summary>
public sealed record Service(string Name, TimeOnly Start, TimeOnly End, TimeOnly LastSeating);

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
    }

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
        var local = TimeOnly.FromDateTime(ToLocal(start).DateTime);
        foreach (var s in Services)
        {
            if (local >= s.Start && local <= s.LastSeating) return new SeatingCheck(s, null);
        }
        foreach (var s in Services)
        {
            if (local > s.LastSeating && local < s.End)
                return new SeatingCheck(null, $"after last seating ({s.LastSeating:HH\\:mm}) for {s.Name}");
        }
        return new SeatingCheck(null, "outside service hours");
    }

    /// <summary>Local service date of an instant: the key the coordinator locks on.</summary>
    public DateOnly ServiceDate(DateTimeOffset start) => DateOnly.FromDateTime(ToLocal(start).DateTime);

    /// <summary>Every start time on the 15-minute grid inside the seating windows of a local date.</summary>
    public IEnumerable<DateTimeOffset> SeatingGrid(DateOnly date, int stepMinutes = 15)
    {
        foreach (var s in Services)
        {
            for (var t = s.Start; t <= s.LastSeating; t = t.AddMinutes(stepMinutes))
            {
                var local = date.ToDateTime(t);
                if (TimeZone.IsInvalidTime(local)) continue;
                yield return new DateTimeOffset(local, TimeZone.GetUtcOffset(local));
                if (t.AddMinutes(stepMinutes) < t) break; // wrapped past midnight
            }
        }
    }
}

public sealed record SeatingCheck(Service? Service, string? Problem)
{
    public bool Ok => Service is not null;
}
