using BookingAssignment.Api.Bookings;
using BookingAssignment.Api.Restaurants;

namespace BookingAssignment.Api.Assignment;

/// <summary>
/// Entry point for every new booking (POST /bookings): reads the flags and the restaurant's
/// sticky rollout bucket, chooses the live pipeline (stored on the booking) and runs it.
/// </summary>
public sealed class AssignmentCoordinator(PipelineSelector selector, LegacyAutoAssign legacy)
{
    public async Task<SubmitOutcome> SubmitAsync(RestaurantModel restaurant, BookingDraft draft, CancellationToken ct)
    {
        var choice = await selector.ChooseAsync(restaurant.Id);
        return await legacy.SubmitAsync(restaurant, draft, ct);
    }
}
