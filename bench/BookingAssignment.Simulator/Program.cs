using System.Globalization;
using BookingAssignment.Core.Planning;
using BookingAssignment.Simulator;
using Spectre.Console;

// Service-night simulator (issue 4). Usage:
//   dotnet run -c Release --project bench/BookingAssignment.Simulator -- [--nights 54] [--time-limit 2.5] [--workers 2] [--docs docs] [--no-docs]
//     [--protect 0.65,0.8] [--protect-spare 2] [--protect-max-party 3]   (experimental yield policies; --protect none for none)
//     [--policies legacy,v3-exact,v3-exact+yield]   (only these; the reports need legacy, and the exact section fcfs-exact)
//     [--history-nights 8]   (the nights v3-exact+yield learns its forecast from: other seeds of the same floor, mix and load)
var options = SimulatorOptions.Parse(args);
var loads = new[] { 0.6, 0.8, 1.0, 1.2, 1.5 };
var mixes = new[] { Demand.Casual, Demand.CouplesHeavy };
var orders = new[] { ArrivalOrder.Booking, ArrivalOrder.LargeLast, ArrivalOrder.LongFirst };
var policies = new[]
{
    new Policy("legacy", _ => new LegacyPlanner()),
    // V3 as it was before exact admission: the scored planner with at most two moves.
    new Policy("v3+moves", _ => new TablePlanner(options.Planner with { MaxMoves = 2 })),
    new Policy("v3-exact", _ => new ExactPlanner(new ExactPlannerOptions { Scoring = options.Planner with { MaxMoves = 0 } })),
    // The product's opt-in yield setting (off by default): exact admission, then the bid-price rule with a forecast learnt from other nights (it declines seatable requests on purpose).
    new Policy("v3-exact+yield", night => new YieldingPlanner(new ExactPlanner(new ExactPlannerOptions { Scoring = options.Planner with { MaxMoves = 0 } }),
        History.Learn(night.Floor, night.Mix, night.Load, night.Seed, options.HistoryNights))),
    new Policy(Night.FcfsExactName, _ => throw new InvalidOperationException("run by FcfsExact")),
}.Where(p => options.Policies.Count == 0 || options.Policies.Contains(p.Name)).Concat(options.Protection.Select(rule =>
    // EXPERIMENT, not the product: may decline a seatable request (see ProtectingPlanner).
    new Policy(rule.Label, _ => new ProtectingPlanner(new TablePlanner(options.Planner with { MaxMoves = 2 }), rule), Experimental: true)))
.ToArray();
// Every load gets the same scenarios: nights cycle through floor × mix × order.
var floors = FloorPlans.All.Where(f => options.Floors.Count == 0 || options.Floors.Contains(f.Name)).ToArray();
var scenarios = (from f in floors from m in mixes from o in orders select (Floor: f, Mix: m, Order: o)).ToArray();

AnsiConsole.MarkupLine($"[bold]Service-night simulator[/]: {loads.Length} loads × {options.Nights} nights, {scenarios.Length} scenarios, CP-SAT {options.TimeLimit:0.##} s × {options.Workers} workers per night");
var results = new List<NightResult>();
var started = DateTimeOffset.UtcNow;
AnsiConsole.Progress()
    .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
    .Start(ctx =>
    {
        var task = ctx.AddTask("nights", maxValue: loads.Length * options.Nights);
        for (var l = 0; l < loads.Length; l++)
            for (var k = 0; k < options.Nights; k++)
            {
                var s = scenarios[k % scenarios.Length];
                var repetition = k / scenarios.Length;
                // The same demand for the three orders of a floor × mix, so orders are compared on equal nights.
                var seed = 1_000_003 * (l + 1) + 10_007 * repetition + 101 * Array.IndexOf(FloorPlans.All.ToArray(), s.Floor) + (s.Mix == Demand.Casual ? 0 : 1);
                task.Description = $"ρ={loads[l]:0.0} {s.Floor.Name} {s.Mix.Name} {s.Order}";
                results.Add(Night.Run(l, loads[l], s.Floor, s.Mix, s.Order, seed, policies, options.TimeLimit, options.Workers, options.CheckSeconds, options.CheckEvery));
                task.Increment(1);
            }
    });
var elapsed = DateTimeOffset.UtcNow - started;

var report = new Report(results, policies.Select(p => p.Name).ToArray(), loads, policies.Where(p => p.Experimental).Select(p => p.Name).ToArray());
report.Print();
var problems = results.SelectMany(r => r.Problems.Select(p => $"ρ={r.Load} {r.Floor} {r.Mix} {r.Order} seed {r.Seed}: {p}")).ToList();
if (options.WriteDocs)
{
    Directory.CreateDirectory(options.DocsDirectory);
    report.SaveChart(Path.Combine(options.DocsDirectory, "planner-covers-by-load.png"));
    report.WriteMarkdown(Path.Combine(options.DocsDirectory, "planner-benchmarks.md"), options, elapsed, problems.Count);
    new ExactReport(results, policies.Select(p => p.Name).ToArray(), loads).WriteMarkdown(Path.Combine(options.DocsDirectory, "planner-benchmarks.md"), options);
    AnsiConsole.MarkupLine($"Wrote [blue]{options.DocsDirectory}/planner-benchmarks.md[/] and [blue]planner-covers-by-load.png[/]");
}
AnsiConsole.MarkupLine($"Total time {elapsed.TotalMinutes:0.0} min.");
if (problems.Count > 0)
{
    AnsiConsole.MarkupLine($"[red]{problems.Count} invalid schedule entries[/]:");
    foreach (var p in problems.Take(30)) AnsiConsole.WriteLine(p);
    return 1;
}
AnsiConsole.MarkupLine("[green]Every schedule (each policy and the optimum) passed the validator.[/]");
return 0;

public sealed record SimulatorOptions(int Nights, double TimeLimit, int Workers, string DocsDirectory, bool WriteDocs, string CommandLine, TablePlannerOptions Planner,
    IReadOnlyList<ProtectionRule> Protection, double CheckSeconds, int CheckEvery, IReadOnlyList<string> Floors, int HistoryNights, IReadOnlyList<string> Policies)
{
    public static SimulatorOptions Parse(string[] args)
    {
        int nights = 54, workers = 2;
        var timeLimit = 2.5;
        string? docs = null;
        var write = true;
        var planner = new TablePlannerOptions();
        double[] protect = [];
        var checkSeconds = 0.5;
        var checkEvery = 4;
        string[] floors = [], only = [];
        int protectSpare = 2, protectMaxParty = 3, historyNights = 8;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--nights": nights = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--time-limit": timeLimit = double.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--workers": workers = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--docs": docs = args[++i]; break;
                case "--no-docs": write = false; break;
                case "--protect":
                    var list = args[++i];
                    protect = list == "none" ? [] : list.Split(',').Select(x => double.Parse(x, CultureInfo.InvariantCulture)).ToArray();
                    break;
                case "--check-seconds": checkSeconds = double.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--floors": floors = args[++i].Split(','); break;
                case "--policies": only = args[++i].Split(','); break;
                case "--check-every": checkEvery = Math.Max(1, int.Parse(args[++i], CultureInfo.InvariantCulture)); break;
                case "--history-nights": historyNights = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--protect-spare": protectSpare = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--protect-max-party": protectMaxParty = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                // For tuning experiments: --weights spare=1,tables=1.5,scarcity=2,zone=3,gap=0.05,budget=3000
                case "--weights":
                    foreach (var kv in args[++i].Split(',').Select(x => x.Split('=')))
                    {
                        var v = double.Parse(kv[1], CultureInfo.InvariantCulture);
                        planner = kv[0] switch
                        {
                            "spare" => planner with { SpareSeatWeight = v },
                            "tables" => planner with { ExtraTableWeight = v },
                            "scarcity" => planner with { ScarcityWeight = v },
                            "zone" => planner with { ZoneMismatchWeight = v },
                            "gap" => planner with { DeadGapWeightPerMinute = v },
                            "budget" => planner with { MoveSearchBudget = (int)v },
                            _ => throw new ArgumentException($"unknown weight {kv[0]}"),
                        };
                    }
                    break;
                default: throw new ArgumentException($"unknown option {args[i]}");
            }
        }
        docs ??= Path.Combine(FindRepositoryRoot(), "docs");
        var command = "dotnet run -c Release --project bench/BookingAssignment.Simulator -- " + string.Join(' ', args);
        return new SimulatorOptions(nights, timeLimit, workers, docs, write, command.Trim(), planner,
            protect.Select(t => new ProtectionRule(t, protectSpare, protectMaxParty)).ToArray(), checkSeconds, checkEvery, floors, historyNights, only);
    }

    private static string FindRepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "BookingAssignment.sln"))) dir = dir.Parent;
        return dir?.FullName ?? Directory.GetCurrentDirectory();
    }
}
