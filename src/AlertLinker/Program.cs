using AlertLinker.Actions;
using AlertLinker.Backends;
using AlertLinker.LogLinks;
using AlertLinker.Configuration;
using AlertLinker.Graphs;
using AlertLinker.OpenApi;
using AlertLinker.Operability;
using AlertLinker.Pipeline;
using AlertLinker.Playground;
using AlertLinker.Preview;
using AlertLinker.Resolution;
using AlertLinker.Runbooks;
using AlertLinker.Slack;
using AlertLinker.Sources;
using AlertLinker.Storage;

// `--help`, `templates check`, `notifications …`: offline commands that never start the server (see Cli/CommandLine).
if (await AlertLinker.Cli.CommandLine.RunAsync(args, Console.Out, Console.Error) is { } exitCode)
    return exitCode;

// Durations may be written 5s, 250ms, 2m as well as 00:00:05; must precede any binding.
HumaneDuration.Register();

var builder = WebApplication.CreateBuilder(new WebApplicationOptions
{
    Args = args,
    // appsettings*.json ship next to the binary; `dotnet run --project` from the repo root must find them.
    ContentRootPath = AppContext.BaseDirectory,
});

builder.ListenWhereAServerShould();
// Under systemd (Type=notify) start-up and stop are reported to it and logs go to the journal; elsewhere a no-op.
builder.Services.AddSystemd();
builder.AddReadableLogs();
builder.Services.AddOperability(builder.Configuration);
builder.Services.AddOpenApiDocument();
builder.Services.AddSources();
builder.Services.AddAlertStore();
builder.Services.AddAlertResolution();
builder.Services.AddTraceBackends(builder.Configuration);
builder.Services.AddLogLinks(builder.Configuration);
builder.Services.AddGraphs(builder.Configuration);
builder.Services.AddRunbooks();
builder.Services.AddSlack();
builder.Services.AddAlertPipeline();
builder.Services.AddDeliveryWorker();
builder.Services.AddPreview();
builder.Services.AddActionGroupStore();
builder.Services.AddActions(); // after AddSlack: wraps the sink

var app = builder.Build();

// Every configuration problem at once, one line each, exit code 2; never a stack trace.
if (ConfigurationCheck.Run(app.Services, builder.Services, builder.Configuration, Console.Error) is var check and not 0)
    return check;

app.UseOperability();
app.MapWebhooks();
app.MapPreview();
app.MapPreviewRender();
app.MapPlayground();
app.MapSlackInteractions();
app.MapOperability();
app.MapOpenApiDocument();

app.Run();
return 0;

/// <summary>Entry point; public for WebApplicationFactory.</summary>
public partial class Program;
