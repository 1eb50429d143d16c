namespace FaasD.Invocation;

/// <summary>
/// Invokes a function through the same in-process path as <c>/function/{name}</c>: a frozen function is woken,
/// the call counts as load and in the invocation metrics. Used by the async queue workers and the triggers.
/// </summary>
public interface IFunctionInvoker
{
    /// <summary>
    /// Never throws for a failed call: an unknown function is 404, one that cannot be woken 503/504, an unreachable
    /// upstream 502 (with <see cref="InvocationResponse.Reason"/>). Throws only when <paramref name="cancellationToken"/> fires.
    /// </summary>
    Task<InvocationResponse> InvokeAsync(InvocationRequest request, CancellationToken cancellationToken);
}
