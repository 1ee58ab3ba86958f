namespace BookingAssignment.Api.Ops;

internal static class CheckStatus
{
    public const string Pass = "PASS";
    public const string Fail = "FAIL";
    public const string NotEnoughData = "NOT ENOUGH DATA";
    public const string NotApplicable = "N/A";
}

internal static class Verdicts
{
    public const string Advance = "advance";
    public const string Hold = "hold";
    public const string RollBack = "roll back";
}

internal sealed record RolloutCheck(string Key, string Metric, string Value, string Target, string Status, bool RollBack = false, string? Note = null);

internal sealed record RolloutReport(
    string Phase, string Window, DateTimeOffset From, DateTimeOffset To, string Verdict, IReadOnlyList<string> Reasons,
    IReadOnlyList<RolloutCheck> Checks, RolloutMetrics Numbers, RolloutCohorts Cohorts);
