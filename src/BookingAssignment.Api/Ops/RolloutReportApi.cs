using System.Globalization;
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

    private const string Usage =
        "Usage: rollout-report [--window 24h] [--phase PHASE] [--repeat N --interval 5m [--failure-limit K]]";

    /// <summary>
    /// <c>rollout-report [--window 24h] [--phase production-10]</c>: prints the report as a table.
    /// Exit code 0 advance, 1 hold, 3 roll back, 2 bad arguments. With <c>--repeat N</c> it runs
    /// as an analysis instead (<see cref="RolloutAnalysis"/>).
    /// </summary>
    public static async Task<int> RunCommandAsync(IServiceProvider services, string[] args)
    {
        var given = new Dictionary<string, string?>(StringComparer.Ordinal);
        for (var i = 1; i < args.Length; i++)
        {
            var (name, value) = args[i].Split('=', 2) is [var n, var v] ? (n, v) : (args[i], i + 1 < args.Length ? args[++i] : null);
            if (name is not ("--window" or "--phase" or "--repeat" or "--interval" or "--failure-limit"))
            {
                await Console.Error.WriteLineAsync($"Unknown argument '{name}'. {Usage} (phases: {string.Join("|", RolloutPhases.Names)})");
                return 2;
            }
            given[name] = value;
        }
        var errors = Parse(given.GetValueOrDefault("--window"), given.GetValueOrDefault("--phase"), services.GetRequiredService<PipelineFlags>(), out var span, out var p)
            ?? new Dictionary<string, string[]>();
        var analysis = ParseAnalysis(given, errors);
        if (errors.Count > 0)
        {
            foreach (var (field, messages) in errors) await Console.Error.WriteLineAsync($"--{field}: {string.Join(" ", messages)}");
            return 2;
        }
        var reports = services.GetRequiredService<RolloutReportService>();
        if (analysis is not null)
            return await analysis.RunAsync(() => reports.BuildAsync(p, span, CancellationToken.None), services.GetRequiredService<TimeProvider>(), Console.Out, CancellationToken.None);
        var report = await reports.BuildAsync(p, span, CancellationToken.None);
        Console.Write(RolloutReportText.Format(report));
        return report.Verdict switch { Verdicts.Advance => 0, Verdicts.Hold => 1, _ => 3 };
    }

    /// <summary>--repeat / --interval / --failure-limit; null when --repeat is absent (a single report).</summary>
    private static RolloutAnalysis? ParseAnalysis(Dictionary<string, string?> given, Dictionary<string, string[]> errors)
    {
        if (!given.TryGetValue("--repeat", out var repeatText))
        {
            foreach (var other in new[] { "interval", "failure-limit" })
                if (given.ContainsKey("--" + other)) errors[other] = ["Only with --repeat N."];
            return null;
        }
        if (!int.TryParse(repeatText, NumberStyles.None, CultureInfo.InvariantCulture, out var repeat) || repeat < 1 || repeat > RolloutAnalysis.MaxRepeat)
            errors["repeat"] = [$"Use a whole number of evaluations from 1 to {RolloutAnalysis.MaxRepeat.ToString(CultureInfo.InvariantCulture)}."];
        if (!RolloutInterval.TryParse(given.GetValueOrDefault("--interval") ?? "5m", out var interval))
            errors["interval"] = ["Use a number and s, m or h, e.g. 30s, 5m, 1h (1 second to 24 hours)."];
        var limit = 0;
        if (given.TryGetValue("--failure-limit", out var limitText)
            && (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit > RolloutAnalysis.MaxRepeat))
            errors["failure-limit"] = ["Use a whole number of tolerated failed evaluations, 0 or more."];
        return new RolloutAnalysis(repeat, interval, limit);
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
