using System.ComponentModel.DataAnnotations;

namespace BookingAssignment.Api.Configuration;

internal sealed class BookingOptions
{
    public const string Section = "Bookings";

    /// <summary>How long POST /bookings waits for a terminal outcome before answering 202.</summary>
    [Range(50, 30_000)] public int InlineBudgetMs { get; set; } = 2000;
    [Range(1, 5000)] public int NotesMaxLength { get; set; } = 500;
    /// <summary>How far ahead a booking may be made.</summary>
    [Range(1, 730)] public int MaxDaysAhead { get; set; } = 365;
    /// <summary>Legacy planner: inline attempts and the pause between them.</summary>
    [Range(1, 20)] public int LegacyMaxAttempts { get; set; } = 3;
    [Range(0, 5000)] public int LegacyRetryDelayMs { get; set; } = 25;
    /// <summary>How many alternative start times a 409 no_availability offers.</summary>
    [Range(0, 20)] public int AlternativesCount { get; set; } = 4;
    /// <summary>A booking may be marked no-show this long after its start (POST /bookings/{id}/no-show).</summary>
    [Range(0, 240)] public int NoShowGraceMinutes { get; set; } = 15;
    /// <summary>How long a hold (POST /restaurants/{id}/holds) reserves its capacity.</summary>
    [Range(1, 3600)] public int HoldTtlSeconds { get; set; } = 300;
    /// <summary>How long before its start a party may be seated (if its tables are free until then).</summary>
    [Range(0, 720)] public int EarlySeatMinutes { get; set; } = 60;
    /// <summary>The longest table block, in days (each day it covers is locked while it is placed).</summary>
    [Range(1, 90)] public int MaxBlockDays { get; set; } = 14;
}
