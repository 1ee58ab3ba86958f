using BookingAssignment.Core.Planning;
using BookingAssignment.Core.Tests.Planning;
using BookingAssignment.Core.Yield;
using static BookingAssignment.Core.Tests.Planning.PlanningFixtures;

namespace BookingAssignment.Core.Tests.Yield;

/// <summary>
/// The opt-in yield rule: a seatable party is turned away only when the tables it would take are
/// expected to seat more guests, and never when it fills them or when nothing more is expected.
/// </summary>
public class YieldRuleTests
{
    // Two four-tops and one two-top; every party holds its tables for 60 minutes.
    private static readonly Core.Floors.Floor Floor = PlanningFixtures.Floor(["A:1-4", "B:1-4", "C:1-2"], []);
    private static Slot At(int minute) => Window(minute, 60);

    private static ExpectedRequest[] Expected(int party, int minute, double count) => [new(party, At(minute), count)];

    private static YieldJudgement Judge(int party, string tables, IReadOnlyList<ExpectedRequest> upcoming, params Occupancy[] occupied) =>
        YieldRule.Judge(Floor, occupied, new PlanRequest(party, At(120)), tables.Split('+').Select(Floor.Id).ToArray(), upcoming);

    [Fact]
    public void ACoupleOnTheLastFreeFourTopIsTurnedAwayWhenFoursAreStillExpected()
    {
        var busy = Floor.Booked(0, "A", At(120), 4);
        var judgement = Judge(2, "B", Expected(4, 120, 3), busy);
        Assert.False(judgement.Accept);
        Assert.True(judgement.Price > 2, $"price {judgement.Price}");
    }

    [Fact]
    public void ACoupleStartingBetweenTheExpectedStartsStillMeetsTheFoursItWouldDisplace()
    {
        // Fours expected at 19:00 (to 20:00); the couple asks for 19:15 on the last free four-top.
        var busy = Floor.Booked(0, "A", At(120), 4);
        var judgement = YieldRule.Judge(Floor, [busy], new PlanRequest(2, Window(135, 60)), [Floor.Id("B")], Expected(4, 120, 3));
        Assert.False(judgement.Accept);
        Assert.Equal(4, judgement.Price, 6);
    }

    [Fact]
    public void TheSameCoupleIsSeatedWhenFewerFoursAreExpectedThanFourTopsAreFree()
    {
        // Two four-tops free and one four expected: one of them is spare, so it prices at nothing.
        var judgement = Judge(2, "B", Expected(4, 120, 1));
        Assert.True(judgement.Accept, $"price {judgement.Price}");
    }

    [Fact]
    public void APartyThatFillsItsTablesIsNeverTurnedAway()
    {
        var busy = Floor.Booked(0, "A", At(120), 4);
        Assert.True(Judge(4, "B", Expected(4, 120, 10), busy).Accept);
        Assert.True(Judge(2, "C", Expected(2, 120, 10), busy).Accept);
    }

    [Fact]
    public void NothingExpectedMeansNothingIsProtected()
    {
        var busy = Floor.Booked(0, "A", At(120), 4);
        Assert.Equal(new YieldJudgement(true, 0), Judge(1, "B", [], busy));
        // Fours expected only after the couple's table is free again cost it nothing.
        Assert.True(Judge(2, "B", Expected(4, 180, 5), busy).Accept);
    }

    [Fact]
    public void AThreeIsWorthMoreThanACoupleOnTheSameTable()
    {
        // Threes expected: a couple gives way to them, a four is worth more than a three.
        var busy = Floor.Booked(0, "A", At(120), 4);
        Assert.False(Judge(2, "B", Expected(3, 120, 2), busy).Accept);
        Assert.True(Judge(3, "B", Expected(3, 120, 2), busy).Accept);
    }

    [Fact]
    public void TheForecastCountsOnlyTheRequestsStillToArrive()
    {
        var start = new TimeOnly(19, 0);
        // Over 4 days: 8 fours for 19:00, half made a day or more ahead, half within the last hour.
        var history = Enumerable.Range(0, 8).Select(i => new PastRequest(4, start, i % 2 == 0 ? TimeSpan.FromDays(2) : TimeSpan.FromMinutes(30))).ToList();
        var forecast = DemandForecast.Learn(history, serviceDays: 4);
        var at = Open.AddHours(2); // 19:00 on the fixtures' day
        DateTimeOffset On(TimeOnly t) => Open.Date + t.ToTimeSpan() is var local ? new DateTimeOffset(local, TimeSpan.Zero) : default;
        TimeSpan Held(int party) => TimeSpan.FromMinutes(60);

        Assert.Equal(2.0, forecast.StillToCome(at.AddDays(-7), On, Held).Single().Count, 6); // a week before: all of it
        Assert.Equal(1.0, forecast.StillToCome(at.AddHours(-5), On, Held).Single().Count, 6); // five hours before: the late half
        Assert.Empty(forecast.StillToCome(at, On, Held)); // at the start: nothing more is coming
        Assert.Equal(8, forecast.Observations);
    }
}
