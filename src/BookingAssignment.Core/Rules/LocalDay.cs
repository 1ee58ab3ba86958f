namespace BookingAssignment.Core.Rules;

/// <summary>
/// The instants of one local calendar date in a time zone: from local midnight to the next local
/// midnight, so a daylight-saving day is 23 or 25 hours long. An instant is inside exactly when
/// its local date (<see cref="ServiceRules.ServiceDate"/>) is that date.
/// </summary>
public static class LocalDay
{
    /// <returns>[Start, End): the first instant of <paramref name="date"/> and the first of the next date.</returns>
    public static (DateTimeOffset Start, DateTimeOffset End) Range(TimeZoneInfo zone, DateOnly date) =>
        (StartOf(zone, date), StartOf(zone, date.AddDays(1)));

    /// <summary>The first instant whose local date is <paramref name="date"/> (or, with <paramref name="minutesAfterMidnight"/>, that wall time on it).</summary>
    public static DateTimeOffset StartOf(TimeZoneInfo zone, DateOnly date, int minutesAfterMidnight = 0)
    {
        var local = date.ToDateTime(TimeOnly.MinValue).AddMinutes(minutesAfterMidnight);
        // Where a zone springs forward at midnight, the day starts at the first wall time that exists.
        while (zone.IsInvalidTime(local)) local = local.AddMinutes(1);
        // Where midnight happens twice, the first occurrence (the larger offset) starts the day.
        var offset = zone.IsAmbiguousTime(local) ? zone.GetAmbiguousTimeOffsets(local).Max() : zone.GetUtcOffset(local);
        return new DateTimeOffset(local, offset).ToUniversalTime();
    }
}
