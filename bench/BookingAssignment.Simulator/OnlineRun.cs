using System.Diagnostics;
using BookingAssignment.Core.Planning;

namespace BookingAssignment.Simulator;

/// <summary>A night's final seating: request id → table ids.</summary>
public sealed record Schedule(IReadOnlyDictionary<int, Guid[]> Tables)
{
    public int Covers(IReadOnlyList<Request> requests) => requests.Where(r => Tables.ContainsKey(r.Id)).Sum(r => r.Party);
}

/// <param name="Avoidable">Declined although the exact check (CP-SAT) said the request fit beside the policy's own accepted set at that moment.</param>
/// <param name="ManualReview">In the product's terms: declined by the planner although admission would have let it in
/// (legacy and the old V3: the capacity check passed; exact V3: the decision ran out of budget).</param>
public sealed record OnlineResult(Schedule Schedule, int Moves, List<double> LatencyMicroseconds, int Avoidable = 0, int ManualReview = 0, int Unproved = 0);

/// <summary>
/// Feeds a night's requests to a planner one at a time. A request is accepted iff the planner
/// returns a plan; acceptance is irrevocable, and a plan's moves are applied to the live schedule.
/// </summary>
public static class OnlineRun
{
    public static readonly DateTimeOffset Doors = new(2026, 6, 12, 17, 0, 0, TimeSpan.Zero);

    public static Slot Held(Request r) => new(Doors.AddMinutes(r.StartMinute), Doors.AddMinutes(r.EndMinute));

    /// <param name="realTime">True for booking order: bookings already seated or inside the freeze window at the moment a request arrives cannot move.</param>
    /// <param name="checkEvery">Check every n-th refusal with the exact check (CP-SAT is slow); the count is scaled back up.</param>
    public static OnlineResult Run(IAssignmentPlanner planner, FloorPlan plan, IReadOnlyList<Request> ordered, bool realTime, double checkSeconds = 0,
        int checkEvery = 1)
    {
        var capacity = new CapacityCheck();
        int avoidable = 0, manualReview = 0, unproved = 0, refusals = 0;
        var byId = ordered.ToDictionary(r => r.Id);
        var seated = new Dictionary<int, Guid[]>();
        var occupancies = new List<Occupancy>(ordered.Count);
        var moves = 0;
        var latencies = new List<double>(ordered.Count);
        var stopwatch = new Stopwatch();
        foreach (var request in ordered)
        {
            // The caller's job (SPEC §4.4): mark who may move at the moment the request arrives.
            occupancies.Clear();
            foreach (var (id, tables) in seated)
            {
                var other = byId[id];
                var movable = !realTime || other.StartMinute > request.ArrivalMinute + Demand.FreezeMinutes;
                occupancies.Add(new Occupancy(BookingGuid(id), tables, Held(other), other.Party, movable));
            }
            var planRequest = new PlanRequest(request.Party, Held(request));
            if (planner is IArrivalAware aware) aware.Now = Doors.AddMinutes(request.ArrivalMinute);
            stopwatch.Restart();
            TablePlan? result;
            var outOfBudget = false;
            if (planner is IArrangementSolver solver)
            {
                var decision = solver.Decide(plan.Floor, occupancies, planRequest);
                result = (decision as ArrangementDecision.Feasible)?.Plan;
                outOfBudget = decision is ArrangementDecision.BudgetExhausted;
            }
            else result = planner.Plan(plan.Floor, occupancies, planRequest);
            stopwatch.Stop();
            latencies.Add(stopwatch.Elapsed.TotalMicroseconds);
            if (result is null)
            {
                if (planner is IArrangementSolver ? outOfBudget : capacity.Check(plan.Floor, occupancies, planRequest).Ok) manualReview++;
                if (checkSeconds > 0 && refusals++ % checkEvery == 0)
                {
                    var arrival = request.ArrivalMinute;
                    switch (ExactCheck.Fits(plan, seated, byId, request, other => !realTime || other.StartMinute > arrival + Demand.FreezeMinutes, checkSeconds))
                    {
                        case true: avoidable += checkEvery; break;
                        case null: unproved += checkEvery; break;
                    }
                }
                continue;
            }
            foreach (var move in result.Moves)
            {
                var movedId = BookingIndex(move.BookingId);
                seated[movedId] = move.ToTableIds.ToArray();
                moves++;
            }
            seated[request.Id] = result.TableIds.ToArray();
        }
        return new OnlineResult(new Schedule(seated), moves, latencies, avoidable, manualReview, unproved);
    }

    public static Guid BookingGuid(int id)
    {
        var bytes = new byte[16];
        BitConverter.GetBytes(id).CopyTo(bytes, 0);
        bytes[15] = 0xB0;
        return new Guid(bytes);
    }

    public static int BookingIndex(Guid id) => BitConverter.ToInt32(id.ToByteArray(), 0);
}
