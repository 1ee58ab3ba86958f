using BenchmarkDotNet.Attributes;
using BookingAssignment.Core.Planning;

namespace BookingAssignment.PlannerBenchmarks;

/// <summary>Mean cost of one plan over the probe set (BenchmarkDotNet divides by the probe count).</summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 12)]
public class PlannerBenchmarks
{
    private const int ProbeCount = 1000;
    private Evening _evening = null!;
    private IAssignmentPlanner _planner = null!;

    [Params("legacy", "v3", "v3+moves")]
    public string Policy { get; set; } = "v3";

    [GlobalSetup]
    public void Setup()
    {
        _evening = Evening.Create(probes: ProbeCount);
        _planner = Policies.Create(Policy);
    }

    [Benchmark(OperationsPerInvoke = ProbeCount)]
    public int PlanEveryProbe()
    {
        var planned = 0;
        foreach (var probe in _evening.Probes)
            if (_planner.Plan(_evening.Floor.Floor, _evening.Bookings, probe) is not null) planned++;
        return planned;
    }
}

public static class Policies
{
    public static readonly string[] Names = ["legacy", "v3", "v3+moves", "v3-exact"];

    public static IAssignmentPlanner Create(string name) => name switch
    {
        "legacy" => new LegacyPlanner(),
        "v3" => new TablePlanner(new TablePlannerOptions { MaxMoves = 0 }),
        "v3+moves" => new TablePlanner(new TablePlannerOptions { MaxMoves = 2 }),
        "v3-exact" => new ExactPlanner(),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
    };
}
