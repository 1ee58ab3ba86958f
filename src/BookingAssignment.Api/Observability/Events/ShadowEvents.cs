namespace BookingAssignment.Api.Observability.Events;

/// <summary>Events of the dry runs (source <c>assignment.shadow</c>).</summary>
internal static class ShadowEvents
{
    public const string Source = "assignment.shadow";

    /// <summary>What the live pipeline did beside what the dry run would have done, once per booking.</summary>
    public static AppEvent Comparison(string controlPipeline, string candidatePipeline, string controlOutcome, string candidateOutcome,
        bool sameTables, IReadOnlyList<string> controlTables, IReadOnlyList<string> candidateTables, long candidateDurationMs, string? failure) =>
        new(Source, "shadow.comparison", failure is null ? Severity.Info : Severity.Warning, new Dictionary<string, object?>
        {
            ["control_pipeline"] = controlPipeline,
            ["candidate_pipeline"] = candidatePipeline,
            ["control_outcome"] = controlOutcome,
            ["candidate_outcome"] = candidateOutcome,
            ["agree"] = controlOutcome == candidateOutcome,
            ["same_tables"] = sameTables,
            ["control_tables"] = controlTables,
            ["candidate_tables"] = candidateTables,
            ["candidate_duration_ms"] = candidateDurationMs,
            ["shadow"] = true,
            ["reason"] = failure,
        });
}
