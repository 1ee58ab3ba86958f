using System.Globalization;
using System.Text;
using Spectre.Console;

namespace BookingAssignment.Simulator;

/// <summary>
/// The exact-admission figures: every policy against FCFS-exact (the best any policy can do under
/// the product's admission rule) and against the hindsight optimum (the price of first come, first served).
/// </summary>
public sealed class ExactReport(IReadOnlyList<NightResult> nights, string[] policies, double[] loads)
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public sealed record Row(double Load, string Policy, int Nights, double VsFcfs, double WorstVsFcfs, double VsOptimum, double AvoidablePct,
        double ManualReviewPct, double MovesPerAccepted, double P50, double P99, double Max, int BelowLegacy, int Unproved);

    public IEnumerable<Row> Rows()
    {
        foreach (var load in loads)
        {
            var atLoad = nights.Where(n => n.Load == load).ToList();
            if (atLoad.Count == 0) continue;
            var requests = atLoad.Sum(n => n.Requests);
            foreach (var policy in policies)
            {
                PolicyNight Of(NightResult n, string p) => n.Policies.Single(x => x.Policy == p);
                var vsFcfs = atLoad.Select(n => Ratio(Of(n, policy).Covers, Of(n, Night.FcfsExactName).Covers)).Order().ToArray();
                var runs = atLoad.Select(n => Of(n, policy)).ToList();
                var latencies = runs.SelectMany(r => r.Latencies).Order().ToArray();
                yield return new Row(load, policy, atLoad.Count, vsFcfs.Average(), vsFcfs[0],
                    atLoad.Average(n => Ratio(Of(n, policy).Covers, n.Optimum.Covers)),
                    100.0 * runs.Sum(r => r.Avoidable) / requests, 100.0 * runs.Sum(r => r.ManualReview) / requests,
                    runs.Sum(r => r.Moves) / (double)Math.Max(1, runs.Sum(r => r.Accepted)),
                    Pct(latencies, 0.5), Pct(latencies, 0.99), latencies.Length == 0 ? double.NaN : latencies[^1],
                    atLoad.Count(n => Of(n, policy).Covers < Of(n, "legacy").Covers), runs.Sum(r => r.Unproved));
            }
        }
    }

    public void WriteMarkdown(string path, SimulatorOptions options)
    {
        var md = new StringBuilder();
        md.AppendLine("## Exact admission against FCFS-exact");
        md.AppendLine();
        md.AppendLine(Inv, $"- Recorded: {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC; machine: {Report.Machine()}");
        md.AppendLine(Inv, $"- Command: `{options.CommandLine}`; {options.Nights} nights per load (the same nights for every policy); CP-SAT checks {options.CheckSeconds:0.##} s each; every {options.CheckEvery}th refusal of a policy is checked for avoidability and the count scaled by {options.CheckEvery} (an estimate)");
        md.AppendLine("- **fcfs-exact**: the same arrivals, each accepted iff CP-SAT finds an arrangement of everything accepted so far plus it (seated and frozen bookings fixed). The reference.");
        md.AppendLine("- **v3-exact**: the product's exact admission (`ExactPlanner`); **v3+moves**: V3 as it was (scored planner, at most 2 moves); **legacy**: the rollback target.");
        md.AppendLine("- **avoidable**: requests a policy declined although CP-SAT said they fit beside that policy's own accepted set at that moment, as a share of all requests. **manual review**: declined by the planner although admission would have admitted them (legacy, v3+moves: the capacity check passed; v3-exact: the decision ran out of budget). **vs optimum**: covers ÷ the hindsight optimum, which may turn seatable guests away: the price of first come, first served, not a target.");
        md.AppendLine();
        md.AppendLine("| load ρ | policy | nights | covers ÷ FCFS-exact (mean) | worst night | covers ÷ optimum | avoidable | manual review | moves / accepted | decision p50 µs | p99 µs | max µs | nights below legacy | checks unproved |");
        md.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var r in Rows())
            md.AppendLine(Inv, $"| {r.Load:0.0} | {r.Policy} | {r.Nights} | {r.VsFcfs * 100:0.00}% | {r.WorstVsFcfs * 100:0.00}% | {r.VsOptimum * 100:0.0}% | {r.AvoidablePct:0.00}% | {r.ManualReviewPct:0.00}% | {r.MovesPerAccepted:0.000} | {r.P50:0} | {r.P99:0} | {r.Max:0} | {r.BelowLegacy} | {r.Unproved} |");
        DocSections.Replace(path, "exact", md.ToString());
        AnsiConsole.WriteLine(md.ToString());
    }

    private static double Ratio(int covers, double reference) => reference <= 0 ? 1.0 : covers / reference;

    private static double Pct(double[] sorted, double q) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Length) - 1, 0, sorted.Length - 1)];
}
