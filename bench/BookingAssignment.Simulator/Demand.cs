namespace BookingAssignment.Simulator;

/// <summary>One booking request of a simulated night. Times are minutes after the doors open (17:00).</summary>
public sealed record Request(int Id, int Party, int StartMinute, int HeldMinutes, double LeadMinutes)
{
    public int EndMinute => StartMinute + HeldMinutes;
    /// <summary>When the request arrives, in minutes relative to opening (negative: days before).</summary>
    public double ArrivalMinute => StartMinute - LeadMinutes;
}

public sealed record PartyMix(string Name, (int Party, double Weight)[] Weights);

public enum ArrivalOrder { Booking, LargeLast, LongFirst }

/// <summary>
/// The service night: doors 17:00, last seating 21:30, tables cleared by 23:00; starts on a 15-minute
/// grid peaking 19:00–19:30; turn times by party size plus a 10-minute reset buffer.
/// </summary>
public static class Demand
{
    public const int OpenMinute = 0;            // 17:00
    public const int LastSeatingMinute = 270;   // 21:30
    public const int CloseMinute = 360;         // 23:00
    public const int GridMinutes = 15;
    public const int BufferMinutes = 10;
    public const int FreezeMinutes = 30;

    private static readonly int[] TurnBySize = [0, 41, 47, 52, 54, 59, 64, 69, 75];

    public static int TurnMinutes(int party) => party < TurnBySize.Length ? TurnBySize[party] : 80;

    public static int HeldMinutes(int party) => TurnMinutes(party) + BufferMinutes;

    /// <summary>Relative demand for each start on the grid, 17:00 … 21:30.</summary>
    private static readonly double[] StartWeights = [2, 2, 3, 4, 6, 7, 9, 10, 12, 12, 12, 10, 8, 7, 5, 4, 3, 2, 1];

    public static readonly PartyMix Casual = new("casual",
    [
        (1, 12), (2, 50), (3, 12), (4, 17), (5, 4), (6, 3), (7, 0.75), (8, 0.75),
        (9, 0.125), (10, 0.125), (11, 0.125), (12, 0.125),
    ]);

    public static readonly PartyMix CouplesHeavy = new("couples",
    [
        (1, 6), (2, 70), (3, 7), (4, 11), (5, 2.5), (6, 2), (7, 0.5), (8, 0.5), (9, 0.125), (10, 0.125), (11, 0.125), (12, 0.125),
    ]);

    /// <summary>
    /// Draws requests until requested seat-minutes (party × turn) reach <paramref name="load"/> ×
    /// available seat-minutes (seats × opening hours). Requests come back in booking order.
    /// </summary>
    public static List<Request> Night(Random rng, int seats, PartyMix mix, double load)
    {
        var target = load * seats * (CloseMinute - OpenMinute);
        var requests = new List<Request>();
        double requested = 0;
        while (requested < target)
        {
            var party = Pick(rng, mix.Weights.Select(w => w.Weight).ToArray()) is var i ? mix.Weights[i].Party : 2;
            var start = Pick(rng, StartWeights) * GridMinutes;
            // Lead time: ~10% the same day, ~45% within the last week, the rest earlier.
            var u = rng.NextDouble();
            var lead = u < 0.10 ? rng.NextDouble() * 8 * 60
                : u < 0.55 ? (1 + rng.NextDouble() * 6) * 24 * 60
                : (7 + rng.NextDouble() * 53) * 24 * 60;
            requests.Add(new Request(requests.Count, party, start, HeldMinutes(party), lead));
            requested += party * TurnMinutes(party);
        }
        return requests;
    }

    public static List<Request> Order(IEnumerable<Request> requests, ArrivalOrder order) => order switch
    {
        ArrivalOrder.Booking => requests.OrderBy(r => r.ArrivalMinute).ThenBy(r => r.Id).ToList(),
        ArrivalOrder.LargeLast => requests.OrderBy(r => r.Party).ThenBy(r => r.ArrivalMinute).ThenBy(r => r.Id).ToList(),
        ArrivalOrder.LongFirst => requests.OrderByDescending(r => r.HeldMinutes).ThenBy(r => r.ArrivalMinute).ThenBy(r => r.Id).ToList(),
        _ => throw new ArgumentOutOfRangeException(nameof(order)),
    };

    private static int Pick(Random rng, double[] weights)
    {
        var x = rng.NextDouble() * weights.Sum();
        for (var i = 0; i < weights.Length; i++)
        {
            x -= weights[i];
            if (x < 0) return i;
        }
        return weights.Length - 1;
    }
}
