using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using BenchmarkDotNet.Running;
using BookingAssignment.PlannerBenchmarks;

// Planner micro-benchmark (issue 4). Two measurements of the same evening (60 tables, 300 bookings):
//  1. per-call latency distribution (p50/p99/max), each Plan call timed on its own;
//  2. BenchmarkDotNet mean per plan (skip with --latency-only).
// Usage: dotnet run -c Release --project bench/BookingAssignment.PlannerBenchmarks -- [--latency-only] [--rounds 30] [--no-docs]
var latencyOnly = args.Contains("--latency-only");
var writeDocs = !args.Contains("--no-docs");
var rounds = args.SkipWhile(a => a != "--rounds").Skip(1).Select(a => int.Parse(a, CultureInfo.InvariantCulture)).FirstOrDefault(30);
var inv = CultureInfo.InvariantCulture;

if (args.Contains("--sell-out"))
{
    // The e2e sell-out's evening decided by the exact planner alone (issue 9): see SellOut.
    Console.WriteLine("| seed | seated | proved unseatable | out of budget | manual-review share of admitted | moves | p50 ms | p99 ms | max ms |");
    Console.WriteLine("|---|---|---|---|---|---|---|---|---|");
    var budgetMs = args.SkipWhile(a => a != "--budget-ms").Skip(1).Select(a => int.Parse(a, CultureInfo.InvariantCulture)).FirstOrDefault(50);
    var sweepMs = args.SkipWhile(a => a != "--sweep-ms").Skip(1).Select(a => int.Parse(a, CultureInfo.InvariantCulture)).FirstOrDefault(10);
    SellOut.Run(seeds: 4, new BookingAssignment.Core.Planning.ExactPlannerOptions { Budget = TimeSpan.FromMilliseconds(budgetMs), SweepBudget = TimeSpan.FromMilliseconds(sweepMs) });
    return 0;
}

var evening = Evening.Create();
Console.WriteLine($"Evening: {evening.Floor.Floor.Tables.Count} tables, {evening.Bookings.Count} bookings, {evening.Probes.Count} probe requests");
var rows = new List<string>();
foreach (var name in Policies.Names)
{
    var planner = Policies.Create(name);
    var floor = evening.Floor.Floor;
    // Warm up (JIT, tiering, per-floor caches).
    for (var w = 0; w < 3; w++)
        foreach (var p in evening.Probes) planner.Plan(floor, evening.Bookings, p);
    var samples = new double[rounds * evening.Probes.Count];
    var planned = 0;
    var moved = 0;
    var k = 0;
    for (var r = 0; r < rounds; r++)
        foreach (var probe in evening.Probes)
        {
            var t0 = Stopwatch.GetTimestamp();
            var plan = planner.Plan(floor, evening.Bookings, probe);
            samples[k++] = Stopwatch.GetElapsedTime(t0).TotalMicroseconds;
            if (r == 0 && plan is not null) { planned++; if (plan.Moves.Count > 0) moved++; }
        }
    Array.Sort(samples);
    double Pct(double q) => samples[Math.Clamp((int)Math.Ceiling(q * samples.Length) - 1, 0, samples.Length - 1)];
    var row = $"| {name} | {samples.Length} | {planned}/{evening.Probes.Count} ({moved} with moves) | {Pct(0.5).ToString("0.0", inv)} | {Pct(0.99).ToString("0.0", inv)} | {Pct(0.999).ToString("0.0", inv)} | {samples[^1].ToString("0.0", inv)} |";
    Console.WriteLine(row);
    rows.Add(row);
}

var bdnRows = new List<string>();
if (!latencyOnly)
{
    // Artifacts go to a temporary folder, not into the working tree.
    var config = BenchmarkDotNet.Configs.ManualConfig.Create(BenchmarkDotNet.Configs.DefaultConfig.Instance)
        .WithArtifactsPath(Path.Combine(Path.GetTempPath(), "planner-benchmarks-artifacts"));
    var summary = BenchmarkRunner.Run<PlannerBenchmarks>(config);
    foreach (var report in summary.Reports)
    {
        var stats = report.ResultStatistics;
        if (stats is null) continue;
        var policy = report.BenchmarkCase.Parameters["Policy"]?.ToString() ?? "?";
        var alloc = report.GcStats.GetBytesAllocatedPerOperation(report.BenchmarkCase);
        bdnRows.Add($"| {policy} | {(stats.Mean / 1000).ToString("0.00", inv)} | {(stats.StandardDeviation / 1000).ToString("0.00", inv)} | {(stats.Percentiles.P95 / 1000).ToString("0.00", inv)} | {(alloc is null ? "–" : (alloc.Value / 1024.0).ToString("0.0", inv))} |");
    }
}

if (writeDocs)
{
    var md = new StringBuilder();
    md.AppendLine("## Planner micro-benchmark");
    md.AppendLine();
    md.AppendLine(inv, $"- Recorded: {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC");
    md.AppendLine(inv, $"- Machine: {Machine()}");
    var command = ("dotnet run -c Release --project bench/BookingAssignment.PlannerBenchmarks -- " + string.Join(' ', args)).Replace(" -- ", args.Length == 0 ? "" : " -- ", StringComparison.Ordinal).Trim();
    md.AppendLine("- Command: `" + command + "`");
    md.AppendLine(inv, $"- Evening: casual-240 floor ({evening.Floor.Floor.Tables.Count} tables, {evening.Floor.Floor.Candidates.Count} candidate sets), {evening.Bookings.Count} bookings that evening (all movable), {evening.Probes.Count} probe requests from the casual mix; each call plans one probe against the same 300 bookings");
    md.AppendLine();
    md.AppendLine("Per-call latency (each call timed with `Stopwatch`, after warm-up), µs:");
    md.AppendLine();
    md.AppendLine("| policy | calls | probes planned (round 1) | p50 | p99 | p99.9 | max |");
    md.AppendLine("|---|---|---|---|---|---|---|");
    foreach (var r in rows) md.AppendLine(r);
    if (bdnRows.Count > 0)
    {
        md.AppendLine();
        md.AppendLine("BenchmarkDotNet (mean over the probe set per plan, 12 iterations), µs:");
        md.AppendLine();
        md.AppendLine("| policy | mean | std dev | p95 of iterations | allocated KB / plan |");
        md.AppendLine("|---|---|---|---|---|");
        foreach (var r in bdnRows) md.AppendLine(r);
    }
    var path = Path.Combine(FindRepositoryRoot(), "docs", "planner-benchmarks.md");
    Directory.CreateDirectory(Path.GetDirectoryName(path)!);
    DocSection.Replace(path, "micro", md.ToString());
    Console.WriteLine($"Wrote {path}");
}
return 0;

static string Machine()
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

static string FindRepositoryRoot()
{
    var dir = new DirectoryInfo(AppContext.BaseDirectory);
    while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "BookingAssignment.sln"))) dir = dir.Parent;
    return dir?.FullName ?? Directory.GetCurrentDirectory();
}

/// <summary>Rewrites one marked section of the shared benchmarks page (the simulator owns the other).</summary>
internal static class DocSection
{
    public static void Replace(string path, string section, string content)
    {
        var begin = $"<!-- {section}:begin -->";
        var end = $"<!-- {section}:end -->";
        var text = File.Exists(path) ? File.ReadAllText(path) : "# Planner benchmarks\n";
        var block = begin + "\n" + content.TrimEnd() + "\n" + end;
        var i = text.IndexOf(begin, StringComparison.Ordinal);
        var j = text.IndexOf(end, StringComparison.Ordinal);
        text = i >= 0 && j > i ? text[..i] + block + text[(j + end.Length)..] : text.TrimEnd() + "\n\n" + block + "\n";
        File.WriteAllText(path, text);
    }
}
