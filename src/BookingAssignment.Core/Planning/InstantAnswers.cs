using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using BookingAssignment.Core.Floors;

namespace BookingAssignment.Core.Planning;

/// <summary>
/// Answers of <see cref="ExactPlanner"/>'s instant problems (can everyone in progress at one
/// instant be seated at once?), remembered by content: the floor's shape and the problem's key
/// (<see cref="ArrangementSearch.InstantKey"/>). An answer is a fact about that content, so it never
/// goes stale; nothing needs invalidating when bookings change, they just make other keys. Shared
/// by every thread; when full it starts over rather than tracking age.
/// </summary>
internal sealed class InstantAnswers(int capacity)
{
    private static readonly ConditionalWeakTable<Floor, string> Shapes = new();

    /// <summary>The process's store: admission and availability (each its own planner) share what they proved.</summary>
    public static InstantAnswers Shared { get; } = new(20_000);

    private readonly ConcurrentDictionary<string, bool> _answers = new();

    /// <summary>The floor in index terms: covers per table and every candidate set.</summary>
    public static string Shape(Floor floor) => Shapes.GetValue(floor, f =>
        string.Join(';', f.Tables.Select(t => $"{t.MinCovers}-{t.MaxCovers}")) + "#" +
        string.Join(';', f.Candidates.Where(c => c.Count > 1).Select(c => string.Join(',', c.Indexes))) + "#");

    public bool TryGet(string key, out bool seatable) => _answers.TryGetValue(key, out seatable);

    public void Add(string key, bool seatable)
    {
        if (_answers.Count >= capacity) _answers.Clear();
        _answers[key] = seatable;
    }
}
