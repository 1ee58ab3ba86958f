using BookingAssignment.Core.Planning;

namespace BookingAssignment.Simulator;

/// <param name="Experimental">True for policies that are not the product's behaviour (yield experiments that may decline seatable requests).</param>
/// <summary>What a policy may know of the night it plans: the floor, the party mix, the load and the night's seed (for a history of other nights).</summary>
public sealed record NightSetup(FloorPlan Floor, PartyMix Mix, double Load, int Seed);

public sealed record Policy(string Name, Func<NightSetup, IAssignmentPlanner> Create, bool Experimental = false);

public sealed record PolicyNight(string Policy, int Covers, int Accepted, int Moves, double PeakUtilisation, int[] AcceptedByBucket, List<double> Latencies,
    int Avoidable = 0, int ManualReview = 0, int Unproved = 0);

public sealed record NightResult(
    int LoadIndex, double Load, string Floor, string Mix, ArrivalOrder Order, int Seed,
    int Requests, int RequestedCovers, int[] RequestedByBucket,
    OptimumResult Optimum, double OptimumPeakUtilisation, int[] OptimumByBucket,
    IReadOnlyList<PolicyNight> Policies, List<string> Problems, double SolveSeconds);

/// <summary>One simulated service night: every policy online, then the hindsight optimum, all validated.</summary>
public static class Night
{
    /// <summary>The reference policy, run by <see cref="FcfsExact"/> rather than a planner.</summary>
    public const string FcfsExactName = "fcfs-exact";

    public static readonly string[] Buckets = ["1", "2", "3", "4", "5", "6", "7-8", "9+"];

    public static int Bucket(int party) => party switch { <= 6 => party - 1, <= 8 => 6, _ => 7 };

    public static NightResult Run(int loadIndex, double load, FloorPlan floor, PartyMix mix, ArrivalOrder order, int seed,
        IReadOnlyList<Policy> policies, double timeLimit, int workers, double checkSeconds, int checkEvery)
    {
        var requests = Demand.Night(new Random(seed), floor.Seats, mix, load);
        var ordered = Demand.Order(requests, order);
        var problems = new List<string>();
        var results = new List<PolicyNight>();
        Schedule? best = null;
        var bestCovers = -1;
        foreach (var policy in policies)
        {
            var policyClock = System.Diagnostics.Stopwatch.StartNew();
            var run = policy.Name == FcfsExactName
                ? FcfsExact.Run(floor, ordered, realTime: order == ArrivalOrder.Booking, checkSeconds)
                : OnlineRun.Run(policy.Create(new NightSetup(floor, mix, load, seed)), floor, ordered, realTime: order == ArrivalOrder.Booking, checkSeconds, checkEvery);
            if (Environment.GetEnvironmentVariable("SIM_TRACE") is not null)
                Console.Error.WriteLine($"{policy.Name}: {policyClock.Elapsed.TotalSeconds:0.0} s, {ordered.Count} requests, {run.Schedule.Tables.Count} accepted, unproved {run.Unproved}");
            foreach (var p in ScheduleValidator.Validate(floor, requests, run.Schedule)) problems.Add($"{policy.Name}: {p}");
            var covers = run.Schedule.Covers(requests);
            if (covers > bestCovers) { bestCovers = covers; best = run.Schedule; }
            results.Add(new PolicyNight(policy.Name, covers, run.Schedule.Tables.Count, run.Moves,
                PeakUtilisation(floor, requests, run.Schedule), ByBucket(requests, run.Schedule), run.LatencyMicroseconds,
                run.Avoidable, run.ManualReview, run.Unproved));
        }
        var started = System.Diagnostics.Stopwatch.StartNew();
        var optimum = OfflineOptimum.Solve(floor, requests, best, timeLimit, workers);
        var solveSeconds = started.Elapsed.TotalSeconds;
        foreach (var p in ScheduleValidator.Validate(floor, requests, optimum.Schedule)) problems.Add($"optimum: {p}");
        if (optimum.Covers < bestCovers)
            problems.Add($"optimum: {optimum.Status} with {optimum.Covers} covers, below a policy's {bestCovers}");

        return new NightResult(loadIndex, load, floor.Name, mix.Name, order, seed, requests.Count, requests.Sum(r => r.Party),
            Enumerable.Range(0, Buckets.Length).Select(b => requests.Where(r => Bucket(r.Party) == b).Sum(r => 1)).ToArray(),
            optimum, PeakUtilisation(floor, requests, optimum.Schedule), ByBucket(requests, optimum.Schedule), results, problems, solveSeconds);
    }

    /// <summary>Guests seated ÷ seats, averaged over 19:00–20:00 in 15-minute steps (dining time, not the reset buffer).</summary>
    private static double PeakUtilisation(FloorPlan floor, IReadOnlyList<Request> requests, Schedule schedule)
    {
        var seated = requests.Where(r => schedule.Tables.ContainsKey(r.Id)).ToArray();
        var total = 0.0;
        var instants = new[] { 120, 135, 150, 165, 180 };
        foreach (var m in instants)
            total += seated.Where(r => r.StartMinute <= m && m < r.StartMinute + Demand.TurnMinutes(r.Party)).Sum(r => r.Party) / (double)floor.Seats;
        return total / instants.Length;
    }

    private static int[] ByBucket(IReadOnlyList<Request> requests, Schedule schedule)
    {
        var counts = new int[Buckets.Length];
        foreach (var r in requests)
            if (schedule.Tables.ContainsKey(r.Id)) counts[Bucket(r.Party)]++;
        return counts;
    }
}
