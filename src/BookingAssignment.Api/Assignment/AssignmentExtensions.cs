using BookingAssignment.Api.Bookings;
using BookingAssignment.Api.Configuration;
using BookingAssignment.Api.Restaurants;
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
        builder.Services.AddSingleton<LegacyAutoAssign>();
        builder.Services.AddSingleton<AssignmentCoordinator>();
        return builder;
    }
}
