using BookingAssignment.Core.Planning;

namespace BookingAssignment.Core.Tests.Planning;

public class ReassignmentTests
{
    // Two four-tops side by side; a two-top alone. A couple sits on one four-top, and a party of 8
    // needs both four-tops joined: the couple must move to the two-top.
    private static readonly Core.Floors.Floor Floor = PlanningFixtures.Floor(["A:1-4", "B:1-4", "C:1-2"], ["A-B"]);

    [Fact]
    public void MovesAMovableBookingToMakeRoomForALargeParty()
    {
        var occupied = new[] { Floor.Booked(0, "A", PlanningFixtures.Window(0, 90), 2, movable: true) };
        var request = new PlanRequest(8, PlanningFixtures.Window(30, 90));

        var plan = new TablePlanner(new TablePlannerOptions { MaxMoves = 2 }).Plan(Floor, occupied, request);

        Assert.NotNull(plan);
        Assert.Equal("reassigned", plan.Strategy);
        Assert.Equal("A+B", Floor.Labels(plan.TableIds));
        var move = Assert.Single(plan.Moves);
        Assert.Equal(PlanningFixtures.BookingId(0), move.BookingId);
        Assert.Equal("A", Floor.Labels(move.FromTableIds));
        Assert.Equal("C", Floor.Labels(move.ToTableIds));
        Assert.Null(ScheduleOracle.Violation(Floor, ScheduleOracle.Apply(occupied, request, plan, Guid.NewGuid())));
    }

    [Fact]
    public void NeverMovesABookingThatIsNotMovable()
    {
        var occupied = new[] { Floor.Booked(0, "A", PlanningFixtures.Window(0, 90), 2, movable: false) };
        var plan = new TablePlanner().Plan(Floor, occupied, new PlanRequest(8, PlanningFixtures.Window(30, 90)));
        Assert.Null(plan);
    }

    [Fact]
    public void DoesNotMoveAnyoneWhenMaxMovesIsZero()
    {
        var occupied = new[] { Floor.Booked(0, "A", PlanningFixtures.Window(0, 90), 2, movable: true) };
        var plan = new TablePlanner(new TablePlannerOptions { MaxMoves = 0 }).Plan(Floor, occupied, new PlanRequest(8, PlanningFixtures.Window(30, 90)));
        Assert.Null(plan);
    }

    [Fact]
    public void ReturnsNullWhenMovesCannotHelp()
    {
        // Every table is taken at that time by movable couples: moving them around frees nothing.
        var occupied = new[]
        {
            Floor.Booked(0, "A", PlanningFixtures.Window(0, 90), 2, movable: true),
            Floor.Booked(1, "B", PlanningFixtures.Window(0, 90), 2, movable: true),
            Floor.Booked(2, "C", PlanningFixtures.Window(0, 90), 2, movable: true),
        };
        var plan = new TablePlanner().Plan(Floor, occupied, new PlanRequest(2, PlanningFixtures.Window(30, 60)));
        Assert.Null(plan);
    }

    [Theory]
    [InlineData(1, false)]
    [InlineData(2, true)]
    [InlineData(3, true)]
    public void NeedsAsManyMovesAsTheChainIsLong(int maxMoves, bool seats)
    {
        // A party of 8 needs A+B. A's couple can only go to C, where a solo diner sits who can go to D.
        var floor = PlanningFixtures.Floor(["A:1-4", "B:1-4", "C:1-2", "D:1-1@patio"], ["A-B"]);
        var occupied = new[]
        {
            floor.Booked(0, "A", PlanningFixtures.Window(0, 90), 2, movable: true),
            floor.Booked(1, "C", PlanningFixtures.Window(0, 90), 1, movable: true),
        };
        var request = new PlanRequest(8, PlanningFixtures.Window(30, 90));

        var plan = new TablePlanner(new TablePlannerOptions { MaxMoves = maxMoves }).Plan(floor, occupied, request);

        Assert.Equal(seats, plan is not null);
        if (plan is null) return;
        Assert.Equal(2, plan.Moves.Count);
        Assert.Null(ScheduleOracle.Violation(floor, ScheduleOracle.Apply(occupied, request, plan, Guid.NewGuid())));
    }

    public static TheoryData<int> MoveLimits => new() { 0, 1, 2 };

    [Theory]
    [MemberData(nameof(MoveLimits))]
    public void OnRandomFloorsSeatsExactlyWhenTheOracleCanWithinTheMoveLimitAndAlwaysLeavesAValidSchedule(int maxMoves)
    {
        var planner = new TablePlanner(new TablePlannerOptions { MaxMoves = maxMoves, MoveSearchBudget = 1_000_000 });
        var seated = 0;
        for (var seed = 0; seed < 1500; seed++)
        {
            var i = RandomInstances.Make(seed);
            var plan = planner.Plan(i.Floor, i.Occupied, i.Request);
            var oracle = ScheduleOracle.CanSeat(i.Floor, i.Occupied, i.Request, maxMoves);
            Assert.True(oracle == (plan is not null), $"seed {seed}: oracle {oracle}, planner {(plan is null ? "null" : plan.Strategy)}");
            if (plan is null) continue;
            seated++;
            Assert.True(plan.Moves.Count <= maxMoves, $"seed {seed}: {plan.Moves.Count} moves");
            foreach (var move in plan.Moves)
            {
                var before = i.Occupied.Single(o => o.BookingId == move.BookingId);
                Assert.True(before.Movable, $"seed {seed}: moved an immovable booking");
                Assert.Equal(before.TableIds, move.FromTableIds);
                Assert.NotEqual(before.TableIds.Order(), move.ToTableIds.Order());
            }
            var violation = ScheduleOracle.Violation(i.Floor, ScheduleOracle.Apply(i.Occupied, i.Request, plan, Guid.NewGuid()));
            Assert.True(violation is null, $"seed {seed}: {violation}");
        }
        Assert.True(seated > 100, $"only {seated} seated: the generator no longer exercises the planner");
    }
}
