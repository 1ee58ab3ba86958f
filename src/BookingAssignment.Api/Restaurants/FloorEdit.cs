using System.Text.Json;
using BookingAssignment.Api.Http;

namespace BookingAssignment.Api.Restaurants;

/// <summary>
/// Applies a validated floor (PUT /restaurants/{id}) to the tracked restaurant: settings replaced;
/// tables matched by label — kept (zone and covers updated), added, or retired when missing (never
/// deleted: assignments keep referring to them); adjacency replaced by the new pairs.
/// </summary>
internal static class FloorEdit
{
    public static (IReadOnlyList<string> Added, IReadOnlyList<string> Retired) Apply(BookingDb db, Restaurant entity, CreateRestaurantRequest request,
        DateTimeOffset now)
    {
        entity.Name = request.Name!.Trim();
        entity.Services = JsonSerializer.Serialize(request.Services, JsonBody.Options);
        entity.TurnMinutesByPartySize = JsonSerializer.Serialize(request.TurnMinutesByPartySize);
        entity.BufferMinutes = request.BufferMinutes!.Value;
        entity.MaxTablesPerBooking = request.MaxTablesPerBooking ?? 3;

        var zones = entity.Zones.ToDictionary(z => z.Name, StringComparer.Ordinal);
        var live = entity.Tables.Where(t => t.RetiredAt is null).ToDictionary(t => t.Label, StringComparer.Ordinal);
        var added = new List<string>();
        var byLabel = new Dictionary<string, RestaurantTable>(StringComparer.Ordinal);
        foreach (var t in request.Tables!)
        {
            var label = t.Label!.Trim();
            var zoneName = t.Zone!.Trim();
            if (!zones.TryGetValue(zoneName, out var zone))
            {
                zone = new Zone { Id = Guid.CreateVersion7(now), RestaurantId = entity.Id, Name = zoneName };
                zones[zoneName] = zone;
                db.Zones.Add(zone);
            }
            if (!live.TryGetValue(label, out var table))
            {
                table = new RestaurantTable { Id = Guid.CreateVersion7(now), RestaurantId = entity.Id, Label = label };
                entity.Tables.Add(table);
                added.Add(label);
            }
            table.ZoneId = zone.Id;
            table.MinCovers = t.MinCovers!.Value;
            table.MaxCovers = t.MaxCovers!.Value;
            byLabel[label] = table;
        }
        var retired = live.Values.Where(t => !byLabel.ContainsKey(t.Label)).ToList();
        foreach (var t in retired) t.RetiredAt = now;

        var wanted = (request.Adjacency ?? [])
            .Select(p => (A: byLabel[p[0].Trim()].Id, B: byLabel[p[1].Trim()].Id))
            .Select(p => p.A.CompareTo(p.B) < 0 ? p : (A: p.B, B: p.A))
            .ToHashSet();
        foreach (var pair in entity.Adjacency.Where(a => !wanted.Contains((a.TableA, a.TableB))).ToList())
            db.Adjacency.Remove(pair);
        entity.Adjacency.RemoveAll(a => !wanted.Contains((a.TableA, a.TableB)));
        foreach (var (a, b) in wanted.Where(p => !entity.Adjacency.Any(x => x.TableA == p.A && x.TableB == p.B)))
            entity.Adjacency.Add(new TableAdjacency { RestaurantId = entity.Id, TableA = a, TableB = b });
        return (added.Order(StringComparer.Ordinal).ToArray(), retired.Select(t => t.Label).Order(StringComparer.Ordinal).ToArray());
    }
}
