using BookingAssignment.Core.Floors;
using BookingAssignment.Core.Planning;
using static BookingAssignment.Core.Tests.Planning.PlanningFixtures;

namespace BookingAssignment.Core.Tests.Planning;

/// <summary>
/// Remembered decisions: the same floor, schedule content and request are decided once; anything that
/// changes the content (a booking, a window, a table, movability) is decided afresh; out of budget is
/// remembered only when asked; and on real instances the remembered answer is the exact planner's.
/// </summary>
public class RememberedDecisionsTests
{
    private sealed class CountingSolver(Func<ArrangementDecision> answer) : IArrangementSolver
    {
        public int Calls;
        public ArrangementDecision Decide(Floor floor, IReadOnlyList<Occupancy> occupied, PlanRequest request)
        {
            Interlocked.Increment(ref Calls);
            return answer();
        }
    }

    private static readonly Floor TwoTables = Floor(["A:1-2", "B:1-4"], []);

    private static List<Occupancy> Evening() =>
    [
        TwoTables.Booked(0, "A", Window(0, 90), 2, movable: true),
        TwoTables.Booked(1, "B", Window(30, 90), 4),
    ];

    [Fact]
    public void TheSameContentInAnyOrderIsDecidedOnce()
    {
        var solver = new CountingSolver(() => new ArrangementDecision.Infeasible("no_arrangement"));
        var remembered = new RememberedDecisions(solver, rememberBudgetExhausted: false);
        var request = new PlanRequest(2, Window(15, 90));
        var evening = Evening();
        Assert.IsType<ArrangementDecision.Infeasible>(remembered.Decide(TwoTables, evening, request));
        Assert.IsType<ArrangementDecision.Infeasible>(remembered.Decide(TwoTables, [.. evening.AsEnumerable().Reverse()], request));
        Assert.IsType<ArrangementDecision.Infeasible>(remembered.Decide(TwoTables, [.. evening.Select(o => o with { })], request with { }));
        Assert.Equal(1, solver.Calls);
    }

    [Fact]
    public void AnyChangeToTheScheduleOrTheRequestIsDecidedAgain()
    {
        var solver = new CountingSolver(() => new ArrangementDecision.Infeasible("no_arrangement"));
        var remembered = new RememberedDecisions(solver, rememberBudgetExhausted: false);
        var request = new PlanRequest(2, Window(15, 90));
        var evening = Evening();
        remembered.Decide(TwoTables, evening, request);
        List<Occupancy>[] changed =
        [
            [.. evening, TwoTables.Booked(2, "A", Window(200, 60), 1)],                 // a booking more
            [evening[0]],                                                               // a booking fewer
            [evening[0] with { During = Window(5, 90) }, evening[1]],                   // a window moved
            [evening[0] with { TableIds = [TwoTables.Id("B")] }, evening[1]],           // other tables
            [evening[0] with { Movable = false }, evening[1]],                          // no longer movable
            [evening[0] with { PartySize = 1 }, evening[1]],                            // another party size
        ];
        foreach (var schedule in changed) remembered.Decide(TwoTables, schedule, request);
        remembered.Decide(TwoTables, evening, request with { PartySize = 1 });
        remembered.Decide(TwoTables, evening, request with { During = Window(30, 90) });
        remembered.Decide(TwoTables, evening, request with { ZonePreference = "terrace" });
        remembered.Decide(Floor(["A:1-2", "B:1-4"], []), evening, request); // another floor (a floor change)
        Assert.Equal(1 + changed.Length + 4, solver.Calls);
    }

    [Theory]
    [InlineData(false, 3)]
    [InlineData(true, 1)]
    public void OutOfBudgetIsRememberedOnlyWhenAsked(bool rememberBudgetExhausted, int calls)
    {
        var solver = new CountingSolver(() => new ArrangementDecision.BudgetExhausted());
        var remembered = new RememberedDecisions(solver, rememberBudgetExhausted);
        var request = new PlanRequest(2, Window(15, 90));
        for (var i = 0; i < 3; i++) Assert.IsType<ArrangementDecision.BudgetExhausted>(remembered.Decide(TwoTables, Evening(), request));
        Assert.Equal(calls, solver.Calls);
    }

    [Fact]
    public void AFullMemoryStartsOverAndStillAnswers()
    {
        var solver = new CountingSolver(() => new ArrangementDecision.Infeasible("no_arrangement"));
        var remembered = new RememberedDecisions(solver, rememberBudgetExhausted: false, capacityPerFloor: 2);
        for (var party = 1; party <= 4; party++) remembered.Decide(TwoTables, Evening(), new PlanRequest(party, Window(15, 90)));
        remembered.Decide(TwoTables, Evening(), new PlanRequest(4, Window(15, 90))); // kept after the restart
        Assert.Equal(4, solver.Calls);
    }

    [Fact]
    public void OnRandomInstancesTheRememberedAnswerIsTheExactPlanners()
    {
        var exact = new ExactPlanner(new ExactPlannerOptions { Budget = TimeSpan.FromSeconds(1) });
        var remembered = new RememberedDecisions(exact, rememberBudgetExhausted: false);
        for (var seed = 0; seed < 500; seed++)
        {
            var i = RandomInstances.Make(seed);
            var first = remembered.Decide(i.Floor, i.Occupied, i.Request);
            var again = remembered.Decide(i.Floor, [.. i.Occupied], i.Request);
            Assert.Same(first, again);
            Assert.Equal(ScheduleOracle.CanSeat(i.Floor, i.Occupied, i.Request), first is ArrangementDecision.Feasible);
        }
    }
}
