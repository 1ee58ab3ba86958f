namespace BookingAssignment.Api.Assignment;

/// <summary>What happened to a submitted booking; mapped to HTTP at the edge.</summary>
internal abstract record SubmitOutcome
{
    /// <summary>The capacity check failed: 409 no_availability, nothing persisted.</summary>
    public sealed record Rejected(string Reason, IReadOnlyList<DateTimeOffset> Alternatives) : SubmitOutcome;

    /// <summary>The booking row exists; <paramref name="Terminal"/> says whether assignment finished.</summary>
    public sealed record Admitted(Guid BookingId, bool Terminal) : SubmitOutcome;
}
