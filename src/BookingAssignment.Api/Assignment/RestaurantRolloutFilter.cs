using BookingAssignment.Core.Rollout;
using Microsoft.FeatureManagement;

namespace BookingAssignment.Api.Assignment;

/// <summary>
/// Microsoft.FeatureManagement filter for the sticky percentage rollout: enabled when the
/// restaurant's hash bucket for this feature is below <c>Percent</c>.
/// </summary>
[FilterAlias(Alias)]
internal sealed class RestaurantRolloutFilter : IContextualFeatureFilter<RestaurantContext>
{
    public const string Alias = "RestaurantRollout";

    public Task<bool> EvaluateAsync(FeatureFilterEvaluationContext featureContext, RestaurantContext appContext)
    {
        var percent = featureContext.Parameters.GetValue<int?>("Percent") ?? 100;
        return Task.FromResult(RolloutBucket.IsIncluded(featureContext.FeatureName, appContext.RestaurantId, percent));
    }
}
