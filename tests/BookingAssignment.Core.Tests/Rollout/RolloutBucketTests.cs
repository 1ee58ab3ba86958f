using BookingAssignment.Core.Rollout;

namespace BookingAssignment.Core.Tests.Rollout;

public class RolloutBucketTests
{
    private const string Feature = "AssignmentPipelineV3";
    private static readonly Guid[] Ids = Enumerable.Range(0, 10_000).Select(i => new Guid(System.Security.Cryptography.MD5.HashData(BitConverter.GetBytes(i)))).ToArray();

    [Fact]
    public void RaisingThePercentageOnlyAddsRestaurants()
    {
        var at10 = Ids.Where(id => RolloutBucket.IsIncluded(Feature, id, 10)).ToHashSet();
        var at50 = Ids.Where(id => RolloutBucket.IsIncluded(Feature, id, 50)).ToHashSet();
        var at100 = Ids.Where(id => RolloutBucket.IsIncluded(Feature, id, 100)).ToHashSet();
        Assert.Subset(at50, at10);
        Assert.Subset(at100, at50);
        Assert.Equal(Ids.Length, at100.Count);
        // roughly the share asked for (binomial, 10,000 draws: ±3 % is > 6 sigma)
        Assert.InRange(at10.Count, 700, 1300);
        Assert.InRange(at50.Count, 4700, 5300);
        Assert.DoesNotContain(Ids, id => RolloutBucket.IsIncluded(Feature, id, 0));
    }

    [Fact]
    public void RepeatedEvaluationIsStable()
    {
        foreach (var id in Ids.Take(2000))
        {
            var first = RolloutBucket.Of(Feature, id);
            Assert.Equal(first, RolloutBucket.Of(Feature, id));
            Assert.InRange(first, 0, 99);
        }
    }

    [Fact]
    public void TheFeatureNameIsPartOfTheHash()
    {
        var differ = Ids.Take(1000).Count(id => RolloutBucket.Of(Feature, id) != RolloutBucket.Of("OtherFeature", id));
        Assert.True(differ > 900, $"only {differ} of 1000 buckets changed with the feature name");
    }
}
