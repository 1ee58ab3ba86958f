namespace BookingAssignment.Api.Observability.Events;

/// <summary>Events of the legacy planner loop (source <c>auto_assign</c>).</summary>
internal static class AutoAssignEvents
{
    public const string Source = "auto_assign";

    public static AppEvent Attempt(int attempt, string result, IReadOnlyList<string>? tables, string? reason, bool shadow = false) =>
        new(Source, "auto_assign.attempt", Severity.Info, new Dictionary<string, object?>
        {
            ["attempt"] = attempt, ["result"] = result, ["tables"] = tables, ["reason"] = reason, ["shadow"] = shadow,
        });

    /// <param name="result"><c>succeeded</c>, <c>exhausted</c> or <c>error</c>.</param>
    public static AppEvent Summary(string result, int attemptsUsed, long totalDurationMs, string? reason, bool shadow = false) =>
        new(Source, "auto_assign.summary", result == "succeeded" ? Severity.Info : Severity.Warning, new Dictionary<string, object?>
        {
            ["result"] = result, ["attemptsUsed"] = attemptsUsed, ["totalDurationMs"] = totalDurationMs, ["shadow"] = shadow, ["reason"] = reason,
        });
}
