using BookingAssignment.Core.Rules;

namespace BookingAssignment.Core.Tests.Rules;

public class ServiceRulesTests
{
    private static readonly TimeZoneInfo London = TimeZoneInfo.FindSystemTimeZoneById("Europe/London");

    /// <summary>Lunch 12:00–15:00 and a late dinner 18:00–02:00 with last seating 00:30.</summary>
    private static ServiceRules LateNight() => new(London,
        [new Service("lunch", new(12, 0), new(15, 0), new(14, 0)), new Service("late", new(18, 0), new(2, 0), new(0, 30))],
        new Dictionary<int, int> { [2] = 90 }, bufferMinutes: 15);

    private static DateTimeOffset Local(int y, int mo, int d, int h, int mi)
    {
        var wall = new DateTime(y, mo, d, h, mi, 0);
        return new DateTimeOffset(wall, London.GetUtcOffset(wall));
    }

    [Fact]
    public void ABookingAfterMidnightBelongsToTheServiceThatStartedTheEveningBefore()
    {
        var rules = LateNight();
        Assert.Equal(120, rules.DayStartMinutes);
        var friday = new DateOnly(2027, 1, 15);
        Assert.True(rules.CheckSeating(Local(2027, 1, 15, 23, 30)).Ok);
        Assert.True(rules.CheckSeating(Local(2027, 1, 16, 0, 30)).Ok);
        Assert.Contains("after last seating", rules.CheckSeating(Local(2027, 1, 16, 1, 0)).Problem);
        Assert.Equal("outside service hours", rules.CheckSeating(Local(2027, 1, 16, 3, 0)).Problem);
        Assert.Equal(friday, rules.ServiceDate(Local(2027, 1, 16, 0, 30)));
        Assert.Equal(friday, rules.ServiceDate(Local(2027, 1, 15, 12, 0)));
        Assert.Equal(friday.AddDays(1), rules.ServiceDate(Local(2027, 1, 16, 12, 0)));

        var grid = rules.SeatingGrid(friday).ToArray();
        Assert.Contains(Local(2027, 1, 16, 0, 30), grid);
        Assert.Contains(Local(2027, 1, 15, 12, 0), grid);
        Assert.DoesNotContain(Local(2027, 1, 16, 0, 45), grid);
        Assert.All(grid, t => Assert.Equal(friday, rules.ServiceDate(t)));
        Assert.All(grid, t => Assert.True(rules.CheckSeating(t).Ok));
    }

    [Theory]
    [InlineData(2027, 3, 28, 23)]  // clocks go forward at 01:00 GMT
    [InlineData(2027, 10, 31, 25)] // clocks go back at 02:00 BST
    [InlineData(2027, 1, 15, 24)]
    public void AServiceDayIsAsLongAsTheClocksMakeIt(int y, int m, int d, int hours)
    {
        // A day that starts at midnight takes the change on the date itself; one that starts at 02:00
        // (after the late service) took it the night before, between 01:00 and 02:00.
        var dinner = new ServiceRules(London, [new Service("dinner", new(17, 0), new(23, 0), new(21, 30))], new Dictionary<int, int> { [2] = 90 }, 15);
        foreach (var (rules, date) in new[] { (dinner, new DateOnly(y, m, d)), (LateNight(), new DateOnly(y, m, d).AddDays(-1)) })
        {
            var day = rules.ServiceDay(date);
            Assert.Equal(hours, (day.End - day.Start).TotalHours);
            Assert.Equal(date, rules.ServiceDate(day.Start));
            Assert.Equal(date, rules.ServiceDate(day.End.AddMinutes(-1)));
            Assert.Equal(date.AddDays(1), rules.ServiceDate(day.End));
            Assert.All(rules.SeatingGrid(date), t => Assert.True(t >= day.Start && t < day.End));
        }
    }
}
