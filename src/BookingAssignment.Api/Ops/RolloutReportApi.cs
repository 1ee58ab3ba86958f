using System.Globalization;
using System.Text;
using BookingAssignment.Api.Configuration;
using BookingAssignment.Api.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace BookingAssignment.Api.Ops;

/// <summary>The rollout report: GET /ops/rollout-report and the <c>rollout-report</c> command.</summary>
internal static class RolloutReportApi
{
    /// <summary>Rollout report options and services, and the dashboard's metrics service.</summary>
    public static WebApplicationBuilder AddOps(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<RolloutReportOptions>().BindConfiguration(RolloutReportOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<Microsoft.Extensions.Options.IValidateOptions<RolloutReportOptions>, RolloutReportOptionsValidator>();
        builder.Services.AddScoped<RolloutReportService>();
        builder.Services.AddScoped<OpsMetricsService>();
        return builder;
    }

    /// <summary>GET /ops/rollout-report?window=24h&amp;phase=…: the seed's metrics with pass/fail against its targets.</summary>
    public static async Task<Results<Ok<RolloutReport>, ValidationProblem>> GetAsync(string? window, string? phase, RolloutReportService reports,
        PipelineFlags flags, CancellationToken ct)
    {
        var errors = Parse(window, phase, flags, out var span, out var p);
        if (errors is not null) return Problems.Validation(errors);
        return TypedResults.Ok(await reports.BuildAsync(p, span, ct));
    }

    internal static Dictionary<string, string[]>? Parse(string? window, string? phase, PipelineFlags flags, out TimeSpan span, out RolloutPhase p)
    {
        var errors = new Dictionary<string, string[]>();
        if (!RolloutWindow.TryParse(window ?? "24h", out span)) errors["window"] = ["Use a number and m, h or d, e.g. 1h, 24h, 7d (1 minute to 90 days)."];
        p = RolloutPhases.Infer(flags);
        if (phase is not null && !RolloutPhases.TryParse(phase, out p)) errors["phase"] = [$"Use one of {string.Join(", ", RolloutPhases.Names)}."];
        return errors.Count == 0 ? null : errors;
    }

    /// <summary>
    /// <c>rollout-report [--window 24h] [--phase production-10]</c>: prints the report as a table.
    /// Exit code 0 advance, 1 hold, 3 roll back, 2 bad arguments.
    /// </summary>
    public static async Task<int> RunCommandAsync(IServiceProvider services, string[] args)
    {
        string? window = null, phase = null;
        for (var i = 1; i < args.Length; i++)
        {
            var (name, value) = args[i].Split('=', 2) is [var n, var v] ? (n, v) : (args[i], i + 1 < args.Length ? args[++i] : null);
            switch (name)
            {
                case "--window": window = value; break;
                case "--phase": phase = value; break;
                default:
                    await Console.Error.WriteLineAsync($"Unknown argument '{args[i]}'. Usage: rollout-report [--window 24h] [--phase {string.Join("|", RolloutPhases.Names)}]");
                    return 2;
            }
        }
        var errors = Parse(window, phase, services.GetRequiredService<PipelineFlags>(), out var span, out var p);
        if (errors is not null)
        {
            foreach (var (field, messages) in errors) await Console.Error.WriteLineAsync($"--{field}: {string.Join(" ", messages)}");
            return 2;
        }
        var report = await services.GetRequiredService<RolloutReportService>().BuildAsync(p, span, CancellationToken.None);
        Console.Write(Format(report));
        return report.Verdict switch { Verdicts.Advance => 0, Verdicts.Hold => 1, _ => 3 };
    }

    public static string Format(RolloutReport report)
    {
        var sb = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        sb.AppendLine(inv, $"Rollout report: phase {report.Phase}, window {report.Window} ({report.From:yyyy-MM-dd HH:mm} to {report.To:yyyy-MM-dd HH:mm} UTC)");
        sb.AppendLine();
        var rows = report.Checks.Select(c => (Metric: c.Metric, Value: c.Value, Target: c.Target, Status: c.Status)).Prepend((Metric: "METRIC", Value: "VALUE", Target: "TARGET", Status: "STATUS")).ToList();
        int w1 = rows.Max(r => r.Metric.Length), w2 = rows.Max(r => r.Value.Length), w3 = rows.Max(r => r.Target.Length);
        foreach (var (metric, value, target, status) in rows)
            sb.AppendLine(inv, $"  {metric.PadRight(w1)}  {value.PadRight(w2)}  {target.PadRight(w3)}  {status}");
        sb.AppendLine();
        sb.AppendLine(inv, $"VERDICT: {report.Verdict.ToUpperInvariant()}");
        foreach (var reason in report.Reasons) sb.AppendLine(inv, $"  - {reason}");
        return sb.ToString();
    }
}

/// <summary>Names every invalid RolloutReport setting in the start-up error.</summary>
internal sealed class RolloutReportOptionsValidator : Microsoft.Extensions.Options.IValidateOptions<RolloutReportOptions>
{
    public Microsoft.Extensions.Options.ValidateOptionsResult Validate(string? name, RolloutReportOptions options)
    {
        var problems = RolloutReportOptions.Problems(options).ToList();
        return problems.Count == 0 ? Microsoft.Extensions.Options.ValidateOptionsResult.Success : Microsoft.Extensions.Options.ValidateOptionsResult.Fail(problems);
    }
}
