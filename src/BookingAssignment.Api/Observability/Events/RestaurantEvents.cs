namespace BookingAssignment.Api.Observability.Events;

/// <summary>Changes to a restaurant's floor and its capacity (source <c>restaurants</c>).</summary>
internal static class RestaurantEvents
{
    public const string Source = "restaurants";

    public static AppEvent FloorChanged(IReadOnlyList<string> added, IReadOnlyList<string> retired, int replanned, int stranded) =>
        New("restaurant.floor_changed", Severity.Info, ("tables_added", added), ("tables_retired", retired), ("replanned", replanned), ("stranded", stranded));

    public static AppEvent BlockCreated(Guid blockId, IReadOnlyList<string> tables, DateTimeOffset from, DateTimeOffset until, string reason, int replanned, int stranded) =>
        New("restaurant.table_block_created", Severity.Info, ("block_id", blockId), ("tables", tables), ("from", from), ("until", until),
            ("block_reason", reason), ("replanned", replanned), ("stranded", stranded));

    public static AppEvent BlockDeleted(Guid blockId) => New("restaurant.table_block_deleted", Severity.Info, ("block_id", blockId));

    public static AppEvent HoldCreated(Guid holdId, int partySize, DateTimeOffset startAt, DateTimeOffset expiresAt) =>
        New("restaurant.hold_created", Severity.Info, ("hold_id", holdId), ("party_size", partySize), ("start_at", startAt), ("expires_at", expiresAt));

    public static AppEvent YieldChanged(bool enabled) => New("restaurant.yield_changed", Severity.Info, ("enabled", enabled));

    private static AppEvent New(string type, string severity, params (string Key, object? Value)[] fields) =>
        new(Source, type, severity, fields.ToDictionary(f => f.Key, f => f.Value));
}
