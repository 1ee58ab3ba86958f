using BookingAssignment.Core.Floors;
using BookingAssignment.Core.Planning;

namespace BookingAssignment.Core.Tests.Planning;

/// <summary>Small floors and bookings described by table labels and minutes after 17:00.</summary>
internal static class PlanningFixtures
{
    public static readonly DateTimeOffset Open = new(2026, 3, 14, 17, 0, 0, TimeSpan.Zero);

    public static Slot Window(int fromMinute, int minutes) => new(Open.AddMinutes(fromMinute), Open.AddMinutes(fromMinute + minutes));

    public static Guid TableId(int index) => new($"00000000-0000-0000-0000-{index + 1:D12}");

    public static Guid BookingId(int index) => new($"00000000-0000-0000-0001-{index + 1:D12}");

    /// <param name="tables">"label:min-max" or "label:min-max@zone" (zone defaults to "main").</param>
    /// <param name="joins">"A-B" pairs of labels that may be joined.</param>
    public static Floor Floor(string[] tables, string[] joins, int maxTablesPerBooking = 3)
    {
        var parsed = tables.Select((spec, i) =>
        {
            var zoneSplit = spec.Split('@');
            var parts = zoneSplit[0].Split(':');
            var range = parts[1].Split('-');
            var zone = zoneSplit.Length > 1 ? zoneSplit[1] : "main";
            return new FloorTable(TableId(i), parts[0], zone, int.Parse(range[0]), int.Parse(range[1]));
        }).ToArray();
        Guid Find(string label) => parsed.Single(t => t.Label == label).Id;
        var adjacency = joins.Select(j => j.Split('-')).Select(p => (Find(p[0]), Find(p[1])));
        return new Floor(parsed, adjacency, maxTablesPerBooking);
    }

    public static Guid Id(this Floor floor, string label) => floor.Tables.Single(t => t.Label == label).Id;

    public static string Labels(this Floor floor, IEnumerable<Guid> ids) =>
        string.Join("+", ids.Select(id => floor.Tables[floor.IndexOf(id)].Label).Order(StringComparer.Ordinal));

    public static Occupancy Booked(this Floor floor, int booking, string labels, Slot during, int party, bool movable = false) =>
        new(BookingId(booking), labels.Split('+').Select(floor.Id).ToArray(), during, party, movable);
}
