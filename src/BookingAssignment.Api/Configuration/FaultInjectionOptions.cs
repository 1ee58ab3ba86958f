using System.ComponentModel.DataAnnotations;

namespace BookingAssignment.Api.Configuration;

/// <summary>
/// Fault injection for the crash tests, off by default: never set these in production. They widen
/// the windows the tests kill a process or cut the database in.
/// </summary>
internal sealed class FaultInjectionOptions
{
    public const string Section = "FaultInjection";

    /// <summary>POST /bookings waits this long after its booking is committed and before it answers.</summary>
    [Range(0, 600_000)] public int PauseAfterBookingCommitMs { get; set; }
}
