using BookingAssignment.Core.Rules;

namespace BookingAssignment.Core.Tests.Rules;

public sealed class LocalDayTests
{
    [Theory]
    [InlineData("Europe/Paris", "2026-03-29", 23)]
    [InlineData("Europe/Paris", "2026-10-25", 25)]
    [InlineData("Europe/Paris", "2026-07-01", 24)]
    [InlineData("Europe/London", "2026-03-29", 23)]
    public void ADaylightSavingDayIsShorterOrLonger(string zone, string date, int hours)
    {
        var (start, end) = LocalDay.Range(TimeZoneInfo.FindSystemTimeZoneById(zone), DateOnly.Parse(date, System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal(TimeSpan.FromHours(hours), end - start);
    }

    /// <summary>Zones that change at midnight too (Santiago springs forward at 00:00, Havana repeats 00:00–01:00).</summary>
    [Theory]
    [InlineData("Europe/Paris")]
    [InlineData("America/Santiago")]
    [InlineData("America/Havana")]
    [InlineData("Australia/Lord_Howe")]
    public void EveryDayStartsAtItsFirstInstantAndTheMinuteBeforeIsTheDayBefore(string zoneId)
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById(zoneId);
        for (var date = new DateOnly(2026, 1, 1); date.Year == 2026; date = date.AddDays(1))
        {
            var start = LocalDay.StartOf(zone, date);
            Assert.Equal(date, DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(start, zone).DateTime));
            Assert.Equal(date.AddDays(-1), DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(start.AddMinutes(-1), zone).DateTime));
        }
    }
}
