using BookingAssignment.Core.Floors;

namespace BookingAssignment.Core.Planning;

/// <summary>
/// Exact admission (SPEC §4.2): a request is seatable when some arrangement of the movable
/// bookings (confirmed, not seated, not pinned, outside the freeze window) and of the admitted
/// bookings still waiting for tables, plus the new one, fits the floor's single tables and
/// allowed combinations. Decided in three steps, cheapest first:
/// <list type="number">
/// <item>the capacity relaxation (<see cref="CapacityCheck"/>): when even that fails, no arrangement exists;</item>
/// <item>the scored planner without moves, then with its bounded one- and two-move search: when nobody
/// else in the new party's component waits for tables, a plan it finds is exact;</item>
/// <item>a complete search (<see cref="ArrangementSearch"/>) over the bookings that overlap the new
/// one, directly or through a chain: fewest moves first (as far as <see cref="ExactPlannerOptions.MoveBudget"/>
/// can prove them fewest), then the planner's static score. The planner's own depth-first search
/// gets <see cref="ExactPlannerOptions.SweepBudget"/>, then conflict repair (<see cref="RepairSearch"/>)
/// <see cref="ExactPlannerOptions.RepairBudget"/> to find an arrangement; what neither settles goes to
/// CP-SAT (<see cref="CpSatSearch"/>) for the rest of the budget, repair resuming when CP-SAT's
/// relaxation says it may fit.</item>
/// </list>
/// The search is bounded by time and nodes; running out is <see cref="ArrangementDecision.BudgetExhausted"/>,
/// never a guess. Answers for one instant are remembered by content (<see cref="InstantAnswers"/>):
/// a sold-out evening asked again and again is refused from memory.
/// </summary>
public sealed class ExactPlanner(ExactPlannerOptions options) : IArrangementSolver, IAssignmentPlanner
{
    private readonly CapacityCheck _capacity = new();
    private readonly InstantAnswers _instants = InstantAnswers.Shared;
    // Tries a free set first and only then its bounded move search: one call covers both quick paths.
    private readonly TablePlanner _fewMoves = new(options.Scoring with { MaxMoves = 2 });

    public ExactPlanner() : this(new ExactPlannerOptions()) { }

    public ExactPlannerOptions Options => options;

    public TablePlan? Plan(Floor floor, IReadOnlyList<Occupancy> occupied, PlanRequest request) =>
        Decide(floor, occupied, request) is ArrangementDecision.Feasible f ? f.Plan : null;

    public ArrangementDecision Decide(Floor floor, IReadOnlyList<Occupancy> occupied, PlanRequest request)
    {
        ArgumentNullException.ThrowIfNull(floor);
        ArgumentNullException.ThrowIfNull(occupied);
        ArgumentNullException.ThrowIfNull(request);
        var clock = DecisionClock.Start();
        var capacity = _capacity.Check(floor, occupied, request);
        if (!capacity.Ok) return new ArrangementDecision.Infeasible(capacity.Reason!);

        // When nobody that could interact with the new party waits for tables, the floor as it stands
        // is the whole problem: a free set (no moves), then the planner's bounded moves (one, then
        // two; each plan re-validated against the evening), before the complete search.
        var anyWaiting = false;
        foreach (var o in occupied) if (o.Movable && o.TableIds.Count == 0) { anyWaiting = true; break; }
        if (!anyWaiting && Planned(floor, occupied, request) is { } quick) return quick;
        var search = new ArrangementSearch(floor, occupied, request, options, clock);
        if (anyWaiting && !search.HasWaitingBookings && Planned(floor, occupied, request) is { } later) return later;
        if (InfeasibleAtSomeInstant(floor, occupied, request, clock) is { } proof) return proof;
        return search.Run();
    }

    /// <summary>
    /// Most refusals are decided at one instant: the bookings in progress when the new party would
    /// sit down (or when someone else's turn starts inside its window) must all fit at once. Each
    /// such instant is a much smaller problem than the evening, and if one has no arrangement, the
    /// evening has none. Null: no instant proves it (or the budget ran out) — the full search decides.
    /// </summary>
    private ArrangementDecision.Infeasible? InfeasibleAtSomeInstant(Floor floor, IReadOnlyList<Occupancy> occupied, PlanRequest request, DecisionClock clock)
    {
        var overlapping = occupied.Where(o => o.During.Overlaps(request.During)).ToArray();
        // The busiest instants first: they are the likeliest to have no arrangement.
        var instants = overlapping.Select(o => o.During.Start).Where(s => s > request.During.Start).Append(request.During.Start).Distinct()
            .Select(instant => (Instant: instant, Active: overlapping.Where(o => o.During.Start <= instant && instant < o.During.End).ToArray()))
            .OrderByDescending(i => i.Active.Length);
        var shape = InstantAnswers.Shape(floor);
        foreach (var (instant, active) in instants)
        {
            // Everyone in progress then overlaps everyone else: their windows shrink to the instant, so the
            // search sees a packing (and takes the larger parties first) instead of an evening.
            var moment = new Slot(instant, instant.AddTicks(1));
            var search = new ArrangementSearch(floor, active.Select(o => o with { During = moment }).ToArray(), request with { During = moment }, options, clock);
            var key = shape + search.InstantKey();
            if (!_instants.TryGet(key, out var seatable))
            {
                // An instant the sweep cannot settle is left to the evening's search (whose CP-SAT model holds it).
                var decision = search.Run(feasibilityOnly: true, cpSat: false);
                if (decision is ArrangementDecision.BudgetExhausted) return null;
                _instants.Add(key, seatable = decision is ArrangementDecision.Feasible);
            }
            if (!seatable) return new ArrangementDecision.Infeasible("no_arrangement");
        }
        return null;
    }

    /// <summary>
    /// Compiles the planner's own search before the first real decision: two decisions on a small
    /// made-up evening that takes its full search, so the first decisions after a deploy or a rollback
    /// do not spend their budget on JIT compilation (out of budget sends a guest to manual review).
    /// The search's hot loops are compiled optimized here, once (they are marked so, see Sweep.Step);
    /// the rest of what it runs starts in tier 0, as everywhere.
    /// </summary>
    public void WarmUpSearch()
    {
        var (floor, evening, request) = WarmUpEvening();
        Decide(floor, evening, request);
        Decide(floor, evening, request with { PartySize = 2 });
    }

    /// <summary>
    /// Loads OR-Tools (about 0.1-0.2 s) and runs every stage of the CP-SAT search once on the same
    /// evening, whatever its answers. Without it the first decisions that reach a stage pay for
    /// compiling it, and the later stages (the exact pooled model, fewer moves) are reached only on the
    /// hardest evenings: measured on the sell-out benchmark, the first of them ran 159-212 ms and
    /// went to manual review.
    /// </summary>
    public void WarmUpCpSat()
    {
        var (floor, evening, request) = WarmUpEvening();
        new ArrangementSearch(floor, evening, request, options, DecisionClock.Start()).WarmUpCpSat(); // its stages have limits of their own
    }

    private static (Floor Floor, Occupancy[] Evening, PlanRequest Request) WarmUpEvening()
    {
        var tables = Enumerable.Range(0, 4).Select(i => new FloorTable(Guid.CreateVersion7(), $"W{i}", "main", 1, 2)).ToArray();
        var floor = new Floor(tables, [(tables[0].Id, tables[1].Id), (tables[1].Id, tables[2].Id), (tables[2].Id, tables[3].Id)], 2);
        var start = new DateTimeOffset(2000, 1, 1, 19, 0, 0, TimeSpan.Zero);
        Slot At(int from, int minutes) => new(start.AddMinutes(from), start.AddMinutes(from + minutes));
        Occupancy[] evening =
        [
            new(Guid.CreateVersion7(), [tables[0].Id], At(0, 150), 2, Movable: true),
            new(Guid.CreateVersion7(), [tables[2].Id], At(0, 120), 2, Movable: true),
            new(Guid.CreateVersion7(), [], At(130, 60), 1, Movable: true), // waiting: forces the complete search
        ];
        return (floor, evening, new PlanRequest(4, At(30, 90)));
    }

    private ArrangementDecision.Feasible? Planned(Floor floor, IReadOnlyList<Occupancy> occupied, PlanRequest request)
    {
        var plan = _fewMoves.Plan(floor, occupied, request);
        return plan is null ? null : new ArrangementDecision.Feasible(plan);
    }
}
