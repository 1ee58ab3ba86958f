namespace BookingAssignment.Api.Observability.Events;

/// <summary>Events of the booking lifecycle (source <c>bookings</c>).</summary>
internal static class BookingEvents
{
    public const string Source = "bookings";

    public static AppEvent Created(string pipeline, int partySize, DateTimeOffset startAt) =>
        New("booking.created", Severity.Info, ("pipeline", pipeline), ("party_size", partySize), ("start_at", startAt));

    public static AppEvent Rejected(string reason, int partySize, DateTimeOffset startAt, string pipeline, int alternatives) =>
        New("booking.rejected", Severity.Info, ("reason", reason), ("party_size", partySize), ("start_at", startAt),
            ("pipeline", pipeline), ("alternatives", alternatives));

    public static AppEvent Cancelled(string previousStatus, string assignmentState, int tablesReleased) =>
        New("booking.cancelled", Severity.Info, ("previous_status", previousStatus), ("assignment_state", assignmentState), ("tables_released", tablesReleased));

    public static AppEvent ManuallyAssigned(string actor, string fromState, IReadOnlyList<string> tables, IReadOnlyList<string> previousTables, bool pinned) =>
        New("booking.manually_assigned", Severity.Info, ("actor", actor), ("from_state", fromState), ("tables", tables),
            ("previous_tables", previousTables), ("pinned", pinned));

    /// <summary>PATCH /bookings/{id}: each changed field as <c>{"old": …, "new": …}</c>, and the tables before and after.</summary>
    public static AppEvent Modified(IReadOnlyDictionary<string, (object? Old, object? New)> changes, IReadOnlyList<string> tables, IReadOnlyList<string> previousTables) =>
        New("booking.modified", Severity.Info,
            ("changes", changes.ToDictionary(c => c.Key, c => new Dictionary<string, object?> { ["old"] = c.Value.Old, ["new"] = c.Value.New })),
            ("tables", tables), ("previous_tables", previousTables));

    public static AppEvent Seated(bool early, IReadOnlyList<string> tables) =>
        New("booking.seated", Severity.Info, ("early", early), ("tables", tables));

    public static AppEvent Completed(int tablesReleased) => New("booking.completed", Severity.Info, ("tables_released", tablesReleased));

    public static AppEvent NoShow(int tablesReleased, double minutesLate) =>
        New("booking.no_show", Severity.Info, ("tables_released", tablesReleased), ("minutes_late", minutesLate));

    private static AppEvent New(string type, string severity, params (string Key, object? Value)[] fields) =>
        new(Source, type, severity, fields.ToDictionary(f => f.Key, f => f.Value));
}
