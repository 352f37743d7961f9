using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Metrics;
using Orleans.Dashboard;
using STADNet.Grains;
using STADNet.Silo;

// appsettings.json sits beside the binary, wherever the silo is started from.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
var options = builder.Configuration.ReadSiloOptions();
// The dashboard and metrics bind to localhost unless STADNET_DASHBOARD_HOST opens them up (containers).
builder.WebHost.UseUrls($"http://{options.DashboardHost}:{options.DashboardPort}");
builder.UseOrleans(silo => silo.UseStadnetClustering(options).AddStadnet(builder.Configuration, options).AddDashboard());
builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics
    .AddMeter(ScanMetrics.MeterName, "Microsoft.Orleans")
    .AddPrometheusExporter());

var app = builder.Build();
app.MapOrleansDashboard("/dashboard");
app.MapPrometheusScrapingEndpoint("/metrics");
app.MapGet("/healthz", () => "ok");
await app.RunAsync();
