using BookingAssignment.Core.Planning;

namespace BookingAssignment.Core.Tests.Planning;

public class TablePlannerTests
{
    private static readonly TablePlanner Planner = new(new TablePlannerOptions { MaxMoves = 0 });

    public static TheoryData<string[], string[], int, string?> BestFitCases => new()
    {
        // tables, joins, party, expected tables (null: no plan)
        { ["A:1-2", "B:1-4", "C:3-6"], [], 2, "A" },
        { ["A:1-2", "B:1-4", "C:3-6"], [], 3, "B" },
        { ["A:1-2", "B:1-4", "C:3-6"], [], 5, "C" },
        { ["A:1-2", "B:1-4", "C:3-6"], [], 7, null },
        { ["A:1-4", "B:1-4", "C:1-4"], ["A-B", "B-C"], 8, "A+B" },
        { ["A:1-4", "B:1-4", "C:1-4"], ["A-B", "B-C"], 12, "A+B+C" },
        { ["A:1-4", "B:1-4"], [], 8, null },                // not adjacent
        { ["A:1-4", "B:1-4@patio"], ["A-B"], 8, null },      // adjacent but different zones
        { ["A:5-8", "B:1-4"], [], 4, "B" },                 // below the eight-top's minimum
        { ["A:5-8"], [], 4, null },
        { ["A:1-2", "B:1-2", "C:1-6"], ["A-B"], 4, "A+B" }, // two two-tops rather than the six
    };

    [Theory]
    [MemberData(nameof(BestFitCases))]
    public void ChoosesTheTightestTablesThatHoldTheParty(string[] tables, string[] joins, int party, string? expected)
    {
        var floor = PlanningFixtures.Floor(tables, joins);
        var plan = Planner.Plan(floor, [], new PlanRequest(party, PlanningFixtures.Window(120, 90)));
        Assert.Equal(expected, plan is null ? null : floor.Labels(plan.TableIds));
    }

    public static TheoryData<int, int, string?> OverlapCases => new()
    {
        // request start, minutes → expected table; A (the better fit) is held 120–210.
        { 0, 120, "A" },   // ends exactly when A's booking starts (half-open)
        { 210, 60, "A" },  // starts exactly when it ends
        { 60, 90, "B" },   // overlaps the start
        { 150, 30, "B" },  // inside
        { 200, 60, "B" },  // overlaps the end
    };

    [Theory]
    [MemberData(nameof(OverlapCases))]
    public void NeverUsesATableHeldDuringTheRequestedWindow(int start, int minutes, string? expected)
    {
        var floor = PlanningFixtures.Floor(["A:1-2", "B:1-4"], []);
        var occupied = new[] { floor.Booked(0, "A", PlanningFixtures.Window(120, 90), 2) };
        var plan = Planner.Plan(floor, occupied, new PlanRequest(2, PlanningFixtures.Window(start, minutes)));
        Assert.Equal(expected, plan is null ? null : floor.Labels(plan.TableIds));
    }

    [Fact]
    public void ReturnsNullWhenEveryFittingTableIsHeld()
    {
        var floor = PlanningFixtures.Floor(["A:1-2", "B:1-4"], []);
        var occupied = new[] { floor.Booked(0, "A", PlanningFixtures.Window(0, 90), 2), floor.Booked(1, "B", PlanningFixtures.Window(30, 90), 3) };
        Assert.Null(Planner.Plan(floor, occupied, new PlanRequest(2, PlanningFixtures.Window(60, 60))));
    }

    [Fact]
    public void KeepsTheOnlyJoinablePairFreeForALargerParty()
    {
        // Two identical four-tops for a couple: C+D is the only pair that can seat 5–8, A and B are loners.
        var floor = PlanningFixtures.Floor(["C:1-4", "D:1-4", "A:1-4", "B:1-4"], ["C-D"]);
        var plan = Planner.Plan(floor, [], new PlanRequest(4, PlanningFixtures.Window(0, 90)));
        Assert.NotNull(plan);
        Assert.DoesNotContain(floor.Labels(plan.TableIds), new[] { "C", "D" });
    }

    [Fact]
    public void KeepsTheLastLargeTableFreeWhenSmallerOnesAreNearlyAsGood()
    {
        // A party of 4: a six-top is the only table for 5–6, a pair of two-tops also seats four.
        var floor = PlanningFixtures.Floor(["S:1-6", "A:1-2", "B:1-2"], ["A-B"]);
        var plan = Planner.Plan(floor, [], new PlanRequest(4, PlanningFixtures.Window(0, 90)));
        Assert.NotNull(plan);
        Assert.Equal("A+B", floor.Labels(plan.TableIds));
    }

    public static TheoryData<string?, string> ZoneCases => new()
    {
        { null, "A" },
        { "patio", "P" },
        { "PATIO", "P" },
        { "main", "A" },
        { "roof", "A" },
    };

    [Theory]
    [MemberData(nameof(ZoneCases))]
    public void HonoursAZonePreferenceWhenATableThereFits(string? zone, string expected)
    {
        var floor = PlanningFixtures.Floor(["A:1-4", "P:1-4@patio"], []);
        var plan = Planner.Plan(floor, [], new PlanRequest(3, PlanningFixtures.Window(0, 90), zone));
        Assert.NotNull(plan);
        Assert.Equal(expected, floor.Labels(plan.TableIds));
    }

    [Fact]
    public void TreatsZonePreferenceAsSoftWhenNothingFitsThere()
    {
        var floor = PlanningFixtures.Floor(["A:1-4", "P:1-2@patio"], []);
        var plan = Planner.Plan(floor, [], new PlanRequest(3, PlanningFixtures.Window(0, 90), "patio"));
        Assert.NotNull(plan);
        Assert.Equal("A", floor.Labels(plan.TableIds));
    }

    [Fact]
    public void PrefersATableWhereTheBookingLeavesNoUnsellableGap()
    {
        // Both four-tops are free at 19:00; A has a booking ending 18:30 (30 idle minutes nobody can
        // use), B one ending exactly at 19:00.
        var floor = PlanningFixtures.Floor(["A:1-4", "B:1-4"], []);
        var occupied = new[]
        {
            floor.Booked(0, "A", PlanningFixtures.Window(30, 60), 4),
            floor.Booked(1, "B", PlanningFixtures.Window(60, 60), 4),
        };
        var plan = Planner.Plan(floor, occupied, new PlanRequest(4, PlanningFixtures.Window(120, 60)));
        Assert.NotNull(plan);
        Assert.Equal("B", floor.Labels(plan.TableIds));
    }

    [Fact]
    public void LabelsThePlanWithItsStrategyAndScore()
    {
        var floor = PlanningFixtures.Floor(["A:1-4", "B:1-4"], ["A-B"]);
        var single = Planner.Plan(floor, [], new PlanRequest(4, PlanningFixtures.Window(0, 60)));
        var joined = Planner.Plan(floor, [], new PlanRequest(6, PlanningFixtures.Window(0, 60)));
        Assert.Equal("single", single?.Strategy);
        Assert.Equal("joined", joined?.Strategy);
        Assert.True(joined!.Score > single!.Score, "two spare seats and a join must cost more than none");
        Assert.Empty(joined.Moves);
    }

    [Fact]
    public void GivesTheSamePlanForTheSameInputWhateverTheOrderOfOccupancies()
    {
        for (var seed = 0; seed < 200; seed++)
        {
            var i = RandomInstances.Make(seed);
            var planner = new TablePlanner();
            var first = planner.Plan(i.Floor, i.Occupied, i.Request);
            var again = new TablePlanner().Plan(i.Floor, i.Occupied.AsEnumerable().Reverse().ToList(), i.Request);
            Assert.Equal(first?.TableIds, again?.TableIds);
            Assert.Equal(first?.Score, again?.Score);
            Assert.Equal(first?.Moves.Select(m => (m.BookingId, string.Join(",", m.ToTableIds))), again?.Moves.Select(m => (m.BookingId, string.Join(",", m.ToTableIds))));
        }
    }

    [Fact]
    public void NeverBreaksAHardRuleOnRandomFloors()
    {
        var planner = new TablePlanner();
        for (var seed = 0; seed < 2000; seed++)
        {
            var i = RandomInstances.Make(seed);
            var plan = planner.Plan(i.Floor, i.Occupied, i.Request);
            if (plan is null) continue;
            var violation = ScheduleOracle.Violation(i.Floor, ScheduleOracle.Apply(i.Occupied, i.Request, plan, Guid.NewGuid()));
            Assert.True(violation is null, $"seed {seed}: {violation}");
        }
    }
}
