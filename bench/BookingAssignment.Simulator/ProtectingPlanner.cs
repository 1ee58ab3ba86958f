using BookingAssignment.Core.Floors;
using BookingAssignment.Core.Planning;

namespace BookingAssignment.Simulator;

/// <summary>
/// EXPERIMENT, NOT THE PRODUCT'S BEHAVIOUR. A yield ("protection") rule wrapped around a planner:
/// it may decline a request the inner planner can seat, which breaks the sound-admission rule
/// (SPEC §4.2, issue 4 item 3: never reject a request that some rearrangement could seat).
/// <para>
/// Rule, using only what is known when the request arrives: ask the inner planner for a plan; if
/// the party has at most <see cref="ProtectionRule.MaxParty"/> guests, the plan leaves at least
/// <see cref="ProtectionRule.MinSpareSeats"/> empty seats, and at least
/// <see cref="ProtectionRule.Threshold"/> of the floor's tables of the same size as the chosen
/// table(s) are already held at some point of the requested window, decline. Otherwise accept the
/// plan unchanged (the schedule is then validated like every other policy's).
/// </para>
/// </summary>
public sealed class ProtectingPlanner(IAssignmentPlanner inner, ProtectionRule rule) : IAssignmentPlanner
{
    public TablePlan? Plan(Floor floor, IReadOnlyList<Occupancy> occupied, PlanRequest request)
    {
        var plan = inner.Plan(floor, occupied, request);
        if (plan is null || request.PartySize > rule.MaxParty) return plan;

        var chosen = plan.TableIds.Select(id => floor.Tables[floor.IndexOf(id)]).ToArray();
        var spare = chosen.Sum(t => t.MaxCovers) - request.PartySize;
        if (spare < rule.MinSpareSeats) return plan;

        // Pool: every table of the same size (max covers) as a chosen table.
        var sizes = chosen.Select(t => t.MaxCovers).ToHashSet();
        var pool = new HashSet<Guid>(floor.Tables.Where(t => sizes.Contains(t.MaxCovers)).Select(t => t.Id));
        var held = new HashSet<Guid>();
        foreach (var o in occupied)
            if (o.During.Overlaps(request.During))
                foreach (var t in o.TableIds)
                    if (pool.Contains(t)) held.Add(t);
        var utilisation = held.Count / (double)pool.Count;
        return utilisation >= rule.Threshold ? null : plan;
    }
}

/// <param name="Threshold">Share of same-size tables already held in the requested window at which wasteful plans are declined.</param>
/// <param name="MinSpareSeats">A plan counts as wasteful when it leaves at least this many empty seats.</param>
/// <param name="MaxParty">Only parties up to this size are ever declined.</param>
public sealed record ProtectionRule(double Threshold, int MinSpareSeats = 2, int MaxParty = 3)
{
    public string Label => $"v3+moves+protect{Math.Round(Threshold * 100):0}";
}
