using System.Net;
using System.Text.Json.Nodes;
using BookingAssignment.Api.Tests.Infrastructure;

namespace BookingAssignment.Api.Tests;

public sealed class RestaurantValidationTests
{
    private static JsonObject Valid() => Bodies.Restaurant(
        [("A1", "main", 1, 2), ("A2", "main", 1, 2), ("T1", "terrace", 2, 4)],
        [("A1", "A2")]);

    /// <summary>(what is wrong, how to break a valid body, the field the 400 must name).</summary>
    private static readonly (string Case, Action<JsonObject> Break, string Field)[] BadBodies =
    [
        ("duplicate table labels", b => b["tables"]!.AsArray()[1]!["label"] = "A1", "tables[1].label"),
        ("minCovers greater than maxCovers", b => { b["tables"]![0]!["minCovers"] = 6; b["tables"]![0]!["maxCovers"] = 2; }, "tables[0].minCovers"),
        ("adjacency naming an unknown label", b => b["adjacency"] = new JsonArray(new JsonArray("A1", "ZZ")), "adjacency[0]"),
        ("adjacency across zones", b => b["adjacency"] = new JsonArray(new JsonArray("A1", "T1")), "adjacency[0]"),
        ("an unknown time zone", b => b["timeZone"] = "Mars/Olympus_Mons", "timeZone"),
        ("a Windows time zone name", b => b["timeZone"] = "GMT Standard Time", "timeZone"),
        ("overlapping services", b => b["services"]!.AsArray().Add(new JsonObject { ["name"] = "tea", ["start"] = "14:30", ["end"] = "17:30", ["lastSeating"] = "16:00" }), "services[2]"),
        ("a service ending when it starts", b => b["services"]![0]!["end"] = "12:00", "services[0].end"),
        // An end before the start runs past midnight: lunch 12:00 to 11:00 the next day overlaps dinner.
        ("a service past midnight into the next service", b => b["services"]![0]!["end"] = "11:00", "services[1]"),
        ("no tables", b => b["tables"] = new JsonArray(), "tables"),
        ("no name", b => b.Remove("name"), "name"),
        ("a table with the wrong type of maxCovers", b => b["tables"]![0]!["maxCovers"] = "two", "tables[0].maxCovers"),
    ];

    [Fact]
    public async Task EachInconsistentRestaurantIsRejectedWith400NamingTheField()
    {
        await using var api = await ApiHost.StartAsync();
        var failures = new List<string>();
        foreach (var (name, breakIt, field) in BadBodies)
        {
            var body = Valid();
            breakIt(body);
            var response = await BookingApiClient.PostAsync(api.Ops, "/restaurants", body.ToJsonString());
            if (response.Status != HttpStatusCode.BadRequest || !response.ErrorKeys.Contains(field))
                failures.Add($"{name}: expected 400 naming '{field}', got {response}");
        }
        var malformed = await BookingApiClient.PostAsync(api.Ops, "/restaurants", "{\"name\": \"x\", ");
        if (malformed.Status != HttpStatusCode.BadRequest || !malformed.ErrorKeys.Contains("body"))
            failures.Add($"malformed JSON: expected 400 naming 'body', got {malformed}");

        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.Equal(0, await api.Db.CountAsync("SELECT count(*) FROM restaurants"));
        Assert.Equal(0, await api.Db.CountAsync("SELECT count(*) FROM restaurant_tables"));

        // The unbroken body is accepted, so each 400 above came from the one thing broken.
        var created = await api.Bookings.CreateRestaurantAsync(Valid());
        Assert.Equal(3, created.TableIds.Count);
        Assert.Equal(1, await api.Db.CountAsync("SELECT count(*) FROM restaurants"));
        Assert.Equal(1, await api.Db.CountAsync("SELECT count(*) FROM table_adjacency"));
    }
}
