using System.Globalization;
using System.Text;

namespace BookingAssignment.Api.Ops;

/// <summary>The report as the <c>rollout-report</c> command prints it: checks, cohorts side by side, verdict.</summary>
internal static class RolloutReportText
{
    public static string Format(RolloutReport report)
    {
        var sb = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        sb.AppendLine(inv, $"Rollout report: phase {report.Phase}, window {report.Window} ({report.From:yyyy-MM-dd HH:mm} to {report.To:yyyy-MM-dd HH:mm} UTC)");
        sb.AppendLine();
        Table(sb, report.Checks.Select(c => new[] { c.Metric, c.Value, c.Target, c.Status }).Prepend(["METRIC", "VALUE", "TARGET", "STATUS"]));
        sb.AppendLine();
        var c = report.Cohorts;
        sb.AppendLine(inv, $"Cohorts (V3 against legacy: {c.Comparison}; each needs >= {c.MinBookings} bookings):");
        Table(sb, new[] { c.V3, c.Legacy, c.Shadow }.Select(Row)
            .Prepend(["COHORT", "BOOKINGS", "CONFIRMATION", "MANUAL REVIEW", "ASSIGNMENT P95", "LOCK P95", "COORDINATOR ERRORS"]));
        sb.AppendLine();
        sb.AppendLine(inv, $"VERDICT: {report.Verdict.ToUpperInvariant()}");
        foreach (var reason in report.Reasons) sb.AppendLine(inv, $"  - {reason}");
        return sb.ToString();
    }

    private static string[] Row(CohortMetrics m) =>
    [
        m.Cohort == "shadow" ? "shadow (V3 dry runs)" : m.Cohort, N(m.Bookings), P(m.ConfirmationPct), P(m.ManualReviewPct),
        Ms(m.AssignmentP95Ms), Ms(m.LockP95Ms),
        m.CoordinatorRuns == 0 ? "-" : $"{P(m.CoordinatorErrorPct)} ({N(m.CoordinatorErrors)}/{N(m.CoordinatorRuns)})",
    ];

    /// <summary>Left-aligned columns two spaces apart, indented by two.</summary>
    private static void Table(StringBuilder sb, IEnumerable<string[]> rows)
    {
        var all = rows.ToList();
        var widths = Enumerable.Range(0, all[0].Length).Select(i => all.Max(r => r[i].Length)).ToArray();
        foreach (var row in all)
            sb.Append("  ").AppendJoin("  ", row.Select((cell, i) => i == row.Length - 1 ? cell : cell.PadRight(widths[i]))).AppendLine();
    }

    private static string N(int n) => n.ToString(CultureInfo.InvariantCulture);
    private static string P(double? pct) => pct is { } p ? p.ToString("0.00", CultureInfo.InvariantCulture) + " %" : "-";
    private static string Ms(double? ms) => ms is { } m ? m.ToString("0.#", CultureInfo.InvariantCulture) + " ms" : "-";
}
