using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using BookingAssignment.Core.Floors;

namespace BookingAssignment.Core.Planning;

/// <summary>
/// Refusals of <see cref="ExactPlanner"/> proved on a whole evening, remembered by the evening's
/// content (floor shape and every occupancy: tables, window, party, movable). A sold-out evening is
/// asked the same thing again and again while nothing on it changes; the proof is a fact about
/// that content, so it never goes stale (a new or moved booking makes another key).
/// <para>
/// A request is refused from memory when a remembered refusal dominates it: its window contains
/// the remembered one and every set that fits it also fit the remembered party. Any arrangement
/// seating it would then seat the remembered request on the same set, which was proved impossible.
/// </para>
/// Shared by every thread; when full it starts over rather than tracking age.
/// </summary>
internal sealed class EveningRefusals(int capacity)
{
    public static EveningRefusals Shared { get; } = new(2_000);

    private readonly ConcurrentDictionary<string, ConcurrentBag<(Slot During, bool[] Fits)>> _refused = new(StringComparer.Ordinal);

    /// <summary>The evening's content as a key (everything the decision reads except the request).</summary>
    public static string Key(Floor floor, IReadOnlyList<Occupancy> occupied)
    {
        var rows = occupied.Select(o =>
            $"{string.Join(',', o.TableIds.Select(floor.IndexOf).Order())}|{o.During.Start.UtcTicks}|{o.During.End.UtcTicks}|{o.PartySize}|{(o.Movable ? 1 : 0)}")
            .Order(StringComparer.Ordinal);
        var text = InstantAnswers.Shape(floor) + string.Join(';', rows);
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }

    public bool Refuses(string evening, Floor floor, PlanRequest request)
    {
        if (!_refused.TryGetValue(evening, out var known)) return false;
        var fits = Fits(floor, request.PartySize);
        foreach (var (during, fitted) in known)
            if (during.Start >= request.During.Start && during.End <= request.During.End && Subset(fits, fitted)) return true;
        return false;
    }

    public void Add(string evening, Floor floor, PlanRequest request)
    {
        if (_refused.Count >= capacity) _refused.Clear();
        _refused.GetOrAdd(evening, _ => []).Add((request.During, Fits(floor, request.PartySize)));
    }

    private static bool[] Fits(Floor floor, int party) => floor.Candidates.Select(c => c.Fits(party)).ToArray();

    private static bool Subset(bool[] a, bool[] b)
    {
        for (var i = 0; i < a.Length; i++) if (a[i] && !b[i]) return false;
        return true;
    }
}
