using System.Globalization;

namespace BookingAssignment.Api.Ops;

/// <summary>
/// V3 against legacy in a percentage phase (the only phases where both assign for real): the V3
/// cohort must meet the seed's absolute targets and must not be worse than the legacy cohort by
/// more than the configured margin. Either cohort below <see cref="RolloutReportOptions.CohortMinBookings"/>
/// makes every comparison "not enough data", never a pass. Outside percentage phases: N/A.
/// Lock waits and coordinator errors are V3-only by nature; the report's overall checks judge them.
/// </summary>
internal static class CohortVerdict
{
    public static bool Compares(RolloutPhase phase) => phase is RolloutPhase.Production10 or RolloutPhase.Production50;

    public static IReadOnlyList<RolloutCheck> Checks(RolloutPhase phase, CohortMetrics v3, CohortMetrics legacy, RolloutReportOptions o)
    {
        var min = o.CohortMinBookings;
        var compared = Compares(phase);
        var enough = v3.Bookings >= min && legacy.Bookings >= min;
        var outside = compared ? null : "V3 and legacy assign side by side only in percentage phases";
        string Gate(Func<bool> pass) => !compared ? CheckStatus.NotApplicable : !enough ? CheckStatus.NotEnoughData : pass() ? CheckStatus.Pass : CheckStatus.Fail;

        var checks = new List<RolloutCheck>
        {
            new("cohort_sample", "Cohort sample (V3 / legacy bookings)", $"{N(v3.Bookings)} / {N(legacy.Bookings)}", $">= {N(min)} each",
                !compared ? CheckStatus.NotApplicable : enough ? CheckStatus.Pass : CheckStatus.NotEnoughData, Note: outside),
        };

        var confirmationTarget = $">= {P(o.ConfirmationMinPct)} and >= legacy - {Pts(o.CohortConfirmationMarginPoints)}";
        checks.Add(new("v3_vs_legacy_confirmation", "V3 cohort confirmation rate", Versus(v3.ConfirmationPct, legacy.ConfirmationPct, P), confirmationTarget,
            Gate(() => v3.ConfirmationPct >= o.ConfirmationMinPct && v3.ConfirmationPct >= legacy.ConfirmationPct - o.CohortConfirmationMarginPoints),
            Note: Gap(v3.ConfirmationPct, legacy.ConfirmationPct, "pts")));

        var manualTarget = $"< {P(o.ManualReviewMaxPct)} and <= legacy + {Pts(o.CohortManualReviewMarginPoints)}";
        checks.Add(new("v3_vs_legacy_manual_review", "V3 cohort manual review share", Versus(v3.ManualReviewPct, legacy.ManualReviewPct, P), manualTarget,
            Gate(() => v3.ManualReviewPct < o.ManualReviewMaxPct && v3.ManualReviewPct <= legacy.ManualReviewPct + o.CohortManualReviewMarginPoints),
            Note: Gap(v3.ManualReviewPct, legacy.ManualReviewPct, "pts")));

        var latencyTarget = $"< {Ms(o.AssignmentP95MaxMs)} and <= legacy + {Ms(o.CohortAssignmentP95MarginMs)}";
        var latencyStatus = compared && enough && (v3.AssignmentP95Ms is null || legacy.AssignmentP95Ms is null) ? CheckStatus.NotEnoughData
            : Gate(() => v3.AssignmentP95Ms < o.AssignmentP95MaxMs && v3.AssignmentP95Ms <= legacy.AssignmentP95Ms + o.CohortAssignmentP95MarginMs);
        checks.Add(new("v3_vs_legacy_assignment_p95", "V3 cohort assignment p95", Versus(v3.AssignmentP95Ms, legacy.AssignmentP95Ms, Ms), latencyTarget,
            latencyStatus, Note: Gap(v3.AssignmentP95Ms, legacy.AssignmentP95Ms, "ms")));
        return checks;
    }

    /// <summary>One word for the comparison as a whole (the cohorts section's <c>comparison</c>).</summary>
    public static string Summary(IReadOnlyList<RolloutCheck> checks) =>
        checks.Any(c => c.Status == CheckStatus.Fail) ? CheckStatus.Fail
        : checks.Any(c => c.Status == CheckStatus.NotEnoughData) ? CheckStatus.NotEnoughData
        : checks.All(c => c.Status == CheckStatus.NotApplicable) ? CheckStatus.NotApplicable
        : CheckStatus.Pass;

    private static string Versus(double? v3, double? legacy, Func<double, string> format) =>
        $"{(v3 is { } a ? format(a) : "-")} (legacy {(legacy is { } b ? format(b) : "-")})";

    private static string? Gap(double? v3, double? legacy, string unit) => v3 is { } a && legacy is { } b
        ? $"V3 {(a - b).ToString("+0.##;-0.##;0", CultureInfo.InvariantCulture)} {unit} against legacy"
        : null;

    private static string N(int n) => n.ToString(CultureInfo.InvariantCulture);
    private static string P(double pct) => pct.ToString("0.00", CultureInfo.InvariantCulture) + " %";
    private static string Pts(double points) => points.ToString("0.##", CultureInfo.InvariantCulture) + " pts";
    private static string Ms(double ms) => ms.ToString("0.#", CultureInfo.InvariantCulture) + " ms";
}
