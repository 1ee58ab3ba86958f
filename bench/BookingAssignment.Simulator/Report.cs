using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Spectre.Console;

namespace BookingAssignment.Simulator;

/// <summary>Aggregates nights into the figures issue 4 asks for, prints them, charts them and writes the markdown.</summary>
public sealed class Report(IReadOnlyList<NightResult> nights, string[] policies, double[] loads, string[]? experimental = null)
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public sealed record Cell(double Load, string Policy, int Nights, double Mean, double P10, double Worst, double MeanVsBound,
        double Acceptance, double PeakUtilisation, double MovesPerAccepted, int BelowLegacy);

    public IEnumerable<Cell> Cells()
    {
        foreach (var load in loads)
        {
            var atLoad = nights.Where(n => n.Load == load).ToList();
            if (atLoad.Count == 0) continue;
            foreach (var policy in policies)
            {
                var ratios = atLoad.Select(n => Ratio(n.Policies.Single(p => p.Policy == policy).Covers, n.Optimum.Covers)).Order().ToArray();
                var vsBound = atLoad.Where(n => double.IsFinite(n.Optimum.Bound)).Select(n => Ratio(n.Policies.Single(p => p.Policy == policy).Covers, n.Optimum.Bound)).DefaultIfEmpty(double.NaN).ToArray();
                var runs = atLoad.Select(n => n.Policies.Single(p => p.Policy == policy)).ToList();
                var below = atLoad.Count(n => n.Policies.Single(p => p.Policy == policy).Covers < n.Policies.Single(p => p.Policy == "legacy").Covers);
                yield return new Cell(load, policy, atLoad.Count, ratios.Average(), Percentile(ratios, 0.10), ratios[0], vsBound.Average(),
                    runs.Sum(r => r.Accepted) / (double)atLoad.Sum(n => n.Requests), runs.Average(r => r.PeakUtilisation),
                    runs.Sum(r => r.Moves) / (double)Math.Max(1, runs.Sum(r => r.Accepted)), below);
            }
        }
    }

    public void Print()
    {
        var table = new Table().Title("Covers seated ÷ offline optimum (per night)");
        foreach (var h in new[] { "load ρ", "policy", "nights", "mean", "p10", "worst", "mean vs bound", "accepted", "peak util.", "moves/accepted", "nights < legacy" })
            table.AddColumn(h);
        foreach (var c in Cells())
            table.AddRow(c.Load.ToString("0.0", Inv), c.Policy, c.Nights.ToString(Inv), Pct(c.Mean), Pct(c.P10), Pct(c.Worst), Pct(c.MeanVsBound),
                Pct(c.Acceptance), Pct(c.PeakUtilisation), c.MovesPerAccepted.ToString("0.000", Inv), c.BelowLegacy.ToString(Inv));
        AnsiConsole.Write(table);

        var opt = new Table().Title("Offline optimum (CP-SAT)");
        foreach (var h in new[] { "load ρ", "nights", "proved optimal", "mean gap to bound", "mean solve s", "peak util." }) opt.AddColumn(h);
        foreach (var row in OptimumRows()) opt.AddRow(row);
        AnsiConsole.Write(opt);

        var accept = new Table().Title("Acceptance by party size (all loads)");
        accept.AddColumn("policy");
        foreach (var b in Night.Buckets) accept.AddColumn(b);
        foreach (var row in AcceptanceRows()) accept.AddRow(row);
        AnsiConsole.Write(accept);

        var scen = new Table().Title("Mean covers ratio by scenario (all loads)");
        foreach (var h in new[] { "floor", "mix", "order" }.Concat(policies)) scen.AddColumn(h);
        foreach (var row in ScenarioRows()) scen.AddRow(row);
        AnsiConsole.Write(scen);

        var lat = new Table().Title("Planner latency inside the simulator (µs per request)");
        foreach (var h in new[] { "policy", "calls", "p50", "p99", "max" }) lat.AddColumn(h);
        foreach (var row in LatencyRows()) lat.AddRow(row);
        AnsiConsole.Write(lat);
    }

    private IEnumerable<string[]> OptimumRows()
    {
        foreach (var load in loads)
        {
            var atLoad = nights.Where(n => n.Load == load).ToList();
            if (atLoad.Count == 0) continue;
            yield return
            [
                load.ToString("0.0", Inv), atLoad.Count.ToString(Inv), $"{atLoad.Count(n => n.Optimum.Proved)}/{atLoad.Count}",
                Pct(atLoad.Where(n => double.IsFinite(n.Optimum.Bound)).Select(n => n.Optimum.Bound <= 0 ? 0 : (n.Optimum.Bound - n.Optimum.Covers) / n.Optimum.Bound).DefaultIfEmpty(double.NaN).Average()),
                atLoad.Average(n => n.SolveSeconds).ToString("0.00", Inv), Pct(atLoad.Average(n => n.OptimumPeakUtilisation)),
            ];
        }
    }

    private IEnumerable<string[]> AcceptanceRows()
    {
        var requested = Enumerable.Range(0, Night.Buckets.Length).Select(b => nights.Sum(n => n.RequestedByBucket[b])).ToArray();
        foreach (var policy in policies)
            yield return new[] { policy }.Concat(Enumerable.Range(0, Night.Buckets.Length)
                .Select(b => Pct(nights.Sum(n => n.Policies.Single(p => p.Policy == policy).AcceptedByBucket[b]) / (double)Math.Max(1, requested[b])))).ToArray();
        yield return new[] { "optimum" }.Concat(Enumerable.Range(0, Night.Buckets.Length)
            .Select(b => Pct(nights.Sum(n => n.OptimumByBucket[b]) / (double)Math.Max(1, requested[b])))).ToArray();
        yield return new[] { "(requests)" }.Concat(requested.Select(r => r.ToString(Inv))).ToArray();
    }

    private IEnumerable<string[]> ScenarioRows()
    {
        foreach (var g in nights.GroupBy(n => (n.Floor, n.Mix, n.Order)))
            yield return new[] { g.Key.Floor, g.Key.Mix, g.Key.Order.ToString() }
                .Concat(policies.Select(p => Pct(g.Average(n => Ratio(n.Policies.Single(x => x.Policy == p).Covers, n.Optimum.Covers))))).ToArray();
    }

    public IEnumerable<string[]> LatencyRows()
    {
        foreach (var policy in policies)
        {
            var all = nights.SelectMany(n => n.Policies.Single(p => p.Policy == policy).Latencies).ToArray();
            Array.Sort(all);
            yield return [policy, all.Length.ToString(Inv), Percentile(all, 0.50).ToString("0.0", Inv), Percentile(all, 0.99).ToString("0.0", Inv), all[^1].ToString("0.0", Inv)];
        }
    }

    public void SaveChart(string path)
    {
        var plot = new ScottPlot.Plot();
        var cells = Cells().ToList();
        var palette = new[] { ScottPlot.Colors.Gray, ScottPlot.Colors.SteelBlue, ScottPlot.Colors.DarkOrange, ScottPlot.Colors.Purple, ScottPlot.Colors.Crimson };
        for (var i = 0; i < policies.Length; i++)
        {
            var mine = cells.Where(c => c.Policy == policies[i]).ToList();
            var xs = mine.Select(c => c.Load).ToArray();
            var mean = plot.Add.Scatter(xs, mine.Select(c => c.Mean * 100).ToArray());
            mean.LegendText = $"{policies[i]}{(IsExperimental(policies[i]) ? " [experiment]" : "")} (mean)";
            mean.Color = palette[i % palette.Length];
            mean.LineWidth = 2;
            mean.MarkerSize = 7;
            var p10 = plot.Add.Scatter(xs, mine.Select(c => c.P10 * 100).ToArray());
            p10.LegendText = $"{policies[i]} (10th percentile)";
            p10.Color = palette[i % palette.Length];
            p10.LinePattern = ScottPlot.LinePattern.Dashed;
            p10.MarkerSize = 4;
        }
        var target = plot.Add.HorizontalLine(98);
        target.Color = ScottPlot.Colors.Green.WithAlpha(0.5);
        target.LinePattern = ScottPlot.LinePattern.Dotted;
        plot.Title("Covers seated as % of the offline optimum, by load");
        plot.XLabel("load ρ (requested ÷ available seat-minutes)");
        plot.YLabel("covers ÷ optimum (%)");
        plot.ShowLegend(ScottPlot.Alignment.LowerLeft);
        plot.SavePng(path, 900, 560);
    }

    public void WriteMarkdown(string path, SimulatorOptions options, TimeSpan elapsed, int problems)
    {
        var md = new StringBuilder();
        md.AppendLine("## Service-night simulator");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"- Recorded: {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC, {elapsed.TotalMinutes:0.0} min wall time");
        md.AppendLine(CultureInfo.InvariantCulture, $"- Machine: {Machine()}");
        md.AppendLine(CultureInfo.InvariantCulture, $"- Command: `{options.CommandLine}` (Release build)");
        md.AppendLine(CultureInfo.InvariantCulture, $"- Nights: {options.Nights} per load (each load cycles through 3 floors × 2 party mixes × 3 arrival orders); CP-SAT limit {options.TimeLimit:0.##} s × {options.Workers} workers per night, hinted with the best online schedule");
        md.AppendLine(CultureInfo.InvariantCulture, $"- Validator: {(problems == 0 ? "every schedule of every policy and of the optimum valid" : $"**{problems} problems found**")}");
        var experiments = policies.Where(IsExperimental).ToArray();
        if (experiments.Length > 0)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"- Experimental policies, **not the product's behaviour**: {string.Join(", ", experiments.Select(e => $"`{e}`"))} (a yield rule that may decline a seatable small party; see \"What a yield policy would buy\" below). The optimum is hinted with the best online schedule of any policy, these included.");
        }
        md.AppendLine();
        md.AppendLine("Covers ratio = covers a policy seated ÷ covers of the best CP-SAT solution that night. Where CP-SAT did not prove optimality, \"vs bound\" divides by its upper bound instead, a lower bound on the true ratio.");
        md.AppendLine();
        md.AppendLine("| load ρ | policy | nights | mean | p10 | worst | mean vs bound | accepted | peak seat util. | moves / accepted | nights below legacy |");
        md.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var c in Cells())
            md.AppendLine(CultureInfo.InvariantCulture, $"| {c.Load:0.0} | {c.Policy} | {c.Nights} | {Pct(c.Mean)} | {Pct(c.P10)} | {Pct(c.Worst)} | {Pct(c.MeanVsBound)} | {Pct(c.Acceptance)} | {Pct(c.PeakUtilisation)} | {c.MovesPerAccepted:0.000} | {c.BelowLegacy} |");
        md.AppendLine();
        md.AppendLine("Offline optimum:");
        md.AppendLine();
        md.AppendLine("| load ρ | nights | proved optimal | mean gap to bound | mean solve s | peak seat util. |");
        md.AppendLine("|---|---|---|---|---|---|");
        foreach (var r in OptimumRows()) md.AppendLine("| " + string.Join(" | ", r) + " |");
        md.AppendLine();
        md.AppendLine("Acceptance by party size (all loads):");
        md.AppendLine();
        md.AppendLine("| policy | " + string.Join(" | ", Night.Buckets) + " |");
        md.AppendLine("|---|" + string.Concat(Enumerable.Repeat("---|", Night.Buckets.Length)));
        foreach (var r in AcceptanceRows()) md.AppendLine("| " + string.Join(" | ", r) + " |");
        md.AppendLine();
        md.AppendLine("Mean covers ratio by scenario (all loads):");
        md.AppendLine();
        md.AppendLine("| floor | mix | order | " + string.Join(" | ", policies) + " |");
        md.AppendLine("|---|---|---|" + string.Concat(Enumerable.Repeat("---|", policies.Length)));
        foreach (var r in ScenarioRows()) md.AppendLine("| " + string.Join(" | ", r) + " |");
        md.AppendLine();
        md.AppendLine("Planner latency measured inside the simulator (µs per request, includes reassignment searches on a full floor; the micro-benchmark below is the controlled measurement):");
        md.AppendLine();
        md.AppendLine("| policy | calls | p50 | p99 | max |");
        md.AppendLine("|---|---|---|---|---|");
        foreach (var r in LatencyRows()) md.AppendLine("| " + string.Join(" | ", r) + " |");
        md.AppendLine();
        md.AppendLine("![Covers ratio by load](planner-covers-by-load.png)");
        DocSections.Replace(path, "simulator", md.ToString());
    }

    public static string Machine()
    {
        var cpu = "unknown CPU";
        try
        {
            var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
            if (line is not null) cpu = line[(line.IndexOf(':') + 1)..].Trim();
        }
        catch (IOException) { }
        return $"{cpu}, {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}";
    }

    private bool IsExperimental(string policy) => experimental is not null && experimental.Contains(policy);

    private static double Ratio(int covers, double optimum) => optimum <= 0 ? 1.0 : covers / optimum;

    private static double Percentile(double[] sorted, double q)
    {
        if (sorted.Length == 0) return double.NaN;
        var rank = (int)Math.Ceiling(q * sorted.Length) - 1;
        return sorted[Math.Clamp(rank, 0, sorted.Length - 1)];
    }

    private static string Pct(double x) => double.IsNaN(x) ? "–" : (x * 100).ToString("0.0", Inv) + "%";
}

/// <summary>docs/planner-benchmarks.md is shared by the simulator and the micro-benchmark: each owns one marked section.</summary>
public static class DocSections
{
    public static void Replace(string path, string section, string content)
    {
        var begin = $"<!-- {section}:begin -->";
        var end = $"<!-- {section}:end -->";
        var text = File.Exists(path) ? File.ReadAllText(path) : Skeleton;
        var block = begin + "\n" + content.TrimEnd() + "\n" + end;
        var i = text.IndexOf(begin, StringComparison.Ordinal);
        var j = text.IndexOf(end, StringComparison.Ordinal);
        text = i >= 0 && j > i ? text[..i] + block + text[(j + end.Length)..] : text.TrimEnd() + "\n\n" + block + "\n";
        File.WriteAllText(path, text);
    }

    private const string Skeleton = """
        # Planner benchmarks

        Issue 4: the V3 `TablePlanner` against the legacy planner and a hindsight optimum. Regenerate with
        `bench/run-planner-bench.sh`; the sections below are rewritten by the programs that measure them.

        <!-- simulator:begin -->
        <!-- simulator:end -->

        <!-- micro:begin -->
        <!-- micro:end -->
        """;
}
