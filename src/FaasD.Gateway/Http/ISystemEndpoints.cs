namespace FaasD.Gateway.Http;

/// <summary>
/// A set of routes on the authenticated <c>/system</c> group (<see cref="SystemRouteGroup"/>). The gateway maps every
/// one registered, so a new set of routes is one registration rather than a registration and a mapping.
/// </summary>
internal interface ISystemEndpoints
{
    void Map(IEndpointRouteBuilder system);
}
