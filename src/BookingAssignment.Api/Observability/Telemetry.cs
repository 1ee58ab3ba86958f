using System.Diagnostics;
using System.Diagnostics.Metrics;
using BookingAssignment.Core.Floors;

namespace BookingAssignment.Api.Observability;

/// <summary>The service's own traces and metrics (exported over OTLP when configured).</summary>
internal sealed class Telemetry : IDisposable
{
    public const string Name = "BookingAssignment";
    public static readonly ActivitySource Activities = new(Name);

    private readonly Meter _meter;

    public Telemetry(IMeterFactory meters)
    {
        _meter = meters.Create(Name);
        Assignments = _meter.CreateCounter<long>("booking.assignments", description: "Assignment outcomes by pipeline and outcome");
        AssignmentDuration = _meter.CreateHistogram<double>("booking.assignment.duration", "ms", "End-to-end assignment duration");
        PlannerDuration = _meter.CreateHistogram<double>("booking.planner.duration", "ms", "Time spent in the planner");
        LockWait = _meter.CreateHistogram<double>("booking.lock.wait", "ms", "Time waiting for the restaurant/date lock");
        Rejections = _meter.CreateCounter<long>("booking.rejections", description: "409 no_availability by reason");
        UnlockedRefusals = _meter.CreateCounter<long>("booking.rejections.unlocked", description: "409s decided without the lock, while another run was in flight");
        ScheduleReads = _meter.CreateCounter<long>("booking.availability.schedule_reads", description: "Availability's day reads by result: unchanged (answered from the rows read before), changed, first");
    }

    public Counter<long> Assignments { get; }
    public Histogram<double> AssignmentDuration { get; }
    public Histogram<double> PlannerDuration { get; }
    public Histogram<double> LockWait { get; }
    public Counter<long> Rejections { get; }
    public Counter<long> UnlockedRefusals { get; }
    public Counter<long> ScheduleReads { get; }

    /// <summary>One assignment outcome of a pipeline, with its end-to-end duration since <paramref name="startedTimestamp"/>.</summary>
    public void RecordOutcome(string pipeline, string outcome, long startedTimestamp)
    {
        var tags = new[] { new KeyValuePair<string, object?>("pipeline", pipeline), new KeyValuePair<string, object?>("outcome", outcome) };
        Assignments.Add(1, tags);
        AssignmentDuration.Record(Stopwatch.GetElapsedTime(startedTimestamp).TotalMilliseconds, tags);
    }

    /// <summary>Runs a planner and records how long it took.</summary>
    public TablePlan? Plan(IAssignmentPlanner planner, string pipeline, Floor floor, IReadOnlyList<Occupancy> schedule, PlanRequest request)
    {
        var started = Stopwatch.GetTimestamp();
        var plan = planner.Plan(floor, schedule, request);
        PlannerDuration.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds, new KeyValuePair<string, object?>("pipeline", pipeline));
        return plan;
    }

    /// <summary>Runs an admission decision and records how long it took (as planner time).</summary>
    public ArrangementDecision Decide(string pipeline, Func<ArrangementDecision> decide)
    {
        var started = Stopwatch.GetTimestamp();
        var decision = decide();
        PlannerDuration.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds, new KeyValuePair<string, object?>("pipeline", pipeline));
        return decision;
    }

    /// <summary>Registers an observable gauge on the service meter (queue depth, breaker state).</summary>
    public void Observe<T>(string name, Func<Measurement<T>> observe, string? description = null) where T : struct =>
        _meter.CreateObservableGauge(name, observe, description: description);

    public void Dispose() => _meter.Dispose();
}
