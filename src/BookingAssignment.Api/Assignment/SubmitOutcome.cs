namespace BookingAssignment.Api.Assignment;

/// <summary>What happened to a submitted booking; mapped to HTTP at the edge.</summary>
internal abstract record SubmitOutcome
{
    /// <summary>The capacity check failed: 409 no_availability, nothing persisted.</summary>
    public sealed record Rejected(string Reason, IReadOnlyList<DateTimeOffset> Alternatives) : SubmitOutcome;

    /// <summary>The booking row exists; <paramref name="Terminal"/> says whether assignment finished.</summary>
    public sealed record Admitted(Guid BookingId, bool Terminal) : SubmitOutcome
    {
        /// <summary>
        /// The booking as this request committed it, with its live tables: the answer is built from
        /// it, so a database that goes away after the commit cannot turn a saved booking into a 503.
        /// </summary>
        public CommittedBooking? Committed { get; init; }
    }
}

/// <summary>A booking row as committed, with the tables it holds.</summary>
internal sealed record CommittedBooking(Booking Booking, IReadOnlyList<Guid> TableIds)
{
    public static CommittedBooking Of(BookingDb db, Booking booking) =>
        new(booking, db.TrackedWithoutDetect<BookingTableAssignment>().Where(a => a.BookingId == booking.Id && a.ReleasedAt is null).Select(a => a.TableId).ToArray());
}
