using BookingAssignment.Api.Configuration;
using Microsoft.FeatureManagement;

namespace BookingAssignment.Api.Assignment;

/// <summary>Context for the per-restaurant rollout decision.</summary>
internal sealed record RestaurantContext(Guid RestaurantId);

/// <summary>Which pipeline assigns for a restaurant, and whether the other one runs as a dry run.</summary>
internal sealed record PipelineChoice(string Live, string? DryRun);

internal sealed class PipelineSelector(IFeatureManager features)
{
    public const string Legacy = "legacy";
    public const string V3 = "v3";

    public async Task<PipelineChoice> ChooseAsync(Guid restaurantId)
    {
        var v3 = await features.IsEnabledAsync(PipelineFlags.V3Feature, new RestaurantContext(restaurantId));
        var shadow = await features.IsEnabledAsync(PipelineFlags.ShadowFeature);
        var live = v3 ? V3 : Legacy;
        return new PipelineChoice(live, shadow ? (v3 ? Legacy : V3) : null);
    }
}
