using System.ComponentModel.DataAnnotations;

namespace BookingAssignment.Api.Assignment;

internal sealed class PlannerOptions
{
    public const string Section = "Planner";
    /// <summary>Other bookings V3 may move to make room (0 disables reassignment).</summary>
    [Range(0, 5)] public int MaxMoves { get; set; } = 2;
    /// <summary>Bookings starting within this many minutes are never moved.</summary>
    [Range(0, 1440)] public int FreezeMinutes { get; set; } = 60;
}
