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
    private static readonly ConcurrentDictionary<int, InstantAnswers> ByCapacity = new();

    /// <summary>One store per capacity for the process: admission and availability (each its own planner) share what they proved.</summary>
    public static InstantAnswers Shared(int capacity) => ByCapacity.GetOrAdd(capacity, c => new InstantAnswers(c));

    private readonly ConcurrentDictionary<string, bool> _answers = new();

    /// <summary>The floor in index terms: covers per table and every candidate set.</summary>
    public static string Shape(Floor floor) => Shapes.GetValue(floor, f =>
        string.Join(';', f.Tables.Select(t => $"{t.MinCovers}-{t.MaxCovers}")) + "#" +
        string.Join(';', f.Candidates.Where(c => c.Count > 1).Select(c => string.Join(',', c.Indexes))) + "#");

    public bool TryGet(string key, out bool seatable) => _answers.TryGetValue(key, out seatable);

    public void Add(string key, bool seatable)
    {
        if (capacity <= 0) return;
        if (_answers.Count >= capacity) _answers.Clear();
        _answers[key] = seatable;
    }
}
