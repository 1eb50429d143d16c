using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace FaasD;

/// <summary>Registration of a service that also runs in the background. The file is linked as source into the layers that need it.</summary>
internal static class HostedSingletonRegistration
{
    /// <summary>
    /// One <typeparamref name="TImplementation"/>, resolved both as <typeparamref name="TService"/> and as a hosted service:
    /// the instance the host starts is the one callers use (a second instance would have nothing running behind it).
    /// </summary>
    public static IServiceCollection AddHostedSingleton<TService, [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TImplementation>(this IServiceCollection services)
        where TService : class
        where TImplementation : class, TService, IHostedService
    {
        services.TryAddSingleton<TImplementation>();
        services.AddSingleton<TService>(sp => sp.GetRequiredService<TImplementation>());
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<TImplementation>());
        return services;
    }
}
