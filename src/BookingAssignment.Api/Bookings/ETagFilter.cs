namespace BookingAssignment.Api.Bookings;

/// <summary>Every booking answer carries the booking's ETag header (the same value as its <c>etag</c> field), for If-Match on PATCH.</summary>
internal sealed class ETagFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var result = await next(context);
        var inner = result is INestedHttpResult nested ? nested.Result : result;
        if (inner is IValueHttpResult { Value: BookingResponse { ETag.Length: > 0 } booking })
            context.HttpContext.Response.Headers.ETag = booking.ETag;
        return result;
    }
}
