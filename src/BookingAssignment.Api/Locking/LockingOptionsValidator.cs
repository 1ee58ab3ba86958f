using BookingAssignment.Api.Configuration;

namespace BookingAssignment.Api.Locking;

/// <summary>Names every inconsistent Locking setting in the start-up error.</summary>
internal sealed class LockingOptionsValidator : IValidateOptions<LockingOptions>
{
    public ValidateOptionsResult Validate(string? name, LockingOptions options)
    {
        var problems = LockingOptions.Problems(options).ToList();
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
