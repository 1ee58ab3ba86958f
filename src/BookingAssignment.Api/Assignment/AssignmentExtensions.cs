using BookingAssignment.Api.Configuration;
using Microsoft.FeatureManagement;

namespace BookingAssignment.Api.Assignment;

internal static class AssignmentExtensions
{
    /// <summary>
    /// The FEATURE_ASSIGNMENT_PIPELINE_V3* flags (read once, exactly by their seed names), both
    /// pipelines, the one V3 run and what surrounds it (limiter, retries, shadow, worker).
    /// </summary>
    public static WebApplicationBuilder AddAssignment(this WebApplicationBuilder builder)
    {
        var flags = PipelineFlags.Parse(builder.Configuration);
        builder.Configuration.AddInMemoryCollection(flags.ToFeatureManagementConfiguration());
        builder.Services.AddSingleton(flags);
        builder.Services.AddFeatureManagement().AddFeatureFilter<RestaurantRolloutFilter>();
        builder.Services.AddSingleton<PipelineSelector>();
        builder.Services.AddOptions<CoordinatorOptions>().BindConfiguration(CoordinatorOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<PlannerOptions>().BindConfiguration(PlannerOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<ShadowOptions>().BindConfiguration(ShadowOptions.Section).ValidateDataAnnotations().ValidateOnStart();

        // Both planners, by pipeline name: the live path and the dry run resolve the same ones.
        builder.Services.AddKeyedSingleton<IAssignmentPlanner>(PipelineSelector.Legacy, (_, _) => new LegacyPlanner());
        // V3 decides exactly (SPEC §4.2): the same solver admits, plans, dry-runs and suggests.
        builder.Services.AddKeyedSingleton<IAssignmentPlanner>(PipelineSelector.V3, (sp, _) =>
        {
            var o = sp.GetRequiredService<IOptions<PlannerOptions>>().Value;
            return o.ExactAdmission
                // Remembered by the schedule's content: a drop's hundred requests for one sold-out time are decided once.
                ? new RememberedDecisions(new ExactPlanner(new ExactPlannerOptions { Budget = TimeSpan.FromMilliseconds(o.DecisionBudgetMs) }),
                    rememberBudgetExhausted: false)
                : new TablePlanner(new TablePlannerOptions { MaxMoves = o.MaxMoves });
        });
        builder.Services.AddSingleton<AvailabilityPlanner>();
        builder.Services.AddSingleton<ScheduleCache>();
        builder.Services.AddSingleton<YieldForecasts>();
        builder.Services.AddHostedService<PlannerWarmUp>();

        builder.Services.AddSingleton<TransitionWriter>();
        builder.Services.AddSingleton<Admission>();
        builder.Services.AddSingleton<PlanWriter>();
        builder.Services.AddSingleton<RetryScheduler>();
        builder.Services.AddSingleton<AssignmentRun>();
        builder.Services.AddSingleton<LockedChange>();
        builder.Services.AddSingleton<Replanner>();
        builder.Services.AddSingleton<Reseating>();
        builder.Services.AddSingleton<LegacyAutoAssign>();
        builder.Services.AddSingleton<CoordinatorLimiter>();
        builder.Services.AddSingleton<ShadowRunner>();
        builder.Services.AddSingleton<AssignmentCoordinator>();
        builder.Services.AddHostedService<AssignmentWorker>();
        return builder;
    }
}
