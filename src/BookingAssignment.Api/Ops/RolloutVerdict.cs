using System.Globalization;

namespace BookingAssignment.Api.Ops;

/// <summary>
/// The pure part of the report: metrics + phase + targets → checks and a verdict. No I/O.
/// <list type="bullet">
/// <item><b>roll back</b> when V3 is harming live bookings (only in phases where V3 assigns for real):
/// the coordinator breaker was open longer than allowed, the coordinator error rate reached the
/// rollback level, confirmation fell below the rollback level, or bookings are stuck. Rates need
/// the phase's minimum sample before they can ask for a rollback; breaker and stuck bookings don't.</item>
/// <item><b>hold</b> when any check fails or lacks data (including the Redis-lock breaker: the
/// database lock still guards, so fix Redis rather than roll back), and in shadow phases for every
/// failure: V3 assigns nothing there, so there is nothing to roll back.</item>
/// <item><b>advance</b> when every applicable check passes.</item>
/// </list>
/// </summary>
internal static class RolloutVerdict
{
    public static (string Verdict, IReadOnlyList<string> Reasons, IReadOnlyList<RolloutCheck> Checks) Evaluate(
        RolloutPhase phase, RolloutMetrics m, RolloutReportOptions o)
    {
        var shadowPhase = RolloutPhases.IsShadow(phase);
        var v3Live = !shadowPhase;
        var minBookings = o.MinBookingsFor(phase);
        var enough = m.Bookings >= minBookings;
        var checks = new List<RolloutCheck>();

        checks.Add(new("bookings", "Bookings in window (sample)", N(m.Bookings), $">= {N(minBookings)}",
            enough ? CheckStatus.Pass : CheckStatus.NotEnoughData));

        var confirmation = Pct(m.Confirmed, m.Bookings);
        checks.Add(confirmation is { } c
            ? new("confirmation_rate", "Confirmation rate", P(c), $">= {P(o.ConfirmationMinPct)}",
                c >= o.ConfirmationMinPct ? CheckStatus.Pass : CheckStatus.Fail,
                RollBack: v3Live && enough && c < o.RollbackConfirmationBelowPct,
                Note: c < o.RollbackConfirmationBelowPct ? $"below the rollback level {P(o.RollbackConfirmationBelowPct)}" : null)
            : new("confirmation_rate", "Confirmation rate", "-", $">= {P(o.ConfirmationMinPct)}", CheckStatus.NotEnoughData));

        var manual = Pct(m.ManualReview, m.Bookings);
        checks.Add(manual is { } mr
            ? new("manual_review_share", "Manual review share", P(mr), $"< {P(o.ManualReviewMaxPct)}", mr < o.ManualReviewMaxPct ? CheckStatus.Pass : CheckStatus.Fail)
            : new("manual_review_share", "Manual review share", "-", $"< {P(o.ManualReviewMaxPct)}", CheckStatus.NotEnoughData));

        var shadowTarget = $"within +/-{o.ShadowSuccessTolerancePoints.ToString("0.##", CultureInfo.InvariantCulture)} pts of live";
        if (m.ShadowComparisons > 0)
        {
            var live = 100.0 * m.ShadowLiveConfirmed / m.ShadowComparisons;
            var candidate = 100.0 * m.ShadowCandidateConfirmed / m.ShadowComparisons;
            var delta = candidate - live;
            var value = $"{P(candidate)} vs {P(live)} ({delta.ToString("+0.00;-0.00;0.00", CultureInfo.InvariantCulture)} pts, agree {P(100.0 * m.ShadowAgreed / m.ShadowComparisons)}, n={N(m.ShadowComparisons)})";
            var status = !shadowPhase ? CheckStatus.NotApplicable
                : m.ShadowComparisons < minBookings ? CheckStatus.NotEnoughData
                : Math.Abs(delta) <= o.ShadowSuccessTolerancePoints ? CheckStatus.Pass : CheckStatus.Fail;
            checks.Add(new("shadow_success_delta", "Shadow vs live success", value, shadowTarget, status));
        }
        else checks.Add(new("shadow_success_delta", "Shadow vs live success", "-", shadowTarget, shadowPhase ? CheckStatus.NotEnoughData : CheckStatus.NotApplicable));

        var volumeTarget = $"within +/-{P(o.TransitionVolumeTolerancePct)} of {N(m.ExpectedTransitionBookings)} {(shadowPhase ? "bookings" : "V3 bookings")}";
        if (m.ExpectedTransitionBookings > 0)
        {
            var ratio = 100.0 * m.TransitionBookings / m.ExpectedTransitionBookings;
            checks.Add(new("transition_volume", "Bookings with transition events", $"{N(m.TransitionBookings)} ({P(ratio)})", volumeTarget,
                Math.Abs(ratio - 100) <= o.TransitionVolumeTolerancePct ? CheckStatus.Pass : CheckStatus.Fail));
        }
        else checks.Add(new("transition_volume", "Bookings with transition events", N(m.TransitionBookings), volumeTarget, CheckStatus.NotEnoughData));

        var errors = Pct(m.CoordinatorErrors, m.CoordinatorRuns);
        var errorName = shadowPhase ? "Coordinator error rate (dry runs)" : "Coordinator error rate";
        checks.Add(errors is { } e
            ? new("coordinator_error_rate", errorName, $"{P(e)} ({N(m.CoordinatorErrors)}/{N(m.CoordinatorRuns)})", $"< {P(o.ErrorRateMaxPct)}",
                e < o.ErrorRateMaxPct ? CheckStatus.Pass : CheckStatus.Fail,
                RollBack: v3Live && m.CoordinatorRuns >= minBookings && e >= o.RollbackErrorRatePct,
                Note: e >= o.RollbackErrorRatePct ? $"at or above the rollback level {P(o.RollbackErrorRatePct)}" : null)
            : new("coordinator_error_rate", errorName, "-", $"< {P(o.ErrorRateMaxPct)}", CheckStatus.NotEnoughData));

        checks.Add(m.AssignmentP95Ms is { } p95
            ? new("assignment_p95", "Assignment latency p95", Ms(p95), $"< {Ms(o.AssignmentP95MaxMs)}", p95 < o.AssignmentP95MaxMs ? CheckStatus.Pass : CheckStatus.Fail)
            : new("assignment_p95", "Assignment latency p95", "-", $"< {Ms(o.AssignmentP95MaxMs)}", CheckStatus.NotEnoughData));

        checks.Add(shadowPhase
            ? new("lock_p95", "Lock acquisition p95", m.LockP95Ms is { } l0 ? Ms(l0) : "-", $"< {Ms(o.LockP95MaxMs)}", CheckStatus.NotApplicable, Note: "dry runs take no lock")
            : m.LockP95Ms is { } lock95
                ? new("lock_p95", "Lock acquisition p95", Ms(lock95), $"< {Ms(o.LockP95MaxMs)}", lock95 < o.LockP95MaxMs ? CheckStatus.Pass : CheckStatus.Fail)
                : new("lock_p95", "Lock acquisition p95", "-", $"< {Ms(o.LockP95MaxMs)}", CheckStatus.NotEnoughData));

        var longest = m.BreakerOpenMinutes.Count == 0 ? 0 : m.BreakerOpenMinutes.Values.Max();
        var coordinatorOpen = m.BreakerOpenMinutes.TryGetValue("coordinator", out var co) ? co : 0;
        var breakerValue = m.BreakerOpenMinutes.Count == 0 ? "never opened"
            : string.Join(", ", m.BreakerOpenMinutes.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key} {kv.Value.ToString("0.0", CultureInfo.InvariantCulture)} min"));
        checks.Add(new("breaker_open", "Longest breaker open spell", breakerValue, $"<= {o.BreakerOpenMaxMinutes.ToString("0.##", CultureInfo.InvariantCulture)} min",
            longest <= o.BreakerOpenMaxMinutes ? CheckStatus.Pass : CheckStatus.Fail,
            RollBack: v3Live && coordinatorOpen > o.BreakerOpenMaxMinutes));

        checks.Add(new("stuck_bookings", $"Stuck bookings (> {N(o.StuckAfterMinutes)} min non-terminal)", N(m.StuckBookings), "0",
            m.StuckBookings == 0 ? CheckStatus.Pass : CheckStatus.Fail, RollBack: v3Live && m.StuckBookings > 0));

        var (verdict, reasons) = Decide(phase, checks);
        return (verdict, reasons, checks);
    }

    /// <summary>Checks → verdict: any rollback check rolls back, any failing or data-short check holds.</summary>
    public static (string Verdict, IReadOnlyList<string> Reasons) Decide(RolloutPhase phase, IReadOnlyList<RolloutCheck> checks)
    {
        var rollback = checks.Where(x => x.RollBack).ToList();
        if (rollback.Count > 0) return (Verdicts.RollBack, rollback.Select(Reason).ToList());
        var blocking = checks.Where(x => x.Status is CheckStatus.Fail or CheckStatus.NotEnoughData).ToList();
        if (blocking.Count > 0) return (Verdicts.Hold, blocking.Select(Reason).ToList());
        return (Verdicts.Advance, [$"every check passes for {RolloutPhases.Name(phase)}"]);
    }

    private static string Reason(RolloutCheck c) => c.Status == CheckStatus.NotEnoughData
        ? $"not enough data: {c.Metric} {c.Value} (needs {c.Target})"
        : $"{c.Metric} {c.Value} (target {c.Target}){(c.Note is null ? "" : "; " + c.Note)}";

    private static double? Pct(int part, int whole) => whole == 0 ? null : 100.0 * part / whole;
    private static string P(double pct) => pct.ToString("0.00", CultureInfo.InvariantCulture) + " %";
    private static string N(int n) => n.ToString(CultureInfo.InvariantCulture);
    private static string Ms(double ms) => ms.ToString("0.#", CultureInfo.InvariantCulture) + " ms";
}
