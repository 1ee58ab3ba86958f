using BookingAssignment.Api.Bookings;
using BookingAssignment.Api.Configuration;
using BookingAssignment.Api.Restaurants;
using BookingAssignment.Api.Locking;
using BookingAssignment.Api.Resilience;
using BookingAssignment.Core.Planning;
using Microsoft.Extensions.Options;
using Microsoft.FeatureManagement;

namespace BookingAssignment.Api.Assignment;

public static class AssignmentExtensions
{
    /// <summary>Flags (read once, exactly by their seed names), pipelines and the services around them.</summary>
    public static WebApplicationBuilder AddAssignment(this WebApplicationBuilder builder)
    {
        var flags = PipelineFlags.Parse(builder.Configuration);
        builder.Configuration.AddInMemoryCollection(flags.ToFeatureManagementConfiguration());
        builder.Services.AddSingleton(flags);
        builder.Services.AddFeatureManagement().AddFeatureFilter<RestaurantRolloutFilter>();

        builder.Services.AddOptions<BookingOptions>().BindConfiguration(BookingOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<RestaurantCatalog>();
        builder.Services.AddSingleton<IdempotencyStore>();
        builder.Services.AddSingleton<PipelineSelector>();
        builder.Services.AddOptions<CoordinatorOptions>().BindConfiguration(CoordinatorOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<PlannerOptions>().BindConfiguration(PlannerOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<ShadowOptions>().BindConfiguration(ShadowOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<LockingOptions>().BindConfiguration(LockingOptions.Section).ValidateDataAnnotations().ValidateOnStart();

        // Both planners, by pipeline name: the live path and the dry run resolve the same ones.
        builder.Services.AddKeyedSingleton<IAssignmentPlanner>(PipelineSelector.Legacy, (_, _) => new LegacyPlanner());
        builder.Services.AddKeyedSingleton<IAssignmentPlanner>(PipelineSelector.V3, (sp, _) =>
            new TablePlanner(new TablePlannerOptions { MaxMoves = sp.GetRequiredService<IOptions<PlannerOptions>>().Value.MaxMoves }));

        builder.Services.AddBreakers();
        builder.Services.AddHostedService<BreakerTimeline>();
        builder.Services.AddSingleton<RestaurantLocks>();
        builder.Services.AddSingleton<TransitionWriter>();
        builder.Services.AddSingleton<Admission>();
        builder.Services.AddSingleton<CoordinatorLimiter>();
        builder.Services.AddSingleton<LegacyAutoAssign>();
        builder.Services.AddSingleton<PlanWriter>();
        builder.Services.AddSingleton<RetryScheduler>();
        builder.Services.AddSingleton<AssignmentRun>();
        builder.Services.AddSingleton<ShadowRunner>();
        builder.Services.AddSingleton<AssignmentCoordinator>();
        builder.Services.AddHostedService<AssignmentWorker>();
        return builder;
    }
}
