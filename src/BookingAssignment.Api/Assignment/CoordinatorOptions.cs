using System.ComponentModel.DataAnnotations;

namespace BookingAssignment.Api.Assignment;

/// <summary>V3 coordinator tuning (the MAX_PARALLEL flag itself lives in PipelineFlags).</summary>
internal sealed class CoordinatorOptions
{
    public const string Section = "Coordinator";

    /// <summary>Runs waiting behind MAX_PARALLEL per restaurant per instance; beyond it → worker (202).</summary>
    [Range(0, 1000)] public int QueueLimit { get; set; } = 20;
    /// <summary>Runs (not plans tried) before a booking goes to manual_review.</summary>
    [Range(1, 50)] public int RunBudget { get; set; } = 5;
    [Range(10, 60_000)] public int BackoffBaseMs { get; set; } = 1_000;
    [Range(100, 300_000)] public int BackoffCapMs { get; set; } = 60_000;
    /// <summary>How long an in-progress run owns its booking; after it the worker takes over.</summary>
    [Range(1, 600)] public int LeaseSeconds { get; set; } = 30;
    /// <summary>Re-plans inside one run after an exclusion conflict or a lost race.</summary>
    [Range(1, 10)] public int ReplansPerRun { get; set; } = 3;
    /// <summary>A booking non-terminal this long goes to manual_review, whatever else happens.</summary>
    [Range(1, 60)] public int DeadlineMinutes { get; set; } = 8;
    [Range(50, 60_000)] public int WorkerPollMs { get; set; } = 500;
    [Range(1, 500)] public int WorkerBatchSize { get; set; } = 20;
    public bool WorkerEnabled { get; set; } = true;
}
