using System.Globalization;
using System.Reflection;
using System.Runtime.ExceptionServices;
using System.Text;
using AlertLinker.Pipeline;
using AlertLinker.Storage;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace AlertLinker.Benchmarks;

/// <summary>
/// <c>accept-intake PORT --durable FILE</c>, settings from the environment as for the service itself: AlertLinker's
/// own request path — Program.cs, its middleware, the Alertmanager source's token check, parse and normalisation,
/// the store's dedupe keys and serialisation — with the store's accept replaced by an append to a
/// <see cref="GroupCommitLog"/> (the 202 waits for its fdatasync), and the delivery worker not running. No SQLite
/// on the accept path, no dedupe lookups, no delivery.
/// <para>
/// What it measures is a bound, not a product: no store behind AlertLinker's current request path can accept faster
/// than this, so the gap between it and bare+fdatasync is the request path's, and the gap between it and durable is
/// the store's (and the delivery worker's).
/// </para>
/// </summary>
internal static class IntakeOnlyServer
{
    public static async Task<int> ServeAsync(string[] args)
    {
        var port = int.Parse(args[0], CultureInfo.InvariantCulture);
        var path = AcceptBenchmark.Value(args, "--durable") ?? throw new ArgumentException("accept-intake PORT --durable FILE");
        var log = new GroupCommitLog(path);
        await using var app = new App(port, log);
        app.UseKestrel();
        app.StartServer();
        await Task.Delay(Timeout.Infinite);
        return 0;
    }

    private sealed class App(int port, GroupCommitLog log) : WebApplicationFactory<SqliteAlertStore> // any type of the service assembly: its entry point is what runs
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Production");
            builder.UseContentRoot(AppContext.BaseDirectory);
            builder.UseSetting("urls", $"http://127.0.0.1:{port}");
            builder.ConfigureServices(services =>
            {
                // Nothing delivers: the bound is the accept path's alone.
                foreach (var worker in services.Where(d => d.ServiceType == typeof(IHostedService) && d.ImplementationType == typeof(DeliveryWorker)).ToList())
                    services.Remove(worker);
                // The store as registered, for everything but AcceptAsync (health checks, gauges read it).
                var registered = services.Last(d => d.ServiceType == typeof(IAlertStore));
                services.Remove(registered);
                services.AddSingleton(provider => LogAccepts.Wrap((IAlertStore)(registered.ImplementationInstance
                    ?? registered.ImplementationFactory?.Invoke(provider)
                    ?? ActivatorUtilities.CreateInstance(provider, registered.ImplementationType!)), log));
            });
        }
    }

    /// <summary>An <see cref="IAlertStore"/> whose accept is a log append; every other call goes to the real store.</summary>
    public class LogAccepts : DispatchProxy
    {
        private IAlertStore inner = null!;
        private GroupCommitLog log = null!;
        private long lastId;

        public static IAlertStore Wrap(IAlertStore inner, GroupCommitLog log)
        {
            var proxy = Create<IAlertStore, LogAccepts>();
            var self = (LogAccepts)(object)proxy;
            self.inner = inner;
            self.log = log;
            return proxy;
        }

        protected override object? Invoke(MethodInfo? method, object?[]? args)
        {
            if (method!.Name == nameof(IAlertStore.AcceptAsync))
                return AcceptAsync((AlertNotification)args![0]!);
            try
            {
                return method.Invoke(inner, args);
            }
            catch (TargetInvocationException e) when (e.InnerException is not null)
            {
                ExceptionDispatchInfo.Throw(e.InnerException);
                throw;
            }
        }

        private async Task<AcceptResult> AcceptAsync(AlertNotification notification)
        {
            // What SqliteAlertStore.AcceptAsync does before it queues (the dedupe keys and the stored JSON), then the
            // JSON as UTF-8 for the log, as SQLite converts it for its pages.
            var accept = QueuedAccept.For(notification);
            await log.AppendAsync(Encoding.UTF8.GetBytes(accept.Payload));
            return new AcceptResult(Interlocked.Increment(ref lastId), accept.Keys.Count, 0);
        }
    }
}
