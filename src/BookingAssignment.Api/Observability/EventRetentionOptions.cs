using System.ComponentModel.DataAnnotations;

namespace BookingAssignment.Api.Observability;

/// <summary>
/// How long <c>observability_events</c> keeps its days (section <c>Observability</c>, validated at start).
/// The table is partitioned by UTC day (migrations/0007); <see cref="EventRetention"/> keeps it in shape.
/// </summary>
internal sealed class EventRetentionOptions
{
    public const string Section = "Observability";

    /// <summary>
    /// Days of events kept, today included; older days are dropped whole. At least 8: the seed's
    /// Definition of Done reads seven days at 100 %, and the rollout report reads its windows from here.
    /// </summary>
    [Range(8, 3650)] public int RetentionDays { get; set; } = 30;
    /// <summary>Days ahead whose partitions exist before their first row (so a quiet night never needs a DDL on the write path).</summary>
    [Range(1, 31)] public int PartitionsAheadDays { get; set; } = 3;
    /// <summary>How often the maintenance runs (it also runs at start).</summary>
    [Range(1, 1440)] public int IntervalMinutes { get; set; } = 60;
}
