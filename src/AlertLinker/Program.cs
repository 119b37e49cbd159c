using AlertLinker.Backends;
using AlertLinker.Backends.Logs;
using AlertLinker.Operability;
using AlertLinker.Pipeline;
using AlertLinker.Preview;
using AlertLinker.Resolution;
using AlertLinker.Runbooks;
using AlertLinker.Slack;
using AlertLinker.Sources;
using AlertLinker.Sources.Alertmanager;
using AlertLinker.Sources.Grafana;
using AlertLinker.Sources.Opsgenie;
using AlertLinker.Sources.PagerDuty;
using AlertLinker.Storage;

// `AlertLinker templates check [DIR]`: the same template validation as start-up, offline, for template authors' CI.
if (args is ["templates", "check", ..])
    return RunbookTemplateCheck.Run(args.ElementAtOrDefault(2), Console.Out);

// `AlertLinker notifications list [--failed]` / `retry (--failed | ID…)`: the backlog of the configured store, offline.
if (args is ["notifications", ..])
    return await NotificationsCommand.RunAsync(args[1..], Console.Out, Console.Error);

var builder = WebApplication.CreateBuilder(new WebApplicationOptions
{
    Args = args,
    // appsettings*.json ship next to the binary; `dotnet run --project` from the repo root must find them.
    ContentRootPath = AppContext.BaseDirectory,
});

builder.Services.AddOperability();
builder.Services.AddSources();
builder.Services.AddAlertStore();
builder.Services.AddAlertResolution();
builder.Services.AddTraceBackends(builder.Configuration);
builder.Services.AddLogLinks(builder.Configuration);
builder.Services.AddRunbooks();
builder.Services.AddSlack();
builder.Services.AddAlertPipeline();
builder.Services.AddDeliveryWorker();
builder.Services.AddPreview();

var app = builder.Build();

app.UseOperability();
app.MapAlertmanagerWebhook();
app.MapGrafanaWebhook();
app.MapPagerDutyWebhook();
app.MapOpsgenieWebhook();
app.MapPreview();
app.MapOperability();

app.Run();
return 0;

/// <summary>Entry point; public for WebApplicationFactory.</summary>
public partial class Program;
