namespace BookingAssignment.Api.Restaurants;

/// <summary>The demo floor `scripts/run.sh` seeds: two zones, 2-, 4- and 6-tops, some joinable.</summary>
internal static class DemoRestaurant
{
    public const string Name = "Demo Bistro";

    public static CreateRestaurantRequest Request() => new(
        Name,
        "Europe/London",
        [new ServiceDto("lunch", "12:00", "15:30", "14:00"), new ServiceDto("dinner", "17:00", "23:30", "21:30")],
        new Dictionary<string, int> { ["2"] = 90, ["4"] = 105, ["6"] = 120, ["8"] = 150 },
        15,
        [
            new TableDto("M1", "main", 1, 2), new TableDto("M2", "main", 1, 2),
            new TableDto("M3", "main", 2, 4), new TableDto("M4", "main", 2, 4), new TableDto("M5", "main", 2, 4),
            new TableDto("M6", "main", 2, 4), new TableDto("M7", "main", 2, 4), new TableDto("M8", "main", 2, 4),
            new TableDto("M9", "main", 4, 6), new TableDto("M10", "main", 4, 6),
            new TableDto("T1", "terrace", 1, 2), new TableDto("T2", "terrace", 1, 2), new TableDto("T3", "terrace", 1, 2),
            new TableDto("T4", "terrace", 1, 2), new TableDto("T5", "terrace", 2, 4),
        ],
        [["M3", "M4"], ["M4", "M5"], ["M6", "M7"], ["M7", "M8"], ["M1", "M2"], ["T1", "T2"], ["T2", "T3"], ["T3", "T4"], ["T4", "T5"]],
        3);
}
